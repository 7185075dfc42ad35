#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class LongPollHandler : public EndpointHandler
/// GET /msg/<id>/<n>
///
/// Message n of room <id>, the original hchatd's long poll. If n does not
/// exist yet, the request waits (on the room's condition variable, costing
/// no CPU) until it does, at most longpoll.timeout seconds.
///
///   200 text/plain; charset=utf-8   body: the text exactly as sent
///       X-Chat-Id: n, X-Chat-Author: name, X-Chat-Time: 2026-11-22T03:01:08.123Z,
///       X-Chat-Kind: message|join|leave|nick
///   200 application/json (with Accept: application/json): the message object
///       {"type":"message","id":n,"kind":…,"author":…,"time":…,"text":…}
///   204 no message n before the timeout: ask again for the same n
///   400 n is not a non-negative integer
///   404 no such room
///   410 n was dropped by retention: continue from GET /api/rooms/<id>/messages?from=n
///   503 the daemon is shutting down: retry later
///
/// Numbers increase by one with no gaps, so a client reads n, n+1, … and
/// never misses or repeats a message. A poll marks its client as present.
{
public:
    LongPollHandler(const ServerContext& context, std::string roomId, std::string number);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
    std::string _number;
};

} // namespace hchat
