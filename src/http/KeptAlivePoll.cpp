#include "http/KeptAlivePoll.h"

#include "http/BatchScheduling.h"
#include "http/EndpointHandler.h"
#include "http/HttpError.h"
#include "http/LongPollAnswer.h"
#include "http/LongPollWait.h"
#include "http/NextPoll.h"
#include "http/RequestValues.h"
#include "net/Connection.h"
#include "util/Metrics.h"

#include <Poco/Logger.h>

#include <cerrno>
#include <chrono>

namespace hchat
{

using Poco::Net::HTTPResponse;

namespace
{
int millisecondsUntil(std::chrono::steady_clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}
} // namespace

KeptAlivePoll::KeptAlivePoll(const HttpContext& context, std::shared_ptr<Room> room, Asked asked,
                             std::shared_ptr<Connection> connection,
                             std::unique_ptr<LongPollAnswer> answer, int timeoutSeconds)
    : _context(context), _room(std::move(room)), _asked(std::move(asked)),
      _connection(std::move(connection)), _answer(std::move(answer)),
      _timeoutSeconds(timeoutSeconds)
{
}

KeptAlivePoll::~KeptAlivePoll() = default;

bool KeptAlivePoll::run()
{
    const BatchScheduling batch; // see there: answered polls must not preempt the publisher
    try
    {
        for (;;)
        {
            _answered = false;
            _nextRequestWaiting = false;
            MessagePtr message;
            // Deleted since the connection's first request: answered as closed (410).
            Room::Lookup found =
                _room->isDeleted() ? Room::Lookup::Closed : _room->get(_asked.number, message);
            if (found == Room::Lookup::NotYet)
                found = await(message);
            if (!_answered)
                return respond(found, message);
            if (!_keepAlive)
                return false;
            if (!_nextRequestWaiting || !_asked.servesNext || !takeNextRequest())
                return true; // POCO reads what comes next
            _context.metrics.httpRequests.fetch_add(1, std::memory_order_relaxed);
            try
            {
                EndpointHandler::require(_context.actions.mayEnter(_asked.actor, *_room));
            }
            catch (const HttpError& e)
            {
                return refuse(e.status(), e.message());
            }
            _context.actions.markSeen(_asked.actor, *_room, "");
        }
    }
    catch (const Poco::Exception& e)
    {
        // The client went away, or stopped reading: nobody to answer.
        Poco::Logger::get("hchatd.http")
            .debug("long poll from %s: %s", _asked.actor.peer, e.displayText());
        return false;
    }
}

bool KeptAlivePoll::respond(Room::Lookup found, const MessagePtr& message)
{
    if (std::optional<HttpError> refused = LongPollAnswer::refusal(found, *_room, _asked.number))
        return refuse(refused->status(), refused->message());
    if (found == Room::Lookup::NotYet)
    {
        _context.metrics.longPollTimeouts.fetch_add(1, std::memory_order_relaxed);
        return refuse(HTTPResponse::HTTP_NO_CONTENT, "");
    }
    std::string bytes;
    _answer->format(*message, bytes);
    auto claim = _connection->claim();
    _connection->send(bytes);
    return true;
}

bool KeptAlivePoll::refuse(HTTPResponse::HTTPStatus status, const std::string& why)
{
    if (status >= 500)
        _context.metrics.httpServerErrors.fetch_add(1, std::memory_order_relaxed);
    else if (status >= 400)
        _context.metrics.httpClientErrors.fetch_add(1, std::memory_order_relaxed);
    // Shutting down: the connection goes too. Otherwise as POCO would answer.
    const bool close = status == HTTPResponse::HTTP_SERVICE_UNAVAILABLE;
    std::string bytes;
    _answer->formatStatus(status, why, close, bytes);
    auto claim = _connection->claim();
    _connection->send(bytes);
    return !close;
}

bool KeptAlivePoll::takeNextRequest()
{
    // On the heap, and only now: a thread's stack pages stay resident, and
    // an idle poll should cost as little memory as possible.
    const std::size_t capacity = 4096; // longer heads are left to POCO
    std::unique_ptr<char[]> bytes(new char[capacity]);
    long got = -1;
    try
    {
        got = _connection->receive(bytes.get(), capacity);
    }
    catch (const Poco::Exception&)
    {
    }
    if (got <= 0)
        return false;
    NextPoll next;
    const std::size_t length = next.parse(bytes.get(), static_cast<std::size_t>(got));
    // Only a request that POCO would hand to this poll with the same person
    // and the same answer format; anything else is POCO's to read, and so
    // is what follows this request (a pipelined one).
    std::uint64_t n = 0;
    const bool taken = length > 0 && next.room == _asked.roomId &&
                       next.hasAccept == _asked.hasAccept && next.accept == _asked.accept &&
                       next.hasCookie == _asked.hasCookie && next.cookie == _asked.cookie &&
                       RequestValues::parseNumber(next.number, n);
    const std::size_t kept = taken ? length : 0;
    if (static_cast<std::size_t>(got) > kept)
        _connection->unread(bytes.get() + kept, static_cast<std::size_t>(got) - kept);
    if (taken)
        _asked.number = n;
    return taken;
}

Room::Lookup KeptAlivePoll::await(MessagePtr& message)
{
    const std::uint64_t n = _asked.number;
    auto wait =
        std::make_shared<LongPollWait>(n, _connection, *_answer, _context.metrics.longPollWaiting);
    {
        auto hold = _connection->hold();
        _connection->setOpen(true); // a publisher may answer from here on
    }
    _room->subscribe(wait);
    // Subscribed first: a message published before is seen here, one
    // published after reaches the wait; settle() picks who answers.
    Room::Lookup found = _room->get(n, message);
    if (found != Room::Lookup::NotYet && wait->settle())
    {
        wait->finish();
        _room->unsubscribe(wait);
        return found;
    }

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(_timeoutSeconds);
    int ready;
    do
        ready = wait->wait(millisecondsUntil(deadline));
    while (ready < 0 && errno == EINTR && !wait->rung()); // a stray signal
    const bool delivered = wait->finish();
    _room->unsubscribe(wait);
    const bool clientSpoke = ready > 0 && !wait->rung();
    if (delivered)
    {
        _answered = true;
        _nextRequestWaiting = clientSpoke;
        return Room::Lookup::Found;
    }

    found = Room::Lookup::NotYet;
    if (_connection->hasUnsent())
    {
        // A publisher began the answer; the rest is this thread's to send.
        _answered = true;
        found = Room::Lookup::Found;
    }
    else if (clientSpoke && clientLeft())
    {
        // Nobody to answer: the thread is free now, not at the timeout.
        _keepAlive = false;
        _answered = true;
    }
    else if (clientSpoke)
    {
        // The client sent its next request before this answer (pipelining):
        // the socket cannot tell of the client any more, the room can.
        found = _room->waitFor(n, Poco::Timespan(0, millisecondsUntil(deadline) * 1000L), message);
    }
    else
        found = _room->get(n, message); // rung (published, or the room closed) or timed out
    if (_connection->hasUnsent())
    {
        auto claim = _connection->claim(); // sends the rest
    }
    return found;
}

bool KeptAlivePoll::clientLeft() const
{
    char next;
    try
    {
        return _connection->peek(&next, 1) == 0;
    }
    catch (const Poco::Exception&)
    {
        return true; // reset
    }
}

} // namespace hchat
