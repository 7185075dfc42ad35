#include "http/RequestCheck.h"

#include "util/TextRule.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <cctype>

namespace hchat
{

namespace
{
using Status = Poco::Net::HTTPResponse::HTTPStatus;

bool hasControl(const std::string& text)
{
    for (unsigned char c : text)
        if (TextRule::isControl(c) && c != '\t')
            return true;
    return false;
}

bool isDigits(const std::string& text, std::size_t maxDigits)
{
    if (text.empty() || text.size() > maxDigits)
        return false;
    for (unsigned char c : text)
        if (!std::isdigit(c))
            return false;
    return true;
}

// The codings of the IANA registry a client could mean; any other is unknown.
bool isKnownCoding(const std::string& coding)
{
    for (const char* known :
         {"chunked", "compress", "deflate", "gzip", "identity", "x-gzip", "x-compress"})
        if (coding == known)
            return true;
    return false;
}

std::optional<HttpError> refuse(Status status, const std::string& message)
{
    return HttpError(status, message);
}
} // namespace

std::optional<HttpError> RequestCheck::problem(const Poco::Net::HTTPServerRequest& request)
{
    const std::string& version = request.getVersion();
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return refuse(Status::HTTP_VERSION_NOT_SUPPORTED,
                      "HTTP version not supported: use HTTP/1.1");
    int hosts = 0, lengths = 0, codings = 0;
    for (const auto& field : request)
    {
        if (hasControl(field.first) || hasControl(field.second))
            return refuse(Status::HTTP_BAD_REQUEST,
                          "malformed header " + field.first + ": control character");
        if (Poco::icompare(field.first, "Host") == 0)
            ++hosts;
        else if (Poco::icompare(field.first, "Content-Length") == 0)
        {
            if (++lengths > 1)
                return refuse(Status::HTTP_BAD_REQUEST, "more than one Content-Length header");
            if (!isDigits(field.second, 18))
                return refuse(Status::HTTP_BAD_REQUEST,
                              "Content-Length must be a number of at most 18 digits");
        }
        else if (Poco::icompare(field.first, "Transfer-Encoding") == 0)
        {
            if (++codings > 1)
                return refuse(Status::HTTP_BAD_REQUEST, "more than one Transfer-Encoding header");
            const std::string coding = Poco::toLower(Poco::trim(field.second));
            if (coding == "chunked")
                continue;
            for (std::string part :
                 Poco::StringTokenizer(coding, ",", Poco::StringTokenizer::TOK_TRIM))
                if (!isKnownCoding(part))
                    return refuse(Status::HTTP_NOT_IMPLEMENTED,
                                  "transfer coding " + part + " is not supported");
            return refuse(Status::HTTP_BAD_REQUEST, "Transfer-Encoding must be chunked alone");
        }
    }
    if (lengths > 0 && codings > 0)
        return refuse(Status::HTTP_BAD_REQUEST,
                      "a request may not have both Content-Length and Transfer-Encoding");
    if (version == "HTTP/1.1" && hosts != 1)
        return refuse(Status::HTTP_BAD_REQUEST,
                      hosts == 0 ? "Host header missing" : "more than one Host header");
    return std::nullopt;
}

} // namespace hchat
