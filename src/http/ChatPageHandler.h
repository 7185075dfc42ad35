#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class ChatPageHandler : public EndpointHandler
/// GET /chat/<id>
///
/// The chat page of room <id> (html/chat.html with chat.js and chat.css).
/// Every call issues a new client id in the cookie `hchat_client`
/// (HttpOnly; SameSite=Lax; Path=/), as hchatd did. The person the browser
/// is (People: name, presence, private messages, rate limit) is the
/// session cookie `hchat_person`, issued once and then kept, so a reload or
/// a second tab is the same person, not a leave and a join.
///
/// GET /chat/<id>?owner=<secret> opens the room's owner link (SPEC §11):
/// with the right secret this browser owns the room from then on (cookie
/// hchat_owner_<id>); a wrong one changes nothing. The page is told what the
/// browser is to the room (data-role: person, owner, operator), so it
/// offers the actions RoomActions allows, and a guest owner's page shows
/// the owner link to keep.
///
///   200 text/html   the page; the subject is escaped, the script is static
///   404 an HTML page: no such room
///   410 an HTML page: the room was deleted
{
public:
    ChatPageHandler(const HttpContext& context, std::string roomId, int recentOnJoin);
    /// recentOnJoin: chat.recentOnJoin, which the page shows first.

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
    const int _recentOnJoin;
};

} // namespace hchat
