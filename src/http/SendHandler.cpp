#include "http/SendHandler.h"

#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

SendHandler::SendHandler(const HttpContext& context, std::string roomId,
                         const OriginPolicy& origins, int bodySeconds)
    : EndpointHandler(context), _roomId(std::move(roomId)), _origins(origins),
      _bodySeconds(bodySeconds)
{
}

void SendHandler::handle(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    auto room = findRoom(_roomId); // 404 before the body is read

    // Room for the largest text percent-encoded (3 bytes per byte) plus the
    // other form fields.
    const std::size_t maxText = _context.actions.maxMessageBytes();
    std::string body =
        RequestValues::readBody(request, 3 * maxText + 1024, Poco::Timespan(_bodySeconds, 0));

    RequestValues::SendForm form = RequestValues::sendForm(request.getContentType(), body);
    std::string text = form.haveText ? std::move(form.text) : std::move(body);
    std::string nick = std::move(form.nick);
    if (nick.empty())
        RequestValues::query(request, "nick", nick);
    std::size_t keys = 0;
    for (const auto& field : request)
        keys += Poco::icompare(field.first, "Idempotency-Key") == 0 ? 1 : 0;
    // Two keys would name the message twice: which one a retry repeats is
    // anybody's guess.
    if (keys > 1)
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "more than one Idempotency-Key header");
    const std::string key = request.get("Idempotency-Key", "");
    if (keys == 1 && !RequestValues::isRequestKey(key))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "Idempotency-Key must be 1 to 64 letters, digits, '-', '_', '.' or ':'");

    // The text is checked, then the name claimed, then the token spent: a
    // refused text or name costs nothing.
    const ChatActions::Actor who = _requester.actorIn(request, _roomId);
    require(_context.actions.checkText(who, text));
    // A banned person is refused before they show up as present.
    require(_context.actions.mayEnter(who, *room, nick.empty() ? "" : who.nameFor(nick)));
    const ChatActions::Outcome person = _context.actions.markSeen(who, *room, nick);
    require(person);
    const ChatActions::Outcome sent = _context.actions.send(who, *room, person.name, text, key);
    require(sent);
    if (sent.replayed)
        response.set("Idempotent-Replayed", "true");
    send(response, std::to_string(sent.message->id()), "text/plain; charset=utf-8");
}

} // namespace hchat
