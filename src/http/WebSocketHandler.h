#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

#include <string>

namespace hchat
{

class StreamPool;

class WebSocketHandler : public EndpointHandler
/// GET /ws/<id>[?from=n][&nick=name]     (WebSocket, RFC 6455)
///
/// The upgrade, then a WebSocketSession on a StreamPool thread: the room's
/// messages from n (?from=n, else Last-Event-ID + 1, else the last
/// chat.recentOnJoin; past the end: the next) and every new one, as JSON
/// text frames; the client
/// sends {"type":"send"|"nick"|"privmsg"|"edit"|"delete"|"kick"|"ban"|"unban",…}. See
/// WebSocketSession for the frames and close codes. This handler returns after the 101.
///
///   101 the upgrade (Sec-WebSocket-Version 13)
///   400 not a WebSocket upgrade request, from is not a number, or a bad nick
///   404 no such room
///   410 the room was deleted
{
public:
    struct Limits
    {
        int recentOnJoin; ///< chat.recentOnJoin
        int sendTimeout;  ///< http.requestTimeout: how long a write may wait
        int pingInterval; ///< websocket.pingInterval
    };

    WebSocketHandler(const HttpContext& context, StreamPool& streams, std::string roomId,
                     Limits limits, const OriginPolicy& origins);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    StreamPool& _streams;
    std::string _roomId;
    const Limits _limits;
    const OriginPolicy& _origins;
};

} // namespace hchat
