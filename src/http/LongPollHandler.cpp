#include "http/LongPollHandler.h"

#include "http/BatchScheduling.h"
#include "http/HttpError.h"
#include "http/KeptAlivePoll.h"
#include "http/LongPollAnswer.h"
#include "http/RequestValues.h"
#include "net/Connection.h"
#include "net/TrustedProxies.h"
#include "util/Metrics.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/String.h>

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
} // namespace

LongPollHandler::LongPollHandler(const HttpContext& context, std::string roomId, std::string number,
                                 int timeoutSeconds, NextRequestWatch& watch)
    : EndpointHandler(context), _roomId(std::move(roomId)), _number(std::move(number)),
      _timeoutSeconds(timeoutSeconds), _watch(watch)
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
    KeptAlivePoll::Asked asked;
    asked.actor = _requester.actor(request);
    require(_context.actions.mayEnter(asked.actor, *room)); // banned: not even present
    _context.actions.markSeen(asked.actor, *room, "");
    auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
    // The socket's implementation, not a StreamSocket copy (a reference
    // count): the connection's socket outlives this handler and the
    // KeptAlivePoll it may leave (HttpConnection runs that, then closes).
    auto connection = std::make_shared<Connection>(*impl.socket().impl());
    auto answer = std::make_unique<LongPollAnswer>(
        wantsJson(request), request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD, response);

    MessagePtr message;
    Room::Lookup found = room->isDeleted() ? Room::Lookup::Closed : room->get(n, message);
    // Kept alive with nothing of a next request read by POCO: the wait
    // goes on after the request, without POCO's buffers (KeptAlivePoll).
    if (found == Room::Lookup::NotYet && response.getKeepAlive() &&
        SessionPeek::bytesIn(impl.session()) == 0)
    {
        asked.roomId = _roomId;
        asked.number = n;
        // Through a trusted proxy, each request may be another client's: all go through POCO.
        asked.servesNext = notePlainRequest(request, asked) &&
                           !_context.proxies.covers(request.clientAddress().host());
        _after = std::make_unique<KeptAlivePoll>(_context, room, std::move(asked), connection,
                                                 std::move(answer), _timeoutSeconds, _watch);
        return;
    }
    if (found == Room::Lookup::NotYet)
    {
        const BatchScheduling batch; // see there: answered polls must not preempt the publisher
        auto& waiting = _context.metrics.longPollWaiting;
        waiting.fetch_add(1, std::memory_order_relaxed);
        found = room->waitFor(n, Poco::Timespan(_timeoutSeconds, 0), message);
        waiting.fetch_sub(1, std::memory_order_relaxed);
    }
    if (std::optional<HttpError> refused = LongPollAnswer::refusal(found, *room, n))
        throw *refused;
    if (found == Room::Lookup::NotYet)
    {
        _context.metrics.longPollTimeouts.fetch_add(1, std::memory_order_relaxed);
        response.setStatusAndReason(HTTPResponse::HTTP_NO_CONTENT);
        response.setContentLength(0);
        response.send();
        return;
    }
    std::string bytes;
    answer->format(*message, bytes);
    auto claim = connection->claim();
    connection->send(bytes);
}

std::unique_ptr<AfterRequest> LongPollHandler::takeAfterRequest()
{
    return std::move(_after);
}

bool LongPollHandler::notePlainRequest(const Poco::Net::HTTPServerRequest& request,
                                       KeptAlivePoll::Asked& asked)
{
    if (request.getVersion() != Poco::Net::HTTPMessage::HTTP_1_1)
        return false;
    int accepts = 0, cookies = 0;
    for (const auto& field : request)
    {
        if (Poco::icompare(field.first, "Accept") == 0)
        {
            ++accepts;
            asked.accept = field.second;
        }
        else if (Poco::icompare(field.first, "Cookie") == 0)
        {
            ++cookies;
            asked.cookie = field.second;
        }
    }
    asked.hasAccept = accepts == 1;
    asked.hasCookie = cookies == 1;
    return accepts <= 1 && cookies <= 1;
}

} // namespace hchat
