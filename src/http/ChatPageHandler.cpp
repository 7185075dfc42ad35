#include "http/ChatPageHandler.h"

#include "chat/ChatActions.h"
#include "chat/Nickname.h"
#include "chat/Room.h"
#include "http/CookieSigner.h"
#include "http/PageRenderer.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>

namespace hchat
{

ChatPageHandler::ChatPageHandler(const HttpContext& context, std::string roomId, int recentOnJoin)
    : EndpointHandler(context), _roomId(std::move(roomId)), _recentOnJoin(recentOnJoin)
{
}

void ChatPageHandler::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    setCookie(request, response, "hchat_client", _context.cookies.issue());
    // The person outlives the page: a reload keeps its name and presence.
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    std::string person = cookies.get("hchat_person", "");
    if (!_context.cookies.verify(person))
    {
        person = _context.cookies.issue();
        setCookie(request, response, "hchat_person", person);
    }

    const std::string& subject = room->record().subject;
    sendPage(response,
             _context.pages.render(
                 "chat.html",
                 {{"title", subject.empty() ? "Chat room" : subject},
                  {"subject", subject.empty() ? "Untitled room" : subject},
                  {"roomId", room->id()},
                  {"visibility", room->record().isPublic ? "Public room" : "Unlisted room"},
                  {"guestName", Nickname::guestName(person)},
                  {"recentOnJoin", std::to_string(_recentOnJoin)},
                  {"maxMessageBytes", std::to_string(_context.actions.maxMessageBytes())}}));
}

} // namespace hchat
