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
    std::string events = "retry: 2000\n\n"; // EventSource reconnects after 2 s
    const int keepAliveMs = std::min(15, _context.settings.longPollTimeout) * 1000;

    auto bell = std::make_shared<Doorbell>();
    auto mailbox = std::make_shared<Mailbox>(bell);
    Attendance stay(_context.people, _context.announcer, _room, _personKey, _wantedNick,
                    Nickname::guestName(_personKey), bell, mailbox);
    if (stay.arrival().taken)
        appendEvent(events, "error",
                    StreamError::make("nick-taken", "the nickname " + _wantedNick +
                                                        " is taken by someone online; you are " +
                                                        stay.arrival().name));

    const int client = _socket.impl()->sockfd();
    Cursor cursor(_room, _from);
    std::uint64_t presenceSent = 0;
    std::shared_ptr<const std::string> presenceFrame; // shared: not a copy per stream
    for (;;)
    {
        bell->clear(); // anything from here on rings it again
        for (;;)
        {
            Cursor::Slice slice = cursor.take(sliceSize);
            if (slice.skipped)
                appendEvent(events, "error", StreamError::gone(slice.skippedFrom, slice.resumedAt));
            for (const MessagePtr& m : slice.messages)
            {
                events.append("id: ").append(std::to_string(m->id()));
                events.append("\n");
                appendEvent(events, Message::kindName(m->kind()), m->json());
            }
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
        send(events);
        if (_room->isClosed())
        {
            sendAll("0\r\n\r\n"); // the end of the chunked body
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

void EventStream::send(std::string& events)
/// Sends the events as one chunk (after the response head, the first time)
/// and empties them.
{
    if (events.empty())
        return;
    std::string out;
    if (!_headSent)
        out = _head;
    out.append(Poco::NumberFormatter::formatHex(events.size()))
        .append("\r\n")
        .append(events)
        .append("\r\n");
    sendAll(out);
    _headSent = true;
    events.clear();
    // A presence frame can be kilobytes; 10,000 idle streams should not each
    // keep room for one.
    if (events.capacity() > 1024)
        events.shrink_to_fit();
}

void EventStream::sendAll(const std::string& bytes)
/// One send() on the blocking socket, which returns when the kernel took
/// everything; the loop only covers an interrupted one.
{
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0)
    {
        const int sent = _socket.sendBytes(data, static_cast<int>(left));
        if (sent <= 0)
            throw Poco::IOException("the client stopped reading");
        data += sent;
        left -= static_cast<std::size_t>(sent);
    }
}

} // namespace hchat
