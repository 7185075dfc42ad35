#include "http/ChatPageHandler.h"

#include "chat/ChatActions.h"
#include "chat/Nickname.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "http/CookieSigner.h"
#include "http/PageRenderer.h"
#include "http/RequestValues.h"

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

    // The owner link (SPEC §11): a browser that opens it owns the room from
    // then on, by the cookie; a wrong secret is no one's and changes nothing.
    ChatActions::Actor who = _requester.actorIn(request, _roomId);
    std::string secret;
    if (RequestValues::query(request, "owner", secret) && !secret.empty())
    {
        ChatActions::Actor claiming = who;
        claiming.ownerSecret = secret;
        if (_context.roomActions.roleOf(claiming, *room) == Permissions::Role::Owner &&
            _context.roomActions.roleOf(who, *room) != Permissions::Role::Owner)
        {
            setCookie(request, response, Requester::ownerCookie(_roomId), secret, 365 * 86400);
            who = claiming;
        }
    }
    const Permissions::Role role = _context.roomActions.roleOf(who, *room);
    // A guest owner holds the link: the page shows it once, to keep.
    const bool byLink = role == Permissions::Role::Owner && room->record().owner.empty();

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
                  {"maxMessageBytes", std::to_string(_context.actions.maxMessageBytes())},
                  {"role", Permissions::name(role)},
                  {"editWindow", std::to_string(_context.roomActions.editWindow().totalSeconds())},
                  {"ownerLink", byLink ? "/chat/" + _roomId + "?owner=" + who.ownerSecret : ""}}));
}

} // namespace hchat
