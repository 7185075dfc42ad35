#pragma once

#include "http/EndpointHandler.h"

namespace hchat
{

class IndexPageHandler : public EndpointHandler
/// GET /
///
/// The index page: the public rooms, most recently active first (subject,
/// people online, last activity), and the form that creates a room
/// (GET /chat_create). Works without JavaScript. Unlisted rooms never appear.
///
///   200 text/html
{
public:
    explicit IndexPageHandler(const HttpContext& context);

    static std::string origin(const Poco::Net::HTTPServerRequest& request);
    /// "http://host:port" as the client reached this server.
    static std::string ago(const Poco::Timestamp& then, const Poco::Timestamp& now);
    /// "just now", "5 min ago", "3 h ago", "2 days ago".

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;
};

} // namespace hchat
