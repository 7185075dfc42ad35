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
    : _number(number), _connection(std::move(connection)), _answer(answer), _waiting(waitingGauge)
{
    _waiting.fetch_add(1, std::memory_order_relaxed);
}

void LongPollWait::published(Room& room, const MessagePtr& latest) noexcept
{
    if (latest->id() < _number || !settle())
        return;
    try
    {
        // Most publishes are of the very message the polls wait for.
        MessagePtr message = latest;
        if (latest->id() != _number && room.get(_number, message) != Room::Lookup::Found)
            message.reset();
        auto claim = _connection->tryClaim();
        if (message && claim)
        {
            // One buffer per publishing thread, reused for every poll.
            thread_local std::string out;
            out.clear();
            _answer.format(*message, out);
            _delivered = _connection->sendNow(out);
            if (out.capacity() > 64 * 1024)
                std::string().swap(out);
            if (_delivered)
            {
                _counted = false;
                _waiting.fetch_sub(1, std::memory_order_relaxed);
                return;
            }
        }
    }
    catch (...)
    {
        // A store error behind the window, or out of memory: the owner answers.
    }
    _bell.ring();
}

int LongPollWait::wait(int timeoutMs)
{
    if (_connection->hasInput())
        return 1; // under TLS, read from the socket already
    pollfd watched{_connection->descriptor(), POLLIN, 0};
    if (!_stackGiven && timeoutMs > ThreadStack::idleMilliseconds)
    {
        // Quiet for a while: the stack of the request's parsing goes back
        // before the rest of the wait.
        _stackGiven = true;
        const int ready = _bell.wait(&watched, 1, ThreadStack::idleMilliseconds);
        if (ready != 0)
            return ready;
        ThreadStack::releaseBelowHere();
        timeoutMs -= ThreadStack::idleMilliseconds;
    }
    return _bell.wait(&watched, 1, timeoutMs);
}

bool LongPollWait::finish()
{
    auto hold = _connection->hold();
    _connection->setOpen(false);
    if (_counted)
    {
        _counted = false;
        _waiting.fetch_sub(1, std::memory_order_relaxed);
    }
    return _delivered;
}

} // namespace hchat
