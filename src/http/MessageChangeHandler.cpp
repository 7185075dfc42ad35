#include "http/MessageChangeHandler.h"

#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

MessageChangeHandler::MessageChangeHandler(const HttpContext& context, std::string roomId,
                                           std::string number, const OriginPolicy& origins,
                                           int bodySeconds)
    : EndpointHandler(context), _roomId(std::move(roomId)), _number(std::move(number)),
      _origins(origins), _bodySeconds(bodySeconds)
{
}

void MessageChangeHandler::handle(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    auto room = findRoom(_roomId);
    std::uint64_t n = 0;
    if (!RequestValues::parseNumber(_number, n))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the message number must be a number");

    const ChatActions::Actor who = _requester.actorIn(request, _roomId);
    const std::string author = _context.people.nameOf(who.key, who.defaultName());
    ChatActions::Outcome outcome;
    if (request.getMethod() == "DELETE")
        outcome = _context.roomActions.remove(who, *room, n, author);
    else
    {
        const std::size_t maxText = _context.actions.maxMessageBytes();
        std::string body =
            RequestValues::readBody(request, 3 * maxText + 1024, Poco::Timespan(_bodySeconds, 0));
        std::string text;
        const std::string type = Poco::toLower(request.getContentType());
        if (type.compare(0, 10, "text/plain") == 0)
            text = std::move(body);
        else
        {
            auto fields = RequestValues::fields(request.getContentType(), body);
            auto found = fields.find("text");
            if (found == fields.end())
                throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the field text is missing");
            text = found->second;
        }
        outcome = _context.roomActions.edit(who, *room, n, author, text);
    }
    require(outcome);
    send(response, outcome.message->json(), "application/json");
}

} // namespace hchat
