#include "http/LongPollWait.h"

#include "chat/Room.h"
#include "http/LongPollAnswer.h"
#include "net/Connection.h"
#include "util/ThreadStack.h"

#include <poll.h>

namespace hchat
{

LongPollWait::LongPollWait(std::uint64_t number, std::shared_ptr<Connection> connection,
                           const LongPollAnswer& answer, std::atomic<std::int64_t>& waitingGauge)
    : _number(number), _connection(std::move(connection)), _answer(answer), _waiting(waitingGauge),
      _watch(nullptr)
{
    _waiting.fetch_add(1, std::memory_order_relaxed);
}

LongPollWait::LongPollWait(std::uint64_t number, std::shared_ptr<Connection> connection,
                           const LongPollAnswer& answer, std::atomic<std::int64_t>& waitingGauge,
                           std::shared_ptr<Room> room, NextRequest next, NextRequestWatch& watch)
    : _number(number), _connection(std::move(connection)), _answer(answer), _waiting(waitingGauge),
      _room(std::move(room)), _next(std::move(next)), _watch(&watch)
{
    _waiting.fetch_add(1, std::memory_order_relaxed);
}

void LongPollWait::watch()
{
    auto hold = _connection->hold();
    _watchId = _watch->add(_connection->descriptor(), weak_from_this());
}

void LongPollWait::published(Room& room, const MessagePtr& latest) noexcept
{
    // Answered, or waiting for a later number: nothing to do, seen without the claim.
    if (_delivered.load() || latest->id() < _number.load())
        return;
    try
    {
        if (auto claim = _connection->tryClaim())
        {
            // Only the first publish of the number counts.
            if (_delivered.load() || latest->id() < _number.load() || !settle())
                return;
            // Most publishes are of the very message the polls wait for.
            MessagePtr message = latest;
            if (latest->id() == _number.load() ||
                room.get(_number.load(), message) == Room::Lookup::Found)
                if (answer(*message))
                    return;
        }
    }
    catch (...)
    {
        // A store error behind the window, or out of memory: the owner answers.
    }
    _bell.ring();
}

void LongPollWait::readable() noexcept
{
    try
    {
        auto claim = _connection->tryClaim();
        if (!claim || !_delivered.load())
            return handOver(); // held for a moment, or input before the answer (pipelining)
        std::uint64_t next = 0;
        switch (_next(next))
        {
        case Next::Nothing:
            return _watch->rearm(_connection->descriptor(), _watchId);
        case Next::Other:
            return handOver();
        case Next::Poll:
            break;
        }
        ++_taken;
        _since = Clock::now();
        _number.store(next);
        _delivered.store(false);
        _settled.store(false);
        _counted = true;
        _waiting.fetch_add(1, std::memory_order_relaxed);
        if (_connection->hasInput())
            return handOver(); // more came behind it (pipelined): the owner answers in order
        // Not published yet: its publisher answers (or, finding the
        // connection claimed just now, rings for the owner).
        if (_room->hasFrom(next))
        {
            MessagePtr message;
            if (!_room->getRecent(next, message))
                return handOver(); // the store's to read, or gone: not on this thread
            settle();
            if (!answer(*message))
            {
                _bell.ring(); // the rest of it is the owner's to send
                return;
            }
        }
        _watch->rearm(_connection->descriptor(), _watchId);
    }
    catch (...)
    {
        handOver();
    }
}

void LongPollWait::handOver()
{
    _handedOver.store(true);
    _bell.ring();
}

bool LongPollWait::answer(const Message& message)
{
    // One buffer per thread, reused for every poll.
    thread_local std::string out;
    out.clear();
    _answer.format(message, out);
    const bool whole = _connection->sendNow(out);
    if (out.capacity() > 64 * 1024)
        std::string().swap(out);
    if (!whole)
        return false;
    _delivered.store(true);
    _since = Clock::now();
    _counted = false;
    _waiting.fetch_sub(1, std::memory_order_relaxed);
    return true;
}

void LongPollWait::closed(Room&) noexcept
{
    _closed.store(true);
    _bell.ring();
}

int LongPollWait::wait(int timeoutMs)
{
    bool watched;
    {
        auto hold = _connection->hold(); // the watch may be reading
        if (_connection->hasInput())
            return 1; // given back, or read from the socket already under TLS
        watched = _watchId != 0;
    }
    // Watched by the watch, the owner sleeps on the bell alone.
    pollfd socket{_connection->descriptor(), POLLIN, 0};
    const nfds_t count = watched ? 0 : 1;
    if (!_stackGiven && timeoutMs > ThreadStack::idleMilliseconds)
    {
        // Quiet for a while: the stack of the request's parsing goes back
        // before the rest of the wait.
        _stackGiven = true;
        const int ready = _bell.wait(&socket, count, ThreadStack::idleMilliseconds);
        if (ready != 0)
            return ready;
        ThreadStack::releaseBelowHere();
        timeoutMs -= ThreadStack::idleMilliseconds;
    }
    return _bell.wait(&socket, count, timeoutMs);
}

bool LongPollWait::keepWaiting(const Room& room)
{
    // Cleared first: a ring after this is kept, and one before it was made
    // after the state checked below.
    _bell.clear();
    auto hold = _connection->hold();
    if (_closed.load() || _handedOver.load())
        return false;
    if (_delivered.load())
        return _watchId != 0; // answered: the watch reads the next request
    // A publisher that took the number could not answer it; or one could
    // not claim the connection when the number was published.
    return !_settled.load() && !room.hasFrom(_number.load());
}

bool LongPollWait::finish()
{
    auto hold = _connection->hold();
    _connection->setOpen(false);
    if (_watchId != 0)
        _watch->remove(_connection->descriptor(), _watchId);
    if (_counted)
    {
        _counted = false;
        _waiting.fetch_sub(1, std::memory_order_relaxed);
    }
    return _delivered.load();
}

} // namespace hchat
