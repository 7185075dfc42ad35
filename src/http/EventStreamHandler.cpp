#include "http/EventStreamHandler.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Attendance.h"
#include "chat/Cursor.h"
#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "http/StreamError.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <cerrno>

namespace hchat
{

namespace
{
// At most this many messages are read from the room per look, so a client
// far behind catches up in slices instead of one huge copy.
const std::size_t sliceSize = 100;
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
    const std::string nick = wantedNick(request);
    const std::string key = streamKey(request);

    response.setContentType("text/event-stream; charset=utf-8");
    response.set("Cache-Control", "no-cache");
    response.set("X-Accel-Buffering", "no"); // a proxy in front must not buffer the stream
    response.setChunkedTransferEncoding(true);
    response.setKeepAlive(false);
    std::ostream& out = response.send();
    out << "retry: 2000\n\n" << std::flush; // EventSource reconnects after 2 s

    const int keepAliveMs = std::min(15, _context.settings.longPollTimeout) * 1000;
    Metrics& metrics = _context.metrics;
    metrics.sseStreams.fetch_add(1, std::memory_order_relaxed);
    struct Gauge
    {
        std::atomic<std::int64_t>& g;
        ~Gauge() { g.fetch_sub(1, std::memory_order_relaxed); }
    } gauge{metrics.sseStreams};

    // The thread waits on a Doorbell rather than the room's condition
    // variable: presence changes and private messages wake it too.
    auto bell = std::make_shared<Doorbell>();
    auto mailbox = std::make_shared<Mailbox>(bell);
    Attendance stay(_context.people, _context.announcer, room, key, nick, Nickname::guestName(key),
                    bell, mailbox);
    if (stay.arrival().taken)
        out << "event: error\ndata: "
            << StreamError::make("nick-taken", "the nickname " + nick +
                                                   " is taken by someone online; you are " +
                                                   stay.arrival().name)
            << "\n\n";

    const int client =
        static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().impl()->sockfd();
    Cursor cursor(room, next);
    std::uint64_t presenceSent = 0;
    std::shared_ptr<const std::string> presenceFrame; // shared: not a copy per stream
    while (out.good())
    {
        bell->clear(); // anything from here on rings it again
        for (;;)
        {
            Cursor::Slice slice = cursor.take(sliceSize);
            if (slice.skipped)
                out << "event: error\ndata: "
                    << StreamError::gone(slice.skippedFrom, slice.resumedAt) << "\n\n";
            for (const MessagePtr& m : slice.messages)
                out << "id: " << m->id() << "\nevent: " << Message::kindName(m->kind())
                    << "\ndata: " << m->json() << "\n\n";
            if (slice.messages.empty())
                break;
        }
        for (const Mailbox::LetterPtr& letter : mailbox->takeAll())
            out << "event: private\ndata: " << letter->json << "\n\n";
        if (room->presenceVersion() != presenceSent)
        {
            presenceSent = room->presenceVersion();
            People::Frame frame = _context.people.presenceJson(room->id());
            if (!presenceFrame || *frame != *presenceFrame) // not a change undone (a reload)
            {
                presenceFrame = std::move(frame);
                out << "event: presence\ndata: " << *presenceFrame << "\n\n";
            }
        }
        out.flush();
        if (room->isClosed())
            break;
        // The client sends nothing after its request: its socket turning
        // readable means it closed, and its person starts to leave now rather
        // than at the next keep-alive write.
        pollfd waits[1] = {{client, POLLIN | POLLRDHUP, 0}};
        int ready = bell->wait(waits, 1, keepAliveMs);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0)
            break;
        if (ready == 0)
            out << ": keep-alive\n\n" << std::flush;
    }
}

} // namespace hchat
