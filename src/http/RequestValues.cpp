#include "http/RequestValues.h"

#include "http/HttpError.h"

#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <istream>

namespace hchat
{

bool RequestValues::parseNumber(const std::string& text, std::uint64_t& value)
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
    Poco::URI uri(request.getURI());
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
