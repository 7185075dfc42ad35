#include "http/ChatPageHandler.h"

#include "app/Settings.h"
#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "chat/Room.h"
#include "http/PageRenderer.h"

#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

ChatPageHandler::ChatPageHandler(const ServerContext& context, std::string roomId)
    : EndpointHandler(context), _roomId(std::move(roomId))
{
}

void ChatPageHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    const std::string client = IdGenerator::next();
    Poco::Net::HTTPCookie cookie("hchat_client", client);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_LAX);
    response.addCookie(cookie);

    const Settings& settings = _context.settings;
    const std::string& subject = room->record().subject;
    sendPage(
        response,
        _context.pages.render(
            "chat.html", {{"title", subject.empty() ? "Chat room" : subject},
                          {"subject", subject.empty() ? "Untitled room" : subject},
                          {"roomId", room->id()},
                          {"visibility", room->record().isPublic ? "Public room" : "Unlisted room"},
                          {"guestName", Nickname::guestName(client)},
                          {"recentOnJoin", std::to_string(settings.recentOnJoin)},
                          {"maxMessageBytes", std::to_string(settings.maxMessageBytes)}}));
}

} // namespace hchat
