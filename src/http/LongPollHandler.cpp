#include "http/LongPollHandler.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/MessageWait.h"
#include "http/BatchScheduling.h"
#include "http/HttpError.h"
#include "http/NextPoll.h"
#include "http/RequestValues.h"
#include "http/SocketSend.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/String.h>

#include <cerrno>
#include <chrono>
#include <memory>
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

// The Date header, formatted once a second per thread: a publisher writes
// thousands of answers in that second.
const std::string& httpDate()
{
    thread_local std::time_t second = 0;
    thread_local std::string text;
    const std::time_t now = std::time(nullptr);
    if (now != second)
    {
        second = now;
        text = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now),
                                               Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return text;
}

int millisecondsUntil(std::chrono::steady_clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}
} // namespace

LongPollHandler::LongPollHandler(const ServerContext& context, std::string roomId,
                                 std::string number)
    : EndpointHandler(context), _roomId(std::move(roomId)), _number(std::move(number))
{
}

void LongPollHandler::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response)
{
    std::uint64_t n = 0;
    if (!RequestValues::parseNumber(_number, n))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "message number must be a non-negative integer");
    auto room = findRoom(_roomId);
    _personKey = personKey(request);
    markSeen(_personKey, *room);
    auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
    // The descriptor, not a StreamSocket copy (a reference count and a
    // dynamic_cast per poll): the request, and so the socket, outlives this call.
    _socket = impl.socket().impl()->sockfd();
    // Decided once per connection: while this handler loops, POCO reads
    // nothing more, and only a closed connection ends keep-alive.
    _watchSocket = response.getKeepAlive() && SessionPeek::bytesIn(impl.session()) == 0;
    prepareHead(request, response);
    const bool servesNext = notePlainRequest(request);
    const BatchScheduling batch; // see there: answered polls must not preempt the publisher

    while (answer(response, *room, n) && servesNext && takeNextRequest(response, n))
    {
        _context.metrics.httpRequests.fetch_add(1, std::memory_order_relaxed);
        markSeen(_personKey, *room);
    }
}

bool LongPollHandler::answer(Poco::Net::HTTPServerResponse& response, Room& room, std::uint64_t n)
{
    _answered = false;
    _nextRequestWaiting = false;
    _unsent.clear();
    MessagePtr message;
    Room::Lookup found = room.get(n, message);
    if (found == Room::Lookup::NotYet)
    {
        if (_watchSocket)
            found = awaitWatching(response, room, n, message);
        else
            found = awaitQuietly(room, n, message);
    }
    if (_answered)
        return _nextRequestWaiting;

    if (found == Room::Lookup::Gone)
        throw HttpError(HTTPResponse::HTTP_GONE,
                        "message " + _number + " was dropped by retention");
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
    std::string answer;
    formatAnswer(*message, answer);
    SocketSend::all(_socket, answer.data(), answer.size());
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

bool LongPollHandler::takeNextRequest(Poco::Net::HTTPServerResponse& response, std::uint64_t& n)
{
    // On the heap, and only now: a thread's stack pages stay resident, and
    // an idle poll should cost as little memory as possible.
    const std::size_t capacity = 4096; // longer heads are left to POCO
    std::unique_ptr<char[]> bytes(new char[capacity]);
    const ssize_t got = ::recv(_socket, bytes.get(), capacity, MSG_PEEK | MSG_DONTWAIT);
    if (got <= 0)
        return false;
    NextPoll next;
    const std::size_t length = next.parse(bytes.get(), static_cast<std::size_t>(got));
    // Only a request that POCO would hand to this handler with the same
    // person and the same answer format; anything else is POCO's to read.
    if (length == 0 || next.room != _roomId || next.hasAccept != _hasAccept ||
        next.accept != _accept || next.hasCookie != _hasCookie || next.cookie != _cookie ||
        !RequestValues::parseNumber(next.number, n))
        return false;
    // Peeked, so in the socket's buffer: this does not block.
    if (::recv(_socket, bytes.get(), length, MSG_WAITALL) != static_cast<ssize_t>(length))
    {
        response.setKeepAlive(false); // half a request read: the connection is unusable
        return false;
    }
    _number = std::move(next.number);
    return true;
}

Room::Lookup LongPollHandler::awaitQuietly(Room& room, std::uint64_t n, MessagePtr& message)
{
    auto& waiting = _context.metrics.longPollWaiting;
    waiting.fetch_add(1, std::memory_order_relaxed);
    Room::Lookup found =
        room.waitFor(n, Poco::Timespan(_context.settings.longPollTimeout, 0), message);
    waiting.fetch_sub(1, std::memory_order_relaxed);
    return found;
}

Room::Lookup LongPollHandler::awaitWatching(Poco::Net::HTTPServerResponse& response, Room& room,
                                            std::uint64_t n, MessagePtr& message)
{
    auto wait =
        std::make_shared<MessageWait>(n, [this](const MessagePtr& m) { return sendNow(m); });
    if (!room.await(wait))
        return room.get(n, message);
    // Counted as waiting until answered: by a publisher (sendNow()) or below.
    auto& waiting = _context.metrics.longPollWaiting;
    waiting.fetch_add(1, std::memory_order_relaxed);

    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(_context.settings.longPollTimeout);
    int ready;
    do
        ready = wait->wait(_socket, millisecondsUntil(deadline));
    while (ready < 0 && errno == EINTR && !wait->rung()); // a stray signal
    const bool delivered = wait->finish();
    room.forget(wait);
    if (delivered)
    {
        _answered = true;
        _nextRequestWaiting = ready > 0 && !wait->rung();
        return Room::Lookup::Found;
    }

    Room::Lookup found = Room::Lookup::NotYet;
    const bool clientSpoke = ready > 0 && !wait->rung();
    if (!_unsent.empty())
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
    waiting.fetch_sub(1, std::memory_order_relaxed);
    if (!_unsent.empty())
        SocketSend::all(_socket, _unsent.data(), _unsent.size());
    return found;
}

void LongPollHandler::prepareHead(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response)
{
    _json = wantsJson(request);
    // What POCO would write for this response (status line, Connection,
    // Server, …), less the Date, which is the moment the answer is written.
    // Built by hand: an HTTPResponse and an ostringstream per poll cost more
    // than the rest of the answer.
    _head.reserve(256);
    _head = response.getVersion();
    _head += " 200 OK\r\n";
    for (const auto& field : response)
    {
        if (field.first == Poco::Net::HTTPResponse::DATE)
            continue;
        _head += field.first;
        _head += ": ";
        _head += field.second;
        _head += "\r\n";
    }
    _head += _json ? "Content-Type: application/json\r\n"
                   : "Content-Type: text/plain; charset=utf-8\r\n";
    _head += "Cache-Control: no-store\r\n";
}

void LongPollHandler::formatAnswer(const Message& message, std::string& out) const
{
    const std::string& body = _json ? message.json() : message.text();
    out.reserve(_head.size() + 200 + message.author().size() + body.size());
    out += _head;
    out += "Date: ";
    out += httpDate();
    out += "\r\nX-Chat-Id: ";
    out += std::to_string(message.id());
    out += "\r\nX-Chat-Author: ";
    out += message.author();
    out += "\r\nX-Chat-Time: ";
    out += message.timeText();
    out += "\r\nX-Chat-Kind: ";
    out += Message::kindName(message.kind());
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n\r\n";
    out += body;
}

bool LongPollHandler::sendNow(const MessagePtr& message) noexcept
{
    try
    {
        // One buffer per publishing thread, reused for every poll.
        thread_local std::string out;
        out.clear();
        formatAnswer(*message, out);
        if (!SocketSend::withoutWaiting(_socket, out, _unsent))
            return false; // the client is gone: the owner finds out when it answers
        if (out.capacity() > 64 * 1024)
            std::string().swap(out);
        if (!_unsent.empty())
            return false;
        _context.metrics.longPollWaiting.fetch_sub(1, std::memory_order_relaxed);
        return true;
    }
    catch (...)
    {
        return false; // out of memory: the owner answers
    }
}

bool LongPollHandler::clientLeft() const
{
    char next;
    const ssize_t got = ::recv(_socket, &next, 1, MSG_PEEK | MSG_DONTWAIT);
    return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

} // namespace hchat
