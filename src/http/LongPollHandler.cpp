#include "http/LongPollHandler.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

LongPollHandler::LongPollHandler(const ServerContext& context, std::string roomId,
                                 std::string number)
    : EndpointHandler(context), _roomId(std::move(roomId)), _number(std::move(number))
{
}

void LongPollHandler::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response)
{
    std::uint64_t n = 0;
    if (!RequestValues::parseNumber(_number, n))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "message number must be a non-negative integer");
    auto room = findRoom(_roomId);
    markSeen(request, *room);

    MessagePtr message;
    Metrics& metrics = _context.metrics;
    metrics.longPollWaiting.fetch_add(1, std::memory_order_relaxed);
    Room::Lookup found =
        room->waitFor(n, Poco::Timespan(_context.settings.longPollTimeout, 0), message);
    metrics.longPollWaiting.fetch_sub(1, std::memory_order_relaxed);

    if (found == Room::Lookup::Gone)
        throw HttpError(HTTPResponse::HTTP_GONE,
                        "message " + _number + " was dropped by retention");
    if (found == Room::Lookup::Closed)
        throw HttpError(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "server shutting down");
    if (found == Room::Lookup::NotYet)
    {
        metrics.longPollTimeouts.fetch_add(1, std::memory_order_relaxed);
        response.setStatusAndReason(HTTPResponse::HTTP_NO_CONTENT);
        response.setContentLength(0);
        response.send();
        return;
    }
    response.set("X-Chat-Id", std::to_string(message->id()));
    response.set("X-Chat-Author", message->author());
    response.set("X-Chat-Time", message->timeText());
    response.set("X-Chat-Kind", Message::kindName(message->kind()));
    if (wantsJson(request))
        send(response, message->json(), "application/json");
    else
        send(response, message->text(), "text/plain; charset=utf-8");
}

} // namespace hchat
