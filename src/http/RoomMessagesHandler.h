#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class RoomMessagesHandler : public EndpointHandler
/// GET /api/rooms/<id>/messages?from=n&limit=k&wait=s
/// GET /api/rooms/<id>/messages?before=n&limit=k
///
/// A page of the room's log.
///   from   first number wanted (default: the last `limit` messages)
///   before the `limit` entries numbered below n (older history: ask again
///          with before= the first id received; an empty page is the start)
///   limit  at most this many messages (default 100, at most 1000)
///   wait   when nothing from `from` on exists yet, wait up to this many
///          seconds (at most longpoll.timeout) for it, like a long poll
///
///   200 application/json  {"messages":[{"type":"message","id":…},…],"next":m}
///       messages are in order; `next` is the number the next message will
///       get: ask again with from=next. Messages dropped by retention are
///       skipped, so the first id may be above `from`.
///   400 a parameter is not a non-negative integer, or both from and before
///   404 no such room
///   410 the room was deleted
{
public:
    RoomMessagesHandler(const HttpContext& context, std::string roomId, int maxWaitSeconds);
    /// maxWaitSeconds: longpoll.timeout, the longest ?wait=.

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
    const int _maxWaitSeconds;
};

} // namespace hchat
