#pragma once

#include "http/EndpointHandler.h"
#include "http/KeptAlivePoll.h"

#include <memory>
#include <string>

namespace hchat
{

class LongPollHandler : public EndpointHandler
/// GET /msg/<id>/<n>
///
/// Message n of room <id>, the original hchatd's long poll. If n does not
/// exist yet, the request waits (costing no CPU) until it does, at most
/// longpoll.timeout seconds.
///
///   200 text/plain; charset=utf-8   body: the text exactly as sent
///       X-Chat-Id: n, X-Chat-Author: name, X-Chat-Time: 2026-11-22T03:01:08.123Z,
///       X-Chat-Kind: message|join|leave|nick|edit|delete|deleted|moderation
///   200 application/json (with Accept: application/json): the message object
///       {"type":"message","id":n,"kind":…,"author":…,"time":…,"text":…}
///   204 no message n before the timeout: ask again for the same n
///   400 n is not a non-negative integer
///   403 the room bans this person (RoomRoles::banOf)
///   404 no such room
///   410 n was dropped by retention: continue from GET /api/rooms/<id>/messages?from=n;
///       or the room was deleted (then that answers 410 too)
///   503 the daemon is shutting down: retry later
///
/// Numbers increase by one with no gaps, so a client reads n, n+1, … and
/// never misses or repeats a message. A poll marks its client as present.
/// A poll that must wait on a kept-alive connection waits after its request
/// is over (KeptAlivePoll: subscribed to the room, the publisher answers
/// it, and the client's next poll asked the same way is served there too);
/// other polls wait on the room's condition variable.
{
public:
    LongPollHandler(const HttpContext& context, std::string roomId, std::string number,
                    int timeoutSeconds, NextRequestWatch& watch);
    ~LongPollHandler() override;

    std::unique_ptr<AfterRequest> takeAfterRequest() override;

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    static bool notePlainRequest(const Poco::Net::HTTPServerRequest& request,
                                 KeptAlivePoll::Asked& asked);
    /// Notes the request's Accept and Cookie, which the next requests must
    /// repeat to be served by the KeptAlivePoll. False when every request
    /// of the connection must go through POCO (not HTTP/1.1, repeated
    /// headers).

    std::string _roomId;
    std::string _number;
    const int _timeoutSeconds;
    NextRequestWatch& _watch;
    std::unique_ptr<KeptAlivePoll> _after; ///< set when the wait goes on after the request
};

} // namespace hchat
