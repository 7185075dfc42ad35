#include "http/OriginPolicy.h"

#include "http/HttpError.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>

namespace hchat
{

namespace
{
// "http://host:port/path" -> scheme, host and port (the scheme's default if none).
bool split(const std::string& url, std::string& scheme, std::string& host, std::string& port)
{
    const std::size_t colon = url.find("://");
    if (colon == std::string::npos)
        return false;
    scheme = url.substr(0, colon);
    std::string authority = url.substr(colon + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    const std::size_t at = authority.rfind('@');
    if (at != std::string::npos)
        authority.erase(0, at + 1);
    const std::size_t close = authority.rfind(']'); // [v6]:port
    const std::size_t portColon = authority.rfind(':');
    if (portColon != std::string::npos && (close == std::string::npos || portColon > close))
    {
        host = authority.substr(0, portColon);
        port = authority.substr(portColon + 1);
    }
    else
    {
        host = authority;
        port = scheme == "https" || scheme == "wss" ? "443" : "80";
    }
    return !host.empty();
}

// "scheme://host:port", the port always written; empty when not a URL.
std::string normal(const std::string& url)
{
    std::string scheme, host, port;
    if (!split(Poco::toLower(url), scheme, host, port))
        return "";
    return scheme + "://" + host + ":" + port;
}
} // namespace

OriginPolicy::OriginPolicy(const std::string& allowedOrigins)
{
    for (const std::string& origin : Poco::StringTokenizer(
             allowedOrigins, " ,\t",
             Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
    {
        _allowed.push_back(normal(origin));
        if (_allowed.back().empty())
            throw Poco::InvalidArgumentException("http.allowedOrigins: '" + origin +
                                                 "' is no origin (scheme://host[:port])");
    }
}

bool OriginPolicy::isOwn(const std::string& url, const std::string& hostHeader) const
{
    std::string scheme, host, port;
    if (!split(Poco::toLower(url), scheme, host, port))
        return false;
    if (std::find(_allowed.begin(), _allowed.end(), scheme + "://" + host + ":" + port) !=
        _allowed.end())
        return true;
    // The Host the browser sent: the page and this request name the same
    // server. Without a port in Host, either default port matches (a
    // proxy in front may speak https while hchatd hears http).
    const std::string own = Poco::toLower(hostHeader);
    const std::size_t close = own.rfind(']');
    const std::size_t colon = own.rfind(':');
    if (colon != std::string::npos && (close == std::string::npos || colon > close))
        return own.substr(0, colon) == host && own.substr(colon + 1) == port;
    return own == host && (port == "80" || port == "443");
}

bool OriginPolicy::allows(const Poco::Net::HTTPServerRequest& request) const
{
    const std::string host = request.getHost();
    const std::string origin = request.get("Origin", "");
    if (!origin.empty())
        return origin != "null" && isOwn(origin, host);
    // A browser that sends no Origin (a GET from <img>, a form) says where
    // it came from in Sec-Fetch-Site, or at least in Referer.
    const std::string site = Poco::toLower(request.get("Sec-Fetch-Site", ""));
    if (!site.empty())
        return site == "same-origin" || site == "none";
    const std::string referer = request.get("Referer", "");
    return referer.empty() || isOwn(referer, host);
}

void OriginPolicy::require(const Poco::Net::HTTPServerRequest& request) const
{
    if (!allows(request))
        throw HttpError(Poco::Net::HTTPResponse::HTTP_FORBIDDEN,
                        "a page of another site may not do this here (http.allowedOrigins)");
}

} // namespace hchat
