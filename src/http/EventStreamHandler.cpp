#include "http/EventStreamHandler.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Cursor.h"
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
const std::size_t sliceSize = 100;
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
    const std::uint64_t next = startOfStream(request, *room);
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

    Cursor cursor(room, next);
    Poco::Timestamp presenceMarked(0);
    while (out.good())
    {
        // Presence lasts longpoll.timeout + 5 s; marking it once a second,
        // not on every wake, keeps a busy room's streams off its presence lock.
        if (presenceMarked.isElapsed(1000000))
        {
            presenceMarked.update();
            room->presence().seen(key, name, presenceMarked);
        }
        Cursor::Slice slice = cursor.take(sliceSize);
        if (slice.skipped)
            out << "event: error\ndata: " << StreamError::gone(slice.skippedFrom, slice.resumedAt)
                << "\n\n";
        for (const MessagePtr& m : slice.messages)
            out << "id: " << m->id() << "\nevent: " << Message::kindName(m->kind())
                << "\ndata: " << m->json() << "\n\n";
        if (slice.skipped || !slice.messages.empty())
        {
            out.flush();
            continue;
        }
        MessagePtr first;
        Room::Lookup found = room->waitFor(cursor.position(), keepAlive, first);
        if (found == Room::Lookup::Closed)
            break;
        if (found == Room::Lookup::NotYet)
            out << ": keep-alive\n\n" << std::flush;
    }
}

} // namespace hchat
