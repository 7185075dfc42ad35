#include "http/LongPollHandler.h"

#include "http/BatchScheduling.h"
#include "http/HttpError.h"
#include "http/LongPollAnswer.h"
#include "http/LongPollWait.h"
#include "http/NextPoll.h"
#include "http/RequestValues.h"
#include "net/Connection.h"
#include "net/TrustedProxies.h"
#include "util/Metrics.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/String.h>

#include <cerrno>
#include <chrono>
#include <sys/socket.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

namespace
{
// Bytes of a next request that POCO has read already: such a request never
// makes the socket readable again. HTTPSession::buffered() is protected;
// a pointer to it formed through a derived class may be called on any session.
struct SessionPeek : Poco::Net::HTTPSession
{
    static int bytesIn(const Poco::Net::HTTPSession& session)
    {
        return (session.*(&SessionPeek::buffered))();
    }
};

int millisecondsUntil(std::chrono::steady_clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}
} // namespace

LongPollHandler::LongPollHandler(const HttpContext& context, std::string roomId, std::string number,
                                 int timeoutSeconds)
    : EndpointHandler(context), _roomId(std::move(roomId)), _number(std::move(number)),
      _timeoutSeconds(timeoutSeconds)
{
}

LongPollHandler::~LongPollHandler() = default;

void LongPollHandler::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response)
{
    std::uint64_t n = 0;
    if (!RequestValues::parseNumber(_number, n))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "message number must be a non-negative integer");
    auto room = findRoom(_roomId);
    _actor = actor(request);
    require(_context.actions.mayEnter(*_actor, *room)); // banned: not even present
    _context.actions.markSeen(*_actor, *room, "");
    auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
    // The socket's implementation, not a StreamSocket copy (a reference
    // count): the request, and so the socket, outlives this handler.
    _connection = std::make_shared<Connection>(*impl.socket().impl());
    // Decided once per connection: while this handler loops, POCO reads
    // nothing more, and only a closed connection ends keep-alive.
    _watchSocket = response.getKeepAlive() && SessionPeek::bytesIn(impl.session()) == 0;
    _answer = std::make_unique<LongPollAnswer>(
        wantsJson(request), request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD, response);
    // Through a trusted proxy, each request may be another client's: all go through POCO.
    const bool servesNext =
        notePlainRequest(request) && !_context.proxies.covers(request.clientAddress().host());
    const BatchScheduling batch; // see there: answered polls must not preempt the publisher

    while (answer(response, *room, n) && servesNext && takeNextRequest(n))
    {
        _context.metrics.httpRequests.fetch_add(1, std::memory_order_relaxed);
        require(_context.actions.mayEnter(*_actor, *room));
        _context.actions.markSeen(*_actor, *room, "");
    }
}

bool LongPollHandler::answer(Poco::Net::HTTPServerResponse& response, Room& room, std::uint64_t n)
{
    _answered = false;
    _nextRequestWaiting = false;
    if (room.isDeleted()) // since this connection's first request
        throw HttpError(HTTPResponse::HTTP_GONE, "this room was deleted");
    MessagePtr message;
    Room::Lookup found = room.get(n, message);
    if (found == Room::Lookup::NotYet)
        found = _watchSocket ? awaitWatching(response, room, n, message)
                             : awaitQuietly(room, n, message);
    if (_answered)
        return _nextRequestWaiting;

    if (found == Room::Lookup::Gone)
        throw HttpError(HTTPResponse::HTTP_GONE,
                        "message " + std::to_string(n) + " was dropped by retention");
    if (found == Room::Lookup::Closed && room.isDeleted())
        throw HttpError(HTTPResponse::HTTP_GONE, "this room was deleted");
    if (found == Room::Lookup::Closed)
        throw HttpError(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "server shutting down");
    if (found == Room::Lookup::NotYet)
    {
        _context.metrics.longPollTimeouts.fetch_add(1, std::memory_order_relaxed);
        response.setStatusAndReason(HTTPResponse::HTTP_NO_CONTENT);
        response.setContentLength(0);
        response.send();
        return false;
    }
    std::string bytes;
    _answer->format(*message, bytes);
    auto claim = _connection->claim();
    _connection->send(bytes);
    return false;
}

bool LongPollHandler::notePlainRequest(const Poco::Net::HTTPServerRequest& request)
{
    if (request.getVersion() != Poco::Net::HTTPMessage::HTTP_1_1)
        return false;
    int accepts = 0, cookies = 0;
    for (const auto& field : request)
    {
        if (Poco::icompare(field.first, "Accept") == 0)
        {
            ++accepts;
            _accept = field.second;
        }
        else if (Poco::icompare(field.first, "Cookie") == 0)
        {
            ++cookies;
            _cookie = field.second;
        }
    }
    _hasAccept = accepts == 1;
    _hasCookie = cookies == 1;
    return accepts <= 1 && cookies <= 1;
}

bool LongPollHandler::takeNextRequest(std::uint64_t& n)
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
    // Only a request that POCO would hand to this handler with the same
    // person and the same answer format; anything else is POCO's to read,
    // and so is what follows this request (a pipelined one).
    const bool taken = length > 0 && next.room == _roomId && next.hasAccept == _hasAccept &&
                       next.accept == _accept && next.hasCookie == _hasCookie &&
                       next.cookie == _cookie && RequestValues::parseNumber(next.number, n);
    const std::size_t kept = taken ? length : 0;
    if (static_cast<std::size_t>(got) > kept)
        _connection->unread(bytes.get() + kept, static_cast<std::size_t>(got) - kept);
    if (!taken)
        return false;
    _number = std::move(next.number);
    return true;
}

Room::Lookup LongPollHandler::awaitQuietly(Room& room, std::uint64_t n, MessagePtr& message)
{
    auto& waiting = _context.metrics.longPollWaiting;
    waiting.fetch_add(1, std::memory_order_relaxed);
    Room::Lookup found = room.waitFor(n, Poco::Timespan(_timeoutSeconds, 0), message);
    waiting.fetch_sub(1, std::memory_order_relaxed);
    return found;
}

Room::Lookup LongPollHandler::awaitWatching(Poco::Net::HTTPServerResponse& response, Room& room,
                                            std::uint64_t n, MessagePtr& message)
{
    auto wait =
        std::make_shared<LongPollWait>(n, _connection, *_answer, _context.metrics.longPollWaiting);
    {
        auto hold = _connection->hold();
        _connection->setOpen(true); // a publisher may answer from here on
    }
    room.subscribe(wait);
    // Subscribed first: a message published before is seen here, one
    // published after reaches the wait; settle() picks who answers.
    Room::Lookup found = room.get(n, message);
    if (found != Room::Lookup::NotYet && wait->settle())
    {
        wait->finish();
        room.unsubscribe(wait);
        return found;
    }

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(_timeoutSeconds);
    int ready;
    do
        ready = wait->wait(millisecondsUntil(deadline));
    while (ready < 0 && errno == EINTR && !wait->rung()); // a stray signal
    const bool delivered = wait->finish();
    room.unsubscribe(wait);
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
        response.setKeepAlive(false);
        _answered = true;
    }
    else if (clientSpoke)
    {
        // The client sent its next request before this answer (pipelining):
        // the socket cannot tell of the client any more, the room can.
        found = room.waitFor(n, Poco::Timespan(0, millisecondsUntil(deadline) * 1000L), message);
    }
    else
        found = room.get(n, message); // rung (published, or the room closed) or timed out
    if (_connection->hasUnsent())
    {
        auto claim = _connection->claim(); // sends the rest
    }
    return found;
}

bool LongPollHandler::clientLeft() const
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
