#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class StreamPool;

class WebSocketHandler : public EndpointHandler
/// GET /ws/<id>[?from=n]     (WebSocket, RFC 6455)
///
/// Upgrades to a WebSocket (POCO's), then runs a WebSocketSession: the room's
/// messages from n (?from=n, else the last chat.recentOnJoin) and every new
/// one, as JSON text frames; the client sends {"type":"send","text":…} and
/// {"type":"nick","nick":…}. See WebSocketSession for frames and close codes.
/// The session runs on a StreamPool thread; this handler returns after the 101.
///
///   101 the upgrade
///   400 not a WebSocket upgrade request, or from is not a number
///   404 no such room
{
public:
    WebSocketHandler(const ServerContext& context, StreamPool& streams, std::string roomId);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    StreamPool& _streams;
    std::string _roomId;
};

} // namespace hchat
