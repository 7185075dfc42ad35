#include "stream/StreamSession.h"

#include "util/ThreadStack.h"

#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "stream/StreamTransport.h"
#include "util/Metrics.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <algorithm>
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
                             Metrics& metrics, const char* kind, const std::string& peer)
    : _connection(socket), _transport(transport), _people(people), _announcer(announcer),
      _metrics(metrics), _kind(kind), _peer(peer), _bell(std::make_shared<Doorbell>()),
      _mailbox(std::make_shared<Mailbox>(_bell)), _sendTimeout(sendTimeoutSeconds)
{
    // A client that stops reading blocks only this thread, and only this long.
    _connection.setSendTimeout(sendTimeoutSeconds);
}

StreamSession::~StreamSession() = default;

StreamSession::Membership::Membership(std::shared_ptr<Room> room, std::uint64_t from)
    : cursor(std::move(room), from)
{
}

const People::Outcome& StreamSession::enter(std::shared_ptr<Room> room, std::uint64_t from,
                                            const std::string& key, const std::string& wanted,
                                            const std::string& guest, bool withMailbox)
{
    leave(false);
    {
        std::lock_guard<std::mutex> lock(_keyMutex);
        _key = key;
        _kickedFrom.clear();
    }
    _kicked.store(false);
    return add(std::move(room), from, key, wanted, guest, withMailbox ? _mailbox : nullptr);
}

const People::Outcome& StreamSession::add(std::shared_ptr<Room> room, std::uint64_t from,
                                          const std::string& key, const std::string& wanted,
                                          const std::string& guest,
                                          const std::shared_ptr<Mailbox>& mailbox)
{
    auto in = std::make_unique<Membership>(room, from);
    in->typingSent = room->typing().version(); // who writes from now on
    Membership& added = *in;
    {
        // Closed to publishers until the owner has sent what it queued (the
        // answer to the command that entered) and the history after it.
        auto hold = _connection.hold();
        _connection.setOpen(false);
        _rooms.push_back(std::move(in));
    }
    added.stay = std::make_unique<Attendance>(_people, _announcer, std::move(room), key, wanted,
                                              guest, shared_from_this(), mailbox, !_watching);
    return added.stay->arrival();
}

const People::Outcome& StreamSession::enterToo(std::shared_ptr<Room> room, std::uint64_t from,
                                               const std::string& key, const std::string& wanted,
                                               const std::string& guest)
{
    if (_rooms.empty())
        return enter(std::move(room), from, key, wanted, guest, false);
    if (Membership* there = find(*room); there && there->stay)
        return there->stay->arrival();
    return add(std::move(room), from, key, wanted, guest, nullptr);
}

const People::Outcome& StreamSession::enter(const StreamStart& start, bool withMailbox)
{
    _watching = start.watching;
    return enter(start.room, start.from, start.actor.key, start.actor.nameFor(start.wantedNick),
                 start.actor.defaultName(), withMailbox);
}

void StreamSession::leave(bool now)
{
    while (!_rooms.empty())
        leave(_rooms.back()->cursor.room(), now);
}

void StreamSession::leave(const Room& room, bool now)
{
    Membership* in = find(room);
    if (!in)
        return;
    if (in->stay && now)
        in->stay->leaveNow();
    in->stay.reset();
    auto hold = _connection.hold();
    for (auto it = _rooms.begin(); it != _rooms.end(); ++it)
        if (it->get() == in)
        {
            _rooms.erase(it);
            break;
        }
}

StreamSession::Membership* StreamSession::find(const Room& room) const
{
    for (const auto& in : _rooms)
        if (&in->cursor.room() == &room)
            return in.get();
    return nullptr;
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
            .warning("%s %s stopped reading: closed after %d s", std::string(_kind), _peer,
                     _sendTimeout);
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
        if (!removals())
            return;
        bool closed = _stopping.load();
        for (const auto& in : _rooms)
            closed = closed || in->cursor.room().isClosed();
        if (closed)
        {
            std::string last;
            _transport.closing(last);
            finish(last, false); // the daemon stops: no lingering
            return;
        }
        pollfd client[1] = {{_connection.descriptor(), POLLIN, 0}};
        // Quiet for a while after some work: the stack that work touched
        // goes back first (a held connection is mostly idle).
        const int quietMs = _transport.quietMs();
        const bool settling =
            _stackTouched && (quietMs < 0 || quietMs > ThreadStack::idleMilliseconds);
        const int ready =
            _connection.hasInput()
                ? 1
                : _bell->wait(client, 1, settling ? ThreadStack::idleMilliseconds : quietMs);
        if (ready < 0 && errno == EINTR)
        {
            _stackTouched = true;
            continue; // rung
        }
        if (ready < 0)
            break;
        if (ready == 0)
        {
            if (settling)
            {
                ThreadStack::releaseBelowHere();
                _stackTouched = false;
                continue;
            }
            if (!_transport.quiet())
                break;
            continue;
        }
        _stackTouched = true;
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

bool StreamSession::removals()
{
    if (_stopping.load())
        return true; // closing() says it all
    std::vector<const Room*> kickedFrom;
    if (_kicked.exchange(false))
    {
        std::lock_guard<std::mutex> lock(_keyMutex);
        kickedFrom.swap(_kickedFrom);
    }
    std::vector<Room*> gone;
    for (const auto& in : _rooms)
    {
        Room& room = in->cursor.room();
        if (room.isDeleted() ||
            std::find(kickedFrom.begin(), kickedFrom.end(), &room) != kickedFrom.end())
            gone.push_back(&room);
    }
    for (Room* room : gone)
    {
        std::string words;
        const bool goOn =
            _transport.removed(*room,
                               room->isDeleted() ? StreamTransport::Removal::RoomDeleted
                                                 : StreamTransport::Removal::Kicked,
                               words);
        leave(*room, true); // at once: no grace period
        if (!goOn)
        {
            finish(words, true);
            return false;
        }
        queue(std::move(words));
    }
    if (!gone.empty())
        flush();
    return true;
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
    out.reserve(outputBytes); // not grown in steps that this thread's cache would keep
    auto claim = _connection.claim();
    for (const auto& in : _rooms)
    {
        for (;;)
        {
            Cursor::Slice slice = in->cursor.take(sliceSize);
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
    for (const auto& in : _rooms)
        frames(*in, out);
    if (!out.empty())
        _connection.send(out); // all of this turn in one send()
    _connection.setOpen(true);
}

void StreamSession::frames(Membership& in, std::string& out)
{
    Room& room = in.cursor.room();
    // The version is read before the frame: a change in between is sent again.
    const std::uint64_t version = room.presenceVersion();
    if (version != in.presenceSent)
    {
        in.presenceSent = version;
        People::Frame frame = _people.presenceJson(room.id());
        if (!in.presenceFrame || *frame != *in.presenceFrame) // not a change undone (a reload)
        {
            in.presenceFrame = std::move(frame);
            _transport.presence(room, *in.presenceFrame, out);
        }
    }
    const std::uint64_t typing = room.typing().version();
    if (typing != in.typingSent)
    {
        in.typingSent = typing;
        _transport.typing(room, room.typing().frame(), out);
    }
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

template <typename Write> bool StreamSession::fromOtherThread(Room& room, Write write) noexcept
{
    try
    {
        auto claim = _connection.tryClaim();
        if (!claim || _receiving.load())
            return false; // the owner is busy, or the client is not taking bytes
        Membership* in = find(room);
        if (!in)
            return true; // a room the client left
        // One buffer per thread, reused for every client it writes to.
        thread_local std::string out;
        out.clear();
        const Then then = write(*in, out);
        if (then != Then::Send)
            return then == Then::Done;
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

bool StreamSession::deliverNow(Room& room, const MessagePtr& latest) noexcept
{
    auto entries = [&](Membership& in, std::string& out)
    {
        Cursor& cursor = in.cursor;
        const std::uint64_t at = cursor.position();
        if (at > latest->id())
            return Then::Done; // sent already, by the owner or another publisher
        if (latest->id() - at >= publisherSlice)
            return Then::Owner;
        Cursor::Slice slice;
        if (!cursor.takeIfNext(latest, slice))
            slice = cursor.take(publisherSlice);
        _transport.entries(slice, out);
        return Then::Send;
    };
    return fromOtherThread(room, entries);
}

void StreamSession::presenceChanged(Room& room) noexcept
{
    auto changed = [&](Membership& in, std::string& out)
    {
        if (in.cursor.position() < room.next())
            return Then::Owner; // entries to send first
        frames(in, out);
        return out.empty() ? Then::Done : Then::Send;
    };
    if (!fromOtherThread(room, changed))
        _bell->ring();
}

void StreamSession::closed(Room&) noexcept
{
    _bell->ring();
}

void StreamSession::historyLost(Room&) noexcept
{
    _bell->ring();
}

void StreamSession::kicked(Room& room, const std::string& key) noexcept
{
    try
    {
        std::lock_guard<std::mutex> lock(_keyMutex);
        if (key != _key)
            return;
        _kickedFrom.push_back(&room);
    }
    catch (...)
    {
        return; // out of memory: the room's ban still keeps them from posting
    }
    _kicked.store(true);
    _bell->ring();
}

} // namespace hchat
