#include "http/RequestValues.h"

#include "http/HttpError.h"

#include <Poco/Ascii.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <istream>
#include <sstream>

namespace hchat
{

namespace
{
const char* const urlEncoded = "application/x-www-form-urlencoded";
const char* const multipartForm = "multipart/form-data";

// A form body (url-encoded or multipart) as POCO reads it, at most 16
// fields; throws a Poco::Exception when it is malformed.
void loadForm(const std::string& contentType, const std::string& body, Poco::Net::HTMLForm& form)
{
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/");
    request.setContentType(contentType);
    std::istringstream in(body);
    form.setFieldLimit(16);
    form.load(request, in);
}
} // namespace

bool RequestValues::parseFlag(const std::string& text, bool& value)
{
    const std::string flag = Poco::toLower(Poco::trim(text));
    for (const char* yes : {"1", "on", "true", "yes"})
        if (flag == yes)
            return value = true;
    for (const char* no : {"0", "off", "false", "no"})
        if (flag == no)
            return !(value = false);
    return false;
}

bool RequestValues::isRequestKey(const std::string& text)
{
    if (text.empty() || text.size() > 64)
        return false;
    for (char c : text)
        if (!Poco::Ascii::isAlphaNumeric(c) && c != '-' && c != '_' && c != '.' && c != ':')
            return false;
    return true;
}

bool RequestValues::parseNumber(std::string_view text, std::uint64_t& value)
{
    if (text.empty() || text.size() > 19)
        return false;
    std::uint64_t n = 0;
    for (char c : text)
    {
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    value = n;
    return true;
}

bool RequestValues::query(const Poco::Net::HTTPServerRequest& request, const std::string& name,
                          std::string& value)
{
    return query(request.getURI(), name, value);
}

bool RequestValues::query(const std::string& text, const std::string& name, std::string& value)
{
    Poco::URI uri(text);
    for (const auto& parameter : uri.getQueryParameters())
    {
        if (parameter.first == name)
        {
            value = parameter.second;
            return true;
        }
    }
    return false;
}

std::uint64_t RequestValues::queryNumber(const Poco::Net::HTTPServerRequest& request,
                                         const std::string& name, std::uint64_t fallback)
{
    std::string text;
    if (!query(request, name, text))
        return fallback;
    std::uint64_t value = 0;
    if (!parseNumber(text, value))
        throw Poco::InvalidArgumentException("parameter " + name +
                                             " must be a non-negative integer");
    return value;
}

RequestValues::SendForm RequestValues::sendForm(const std::string& contentType,
                                                const std::string& body)
{
    SendForm fields;
    const std::string type = Poco::toLower(contentType);
    const bool multipart = type.find(multipartForm) == 0;
    if (!multipart && type.find(urlEncoded) != 0)
        return fields;
    try
    {
        Poco::Net::HTMLForm form;
        loadForm(contentType, body, form);
        fields.haveText = form.has("text");
        if (fields.haveText)
            fields.text = form.get("text");
        fields.nick = form.get("nick", "");
    }
    catch (const Poco::Exception& e)
    {
        if (multipart)
            throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "bad form: " + e.message());
        return SendForm();
    }
    if (!fields.haveText && multipart)
        throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "the form has no field 'text'");
    return fields;
}

std::map<std::string, std::string> RequestValues::fields(const std::string& contentType,
                                                         const std::string& body)
{
    using Poco::Net::HTTPResponse;
    std::map<std::string, std::string> values;
    const std::string type = Poco::toLower(contentType);
    if (type.find("application/json") == 0)
    {
        try
        {
            auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
            // Numbers and true/false read as a form would send them.
            for (const auto& entry : *object)
                if (entry.second.isString())
                    values[entry.first] = entry.second.extract<std::string>();
                else if (entry.second.isNumeric() || entry.second.isBoolean())
                    values[entry.first] = entry.second.convert<std::string>();
        }
        catch (const Poco::Exception&)
        {
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the body is no JSON object");
        }
        return values;
    }
    if (type.find(multipartForm) != 0 && type.find(urlEncoded) != 0)
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "send a form (application/x-www-form-urlencoded) or JSON");
    try
    {
        Poco::Net::HTMLForm form;
        loadForm(contentType, body, form);
        for (const auto& field : form)
            values.emplace(field.first, field.second);
    }
    catch (const Poco::Exception& e)
    {
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad form: " + e.message());
    }
    return values;
}

std::string RequestValues::readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                                    const Poco::Timespan& deadline)
{
    const Poco::Timestamp started;
    const auto tooLarge = [&]
    {
        return HttpError(Poco::Net::HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
                         "request body too large (at most " + std::to_string(limit) + " bytes)");
    };
    if (request.hasContentLength() &&
        request.getContentLength64() > static_cast<Poco::Int64>(limit))
        throw tooLarge();
    std::string body;
    std::istream& in = request.stream();
    char buffer[4096];
    // What arrived, as it arrives (peek waits for one read of the socket):
    // a body dripped a byte at a time meets the deadline.
    while (in.peek() != std::char_traits<char>::eof())
    {
        const std::streamsize got = in.readsome(buffer, sizeof buffer);
        body.append(buffer, static_cast<std::size_t>(got));
        if (body.size() > limit)
            throw tooLarge();
        if (started.elapsed() > deadline.totalMicroseconds())
            throw HttpError(Poco::Net::HTTPResponse::HTTP_REQUEST_TIMEOUT,
                            "request body too slow (all of it within " +
                                std::to_string(deadline.totalSeconds()) + " s)");
    }
    // A body cut short (the client went away, or timed out) must never be
    // taken as a shorter message.
    if (in.bad() || (request.hasContentLength() &&
                     static_cast<Poco::Int64>(body.size()) != request.getContentLength64()))
        throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "request body incomplete");
    return body;
}

} // namespace hchat
