#include "http/EventStream.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Attendance.h"
#include "chat/Cursor.h"
#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/Message.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "http/Outbox.h"
#include "http/ServerContext.h"
#include "http/StreamError.h"

#include <Poco/Exception.h>
#include <Poco/NumberFormatter.h>

#include <algorithm>
#include <cerrno>

namespace hchat
{

namespace
{
// At most this many messages are read from the room per look, so a client
// far behind catches up in slices instead of one huge copy.
const std::size_t sliceSize = 100;

void appendEvent(std::string& out, const char* event, const std::string& data)
{
    out.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
}

void appendMessages(const Cursor::Slice& slice, std::string& events)
{
    if (slice.skipped)
        appendEvent(events, "error", StreamError::gone(slice.skippedFrom, slice.resumedAt));
    for (const MessagePtr& m : slice.messages)
    {
        events.append("id: ").append(std::to_string(m->id())).append("\n");
        appendEvent(events, Message::kindName(m->kind()), m->json());
    }
}

// One chunk of the HTTP chunked encoding.
void appendChunk(std::string& out, const std::string& events)
{
    out.append(Poco::NumberFormatter::formatHex(events.size()))
        .append("\r\n")
        .append(events)
        .append("\r\n");
}

// How a publisher sends messages to the stream (Outbox::Format): one chunk.
void appendMessagesChunk(const Cursor::Slice& slice, std::string& out)
{
    thread_local std::string events;
    events.clear();
    appendMessages(slice, events);
    appendChunk(out, events);
}
} // namespace

EventStream::EventStream(const ServerContext& context, Poco::Net::StreamSocket socket,
                         std::string head, std::shared_ptr<Room> room, std::uint64_t from,
                         std::string personKey, std::string wantedNick)
    : _context(context), _socket(std::move(socket)), _head(std::move(head)), _room(std::move(room)),
      _from(from), _personKey(std::move(personKey)), _wantedNick(std::move(wantedNick)),
      _log(Poco::Logger::get("hchatd.sse"))
{
}

void EventStream::run()
{
    Metrics& metrics = _context.metrics;
    metrics.sseStreams.fetch_add(1, std::memory_order_relaxed);
    try
    {
        serve();
    }
    catch (const Poco::Exception& e)
    {
        // The client went away or stopped reading (send timeout).
        _log.debug("event stream ended: %s", e.displayText());
    }
    metrics.sseStreams.fetch_sub(1, std::memory_order_relaxed);
}

void EventStream::serve()
{
    // A client that stops reading blocks only this thread, and only this long.
    _socket.setSendTimeout(Poco::Timespan(_context.settings.httpRequestTimeout, 0));
    _socket.setNoDelay(true);
    std::string out = _head;                // the first send starts the response
    std::string events = "retry: 2000\n\n"; // EventSource reconnects after 2 s
    const int keepAliveMs = std::min(15, _context.settings.longPollTimeout) * 1000;

    const int client = _socket.impl()->sockfd();
    // Declared before the Attendance, which unsubscribes the bell: no
    // publisher reaches the outbox once it is gone.
    Outbox outbox(client, _room, _from, appendMessagesChunk);
    auto bell = std::make_shared<Doorbell>();
    bell->setShortcut([&outbox] { return outbox.deliverNow(); });
    auto mailbox = std::make_shared<Mailbox>(bell);
    Attendance stay(_context.people, _context.announcer, _room, _personKey, _wantedNick,
                    Nickname::guestName(_personKey), bell, mailbox);
    if (stay.arrival().taken)
        appendEvent(events, "error",
                    StreamError::make("nick-taken", "the nickname " + _wantedNick +
                                                        " is taken by someone online; you are " +
                                                        stay.arrival().name));

    std::uint64_t presenceSent = 0;
    std::shared_ptr<const std::string> presenceFrame; // shared: not a copy per stream
    for (;;)
    {
        bell->clear(); // anything from here on rings it again
        {
            auto claim = outbox.claim();
            for (;;)
            {
                Cursor::Slice slice = outbox.cursor().take(sliceSize);
                appendMessages(slice, events);
                if (slice.messages.empty())
                    break;
            }
            for (const Mailbox::LetterPtr& letter : mailbox->takeAll())
                appendEvent(events, "private", letter->json);
            if (_room->presenceVersion() != presenceSent)
            {
                presenceSent = _room->presenceVersion();
                People::Frame frame = _context.people.presenceJson(_room->id());
                if (!presenceFrame || *frame != *presenceFrame) // not a change undone (a reload)
                {
                    presenceFrame = std::move(frame);
                    appendEvent(events, "presence", *presenceFrame);
                }
            }
            if (!events.empty())
                appendChunk(out, events);
            outbox.write(out); // this wake-up's events in one send()
            outbox.setOpen(true);
        }
        out.clear();
        events.clear();
        // A presence frame can be kilobytes; 10,000 idle streams should not
        // each keep room for one.
        if (out.capacity() > 1024)
            std::string().swap(out);
        if (events.capacity() > 1024)
            std::string().swap(events);
        if (_room->isClosed())
        {
            auto claim = outbox.claim();
            outbox.setOpen(false);
            outbox.write("0\r\n\r\n"); // the end of the chunked body
            return;
        }
        pollfd waits[1] = {{client, POLLIN | POLLRDHUP, 0}};
        const int ready = bell->wait(waits, 1, keepAliveMs);
        if (ready > 0 || (ready < 0 && errno != EINTR))
            return; // the client closed (it sends nothing), or poll failed
        if (ready == 0)
            events = ": keep-alive\n\n";
    }
}

} // namespace hchat
