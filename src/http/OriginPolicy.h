#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <string>
#include <vector>

namespace hchat
{

class OriginPolicy
/// Which browser pages may act in hchatd's name (cross-site request
/// forgery, cross-site WebSocket hijacking): its own pages, and the origins
/// of http.allowedOrigins. A request that carries none of Origin,
/// Sec-Fetch-Site or Referer is no browser's (curl, bots) and may act.
/// Thread-safe (immutable).
{
public:
    explicit OriginPolicy(const std::string& allowedOrigins);
    /// allowedOrigins: origins ("https://chat.example.org") separated by
    /// spaces or commas. Throws Poco::InvalidArgumentException for one that
    /// is no origin.

    bool allows(const Poco::Net::HTTPServerRequest& request) const;
    /// Whether the request comes from no browser page, or from an allowed one.

    void require(const Poco::Net::HTTPServerRequest& request) const;
    /// Throws HttpError 403 unless allows().

private:
    bool isOwn(const std::string& origin, const std::string& host) const;

    std::vector<std::string> _allowed; ///< "scheme://host:port", lower case
};

} // namespace hchat
