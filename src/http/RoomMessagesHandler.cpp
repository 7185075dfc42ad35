#include "http/RoomMessagesHandler.h"

#include "chat/Room.h"
#include "http/RequestValues.h"
#include "util/Metrics.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace hchat
{

namespace
{
const std::uint64_t defaultLimit = 100;
const std::uint64_t maxLimit = 1000;
} // namespace

RoomMessagesHandler::RoomMessagesHandler(const HttpContext& context, std::string roomId,
                                         int maxWaitSeconds)
    : EndpointHandler(context), _roomId(std::move(roomId)), _maxWaitSeconds(maxWaitSeconds)
{
}

void RoomMessagesHandler::handle(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    const std::uint64_t limit =
        std::min(maxLimit, RequestValues::queryNumber(request, "limit", defaultLimit));
    const std::uint64_t next = room->next();
    // before=n: the `limit` entries below n (older history, read upwards).
    std::string ignored;
    const bool upwards = RequestValues::query(request, "before", ignored);
    if (upwards && RequestValues::query(request, "from", ignored))
        throw Poco::InvalidArgumentException("give from or before, not both");
    const std::uint64_t before =
        std::min(next, RequestValues::queryNumber(request, "before", next));
    const std::uint64_t from =
        RequestValues::queryNumber(request, "from", before > limit ? before - limit : 0);
    const std::uint64_t count = upwards ? before - from : limit;
    const std::uint64_t wait =
        std::min<std::uint64_t>(RequestValues::queryNumber(request, "wait", 0),
                                static_cast<std::uint64_t>(_maxWaitSeconds));

    if (wait > 0)
    {
        _context.actions.markSeen(_requester.actor(request), *room, "");
        MessagePtr none;
        _context.metrics.longPollWaiting.fetch_add(1, std::memory_order_relaxed);
        room->waitFor(from, Poco::Timespan(static_cast<long>(wait), 0), none);
        _context.metrics.longPollWaiting.fetch_sub(1, std::memory_order_relaxed);
    }

    std::uint64_t after = 0;
    auto messages = room->range(from, static_cast<std::size_t>(count), after);
    std::string body = "{\"messages\":[";
    for (std::size_t i = 0; i < messages.size(); ++i)
    {
        if (i)
            body += ',';
        body += messages[i]->json();
    }
    body += "],\"next\":" + std::to_string(after) + "}";
    send(response, body, "application/json");
}

} // namespace hchat
