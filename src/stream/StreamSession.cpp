#include "stream/StreamSession.h"

#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "stream/StreamTransport.h"
#include "util/Metrics.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <cerrno>
#include <poll.h>

namespace hchat
{

namespace
{
// Messages read from the room per look, so a client far behind catches up
// in slices instead of one huge copy.
const std::size_t sliceSize = 100;
// Messages a publisher sends in one go. A client further behind is its own
// thread's work (that may read the store): a publisher serves everyone.
const std::size_t publisherSlice = 16;
// How long a session that ends a connection waits for the client to close.
const int lingerMs = 1000;
} // namespace

StreamSession::StreamSession(Poco::Net::SocketImpl& socket, int sendTimeoutSeconds,
                             StreamTransport& transport, People& people, Announcer& announcer,
                             Metrics& metrics, std::string who)
    : _connection(socket), _transport(transport), _people(people), _announcer(announcer),
      _metrics(metrics), _who(std::move(who)), _bell(std::make_shared<Doorbell>()),
      _mailbox(std::make_shared<Mailbox>(_bell)), _sendTimeout(sendTimeoutSeconds)
{
    // A client that stops reading blocks only this thread, and only this long.
    _connection.setSendTimeout(sendTimeoutSeconds);
}

StreamSession::~StreamSession() = default;

const People::Outcome& StreamSession::enter(std::shared_ptr<Room> room, std::uint64_t from,
                                            const std::string& key, const std::string& wanted,
                                            const std::string& guest, bool withMailbox)
{
    leave(false);
    {
        std::lock_guard<std::mutex> lock(_keyMutex);
        _key = key;
    }
    _kicked.store(false);
    {
        // Closed to publishers until the owner has sent what it queued (the
        // answer to the command that entered) and the history after it.
        auto hold = _connection.hold();
        _connection.setOpen(false);
        _cursor.emplace(room, from);
        _presenceSent = 0;
        _presenceFrame.reset();
        _typingSent = room->typing().version(); // who writes from now on
    }
    _stay = std::make_unique<Attendance>(_people, _announcer, std::move(room), key, wanted, guest,
                                         shared_from_this(), withMailbox ? _mailbox : nullptr,
                                         !_watching);
    return _stay->arrival();
}

const People::Outcome& StreamSession::enter(const StreamStart& start, bool withMailbox)
{
    _watching = start.watching;
    return enter(start.room, start.from, start.actor.key, start.actor.nameFor(start.wantedNick),
                 start.actor.defaultName(), withMailbox);
}

void StreamSession::leave(bool now)
{
    if (!_stay)
        return;
    if (now)
        _stay->leaveNow();
    _stay.reset();
    auto hold = _connection.hold();
    _cursor.reset();
}

void StreamSession::queue(std::string bytes)
{
    if (_queued.empty())
        _queued = std::move(bytes); // most turns queue one thing, or nothing
    else
        _queued += bytes;
    if (_queued.size() < maxPending)
        return;
    // Answers go before what the client's commands cause, as at a flush.
    auto claim = _connection.claim();
    _connection.send(_queued);
    std::string().swap(_queued);
}

void StreamSession::serve(const std::string& early)
{
    try
    {
        run(early);
    }
    catch (const Poco::TimeoutException&)
    {
        _metrics.slowClientsClosed.fetch_add(1, std::memory_order_relaxed);
        Poco::Logger::get("hchatd.stream")
            .warning("%s stopped reading: closed after %d s", _who, _sendTimeout);
    }
}

void StreamSession::run(const std::string& early)
{
    if (!early.empty() && !receive(early.data(), early.size()))
    {
        finish("", true);
        return;
    }
    for (;;)
    {
        _bell->clear(); // anything from here on rings it again
        flush();
        Room* in = room();
        const bool deleted = in && in->isDeleted();
        if (in && (deleted || _kicked.exchange(false)) && !_stopping.load())
        {
            std::string words;
            const bool goOn = _transport.removed(deleted ? StreamTransport::Removal::RoomDeleted
                                                         : StreamTransport::Removal::Kicked,
                                                 words);
            leave(true); // at once: no grace period
            if (!goOn)
            {
                finish(words, true);
                return;
            }
            queue(std::move(words));
            continue;
        }
        if (_stopping.load() || (in && in->isClosed()))
        {
            std::string last;
            _transport.closing(last);
            finish(last, false); // the daemon stops: no lingering
            return;
        }
        pollfd client[1] = {{_connection.descriptor(), POLLIN, 0}};
        const int ready = _connection.hasInput() ? 1 : _bell->wait(client, 1, _transport.quietMs());
        if (ready < 0 && errno == EINTR)
            continue; // rung
        if (ready < 0)
            break;
        if (ready == 0)
        {
            if (!_transport.quiet())
                break;
            continue;
        }
        // On the heap and only now: a thread's stack pages stay resident,
        // and most streams (SSE, a WebSocket that only listens) never read.
        const std::size_t size = 4096;
        std::unique_ptr<char[]> input(new char[size]);
        const long got = _connection.receive(input.get(), size);
        if (got == 0)
            return; // the client closed: nobody to tell
        if (got > 0 && !receive(input.get(), static_cast<std::size_t>(got)))
            break;
    }
    finish("", true);
}

bool StreamSession::receive(const char* data, std::size_t size)
{
    // What the client's commands cause (its own message, say) goes out after
    // the answers they queued: publishers leave it to this thread meanwhile.
    // Set under the claim, so no publisher is past its look at the flag.
    {
        auto hold = _connection.hold();
        _receiving.store(true);
    }
    bool more = false;
    try
    {
        more = _transport.received(data, size);
    }
    catch (...)
    {
        _receiving.store(false);
        throw;
    }
    _receiving.store(false);
    return more;
}

void StreamSession::flush()
{
    std::string out;
    out.swap(_queued);
    auto claim = _connection.claim();
    if (_cursor)
    {
        for (;;)
        {
            Cursor::Slice slice = _cursor->take(sliceSize);
            _transport.entries(slice, out);
            if (slice.messages.empty())
                break;
            if (out.size() >= maxPending)
            {
                _connection.send(out); // a long history goes out as it is read
                out.clear();
            }
        }
    }
    for (const Mailbox::LetterPtr& letter : _mailbox->takeAll())
        _transport.letter(*letter, out);
    if (_cursor)
    {
        Room& room = _cursor->room();
        // The version is read before the frame: a change in between is sent again.
        const std::uint64_t version = room.presenceVersion();
        if (version != _presenceSent)
        {
            _presenceSent = version;
            People::Frame frame = _people.presenceJson(room.id());
            if (!_presenceFrame || *frame != *_presenceFrame) // not a change undone (a reload)
            {
                _presenceFrame = std::move(frame);
                _transport.presence(*_presenceFrame, out);
            }
        }
        const std::uint64_t typing = room.typing().version();
        if (typing != _typingSent)
        {
            _typingSent = typing;
            _transport.typing(room.typing().frame(), out);
        }
    }
    if (!out.empty())
        _connection.send(out); // all of this turn in one send()
    _connection.setOpen(true);
}

void StreamSession::finish(const std::string& last, bool linger)
{
    std::string out;
    out.swap(_queued);
    out += last;
    {
        auto claim = _connection.claim();
        _connection.setOpen(false); // nothing may follow the last bytes
        if (!out.empty())
            _connection.send(out);
    }
    // The session ended it (a close frame, an ERROR line): let the client
    // read that before the socket closes.
    if (linger)
        _connection.linger(lingerMs);
}

void StreamSession::end() noexcept
{
    try
    {
        leave(false); // a dropped connection leaves after the grace period
    }
    catch (...)
    {
        // Announcing the departure failed (the store): presence is right regardless.
    }
    auto shut = _connection.shut();
}

void StreamSession::stop()
{
    _stopping.store(true);
    _bell->ring();
}

void StreamSession::published(Room& room, const MessagePtr& latest) noexcept
{
    if (!deliverNow(room, latest))
        _bell->ring();
}

bool StreamSession::deliverNow(Room& room, const MessagePtr& latest) noexcept
{
    try
    {
        auto claim = _connection.tryClaim();
        if (!claim || _receiving.load())
            return false; // the owner is busy, or the client is not taking bytes
        if (!_cursor || &_cursor->room() != &room)
            return true; // a room the client left
        const std::uint64_t at = _cursor->position();
        if (at > latest->id())
            return true; // sent already, by the owner or another publisher
        if (latest->id() - at >= publisherSlice)
            return false;
        Cursor::Slice slice;
        if (!_cursor->takeIfNext(latest, slice))
            slice = _cursor->take(publisherSlice);
        // One buffer per publishing thread, reused for every subscriber.
        thread_local std::string out;
        out.clear();
        _transport.entries(slice, out);
        const bool sent = _connection.sendNow(out);
        if (out.capacity() > 64 * 1024)
            std::string().swap(out);
        return sent;
    }
    catch (...)
    {
        // A store error reading behind the window, or out of memory: the
        // owner meets it again and can answer it.
        return false;
    }
}

void StreamSession::presenceChanged(Room&) noexcept
{
    _bell->ring();
}

void StreamSession::closed(Room&) noexcept
{
    _bell->ring();
}

void StreamSession::kicked(Room&, const std::string& key) noexcept
{
    {
        std::lock_guard<std::mutex> lock(_keyMutex);
        if (key != _key)
            return;
    }
    _kicked.store(true);
    _bell->ring();
}

} // namespace hchat
