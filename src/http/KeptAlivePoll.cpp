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
#include <poll.h>

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
                             std::unique_ptr<LongPollAnswer> answer, int timeoutSeconds,
                             NextRequestWatch& watch)
    : _context(context), _room(std::move(room)), _asked(std::move(asked)),
      _connection(std::move(connection)), _answer(std::move(answer)),
      _timeoutSeconds(timeoutSeconds), _watch(watch), _since(std::chrono::steady_clock::now())
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
    std::unique_ptr<char[]> bytes(new char[requestCapacity]);
    std::uint64_t n = 0;
    if (readNextRequest(bytes.get(), n) != LongPollWait::Next::Poll)
        return false;
    _asked.number = n;
    return true;
}

LongPollWait::Next KeptAlivePoll::readNextRequest(char* bytes, std::uint64_t& n) const
{
    long got = 0;
    try
    {
        got = _connection->receive(bytes, requestCapacity);
    }
    catch (const Poco::Exception&)
    {
        return LongPollWait::Next::Other; // a reset, a broken record: POCO finds out too
    }
    if (got <= 0)
        return got < 0 ? LongPollWait::Next::Nothing : LongPollWait::Next::Other;
    NextPoll next;
    const std::size_t length = next.parse(bytes, static_cast<std::size_t>(got));
    // Only a request that POCO would hand to this poll with the same person
    // and the same answer format; anything else is POCO's to read, and so
    // is what follows this request (a pipelined one).
    const bool taken = length > 0 && next.room == _asked.roomId &&
                       next.hasAccept == _asked.hasAccept && next.accept == _asked.accept &&
                       next.hasCookie == _asked.hasCookie && next.cookie == _asked.cookie &&
                       RequestValues::parseNumber(next.number, n);
    const std::size_t kept = taken ? length : 0;
    if (static_cast<std::size_t>(got) > kept)
        _connection->unread(bytes + kept, static_cast<std::size_t>(got) - kept);
    return taken ? LongPollWait::Next::Poll : LongPollWait::Next::Other;
}

LongPollWait::Next KeptAlivePoll::readForWatch(std::uint64_t& n) const
{
    // Who may enter a restricted room is the owner's to ask, per request.
    if (_room->isRestricted() || _room->isClosed())
        return LongPollWait::Next::Other;
    // One buffer for the watch's thread, made when it first reads.
    thread_local std::unique_ptr<char[]> bytes;
    if (!bytes)
        bytes.reset(new char[requestCapacity]);
    const LongPollWait::Next next = readNextRequest(bytes.get(), n);
    if (next == LongPollWait::Next::Poll)
        _context.metrics.httpRequests.fetch_add(1, std::memory_order_relaxed);
    return next;
}

Room::Lookup KeptAlivePoll::await(MessagePtr& message)
{
    for (;;)
    {
        const std::uint64_t n = _asked.number;
        std::shared_ptr<LongPollWait> wait;
        if (_asked.servesNext)
            wait = std::make_shared<LongPollWait>(
                n, _connection, *_answer, _context.metrics.longPollWaiting, _room,
                [this](std::uint64_t& number) { return readForWatch(number); }, _watch);
        else
            wait = std::make_shared<LongPollWait>(n, _connection, *_answer,
                                                  _context.metrics.longPollWaiting);
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
        if (_asked.servesNext)
            wait->watch();

        int ready;
        for (;;)
        {
            ready = wait->wait(millisecondsUntil(deadline()));
            if (ready < 0 && errno == EINTR && !wait->rung())
                continue; // a stray signal
            if (ready < 0 && wait->rung() && wait->keepWaiting(*_room))
                continue;
            break;
        }
        const bool delivered = wait->finish();
        _room->unsubscribe(wait);
        // Input came (the watch found it not its to read), or the client left.
        const bool clientSpoke = (ready > 0 && !wait->rung()) || wait->handedOver();
        if (wait->served())
        {
            // A publisher answered, and the watch may have read next
            // requests: those count as the person's polls too.
            _asked.number = wait->number();
            _since = clientSpoke ? std::chrono::steady_clock::now() : wait->since();
            if (wait->taken() > 0)
                _context.actions.markSeen(_asked.actor, *_room, "");
        }
        if (delivered)
        {
            _answered = true;
            // The client's next request came, or has been waiting unread
            // (its time runs from the answer).
            _nextRequestWaiting = clientSpoke || requestWaiting();
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
            found = _room->waitFor(
                _asked.number, Poco::Timespan(0, millisecondsUntil(deadline()) * 1000L), message);
        }
        else
            found = _room->get(_asked.number,
                               message); // rung (published, or the room closed) or timed out
        if (_connection->hasUnsent())
        {
            auto claim = _connection->claim(); // sends the rest
        }
        // A request the watch read waits on for its own time; a ring that
        // found nothing published (the room's copy not loaded) waits on too.
        if (found == Room::Lookup::NotYet && !_answered && !clientSpoke &&
            millisecondsUntil(deadline()) > 0 && !_room->isClosed())
            continue;
        return found;
    }
}

std::chrono::steady_clock::time_point KeptAlivePoll::deadline() const
{
    return _since + std::chrono::seconds(_timeoutSeconds);
}

bool KeptAlivePoll::requestWaiting() const
{
    if (_connection->hasInput())
        return true;
    pollfd watched{_connection->descriptor(), POLLIN, 0};
    return ::poll(&watched, 1, 0) > 0;
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
