#include "http/EventStreamHandler.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Nickname.h"
#include "chat/Room.h"
#include "http/StreamError.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace hchat
{

namespace
{
// At most this many messages are read from the room per look, so a client
// far behind catches up in slices instead of one huge copy.
const std::size_t slice = 100;
// A comment at least every 15 s (SPEC §4), sooner with a shorter long-poll timeout.
} // namespace

EventStreamHandler::EventStreamHandler(const ServerContext& context, std::string roomId)
    : EndpointHandler(context), _roomId(std::move(roomId))
{
}

void EventStreamHandler::handle(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    std::uint64_t next = startOfStream(request, *room);
    const std::string key = personKey(request);
    const std::string name = Nickname::guestName(clientId(request));

    response.setContentType("text/event-stream; charset=utf-8");
    response.set("Cache-Control", "no-cache");
    response.set("X-Accel-Buffering", "no"); // a proxy in front must not buffer the stream
    response.setChunkedTransferEncoding(true);
    response.setKeepAlive(false);
    std::ostream& out = response.send();
    out << "retry: 2000\n\n" << std::flush; // EventSource reconnects after 2 s

    const Poco::Timespan keepAlive(std::min(15, _context.settings.longPollTimeout), 0);
    Metrics& metrics = _context.metrics;
    metrics.sseStreams.fetch_add(1, std::memory_order_relaxed);
    struct Gauge
    {
        std::atomic<std::int64_t>& g;
        ~Gauge() { g.fetch_sub(1, std::memory_order_relaxed); }
    } gauge{metrics.sseStreams};

    while (out.good())
    {
        room->presence().seen(key, name, Poco::Timestamp());
        std::uint64_t roomNext = 0;
        std::vector<MessagePtr> messages = room->range(next, slice, roomNext);
        if (!messages.empty())
        {
            if (messages.front()->id() > next)
                out << "event: error\ndata: " << StreamError::gone(next, messages.front()->id())
                    << "\n\n";
            for (const MessagePtr& m : messages)
                out << "id: " << m->id() << "\nevent: " << Message::kindName(m->kind())
                    << "\ndata: " << m->json() << "\n\n";
            out.flush();
            next = messages.back()->id() + 1;
            continue;
        }
        if (next < roomNext)
        {
            // Everything from next on was deleted by retention.
            out << "event: error\ndata: " << StreamError::gone(next, roomNext) << "\n\n";
            next = roomNext;
        }
        MessagePtr first;
        Room::Lookup found = room->waitFor(next, keepAlive, first);
        if (found == Room::Lookup::Closed)
            break;
        if (found == Room::Lookup::NotYet)
            out << ": keep-alive\n\n" << std::flush;
    }
}

} // namespace hchat
