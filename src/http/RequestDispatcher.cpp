#include "http/RequestDispatcher.h"

#include "http/ChatPageHandler.h"
#include "http/CreateRoomHandler.h"
#include "http/EventStreamHandler.h"
#include "http/HealthHandler.h"
#include "http/IndexPageHandler.h"
#include "http/LoginHandler.h"
#include "http/LogoutHandler.h"
#include "http/LongPollHandler.h"
#include "http/MeHandler.h"
#include "http/MessageChangeHandler.h"
#include "http/MetricsHandler.h"
#include "http/PeopleModerationHandler.h"
#include "http/RefusalHandler.h"
#include "http/RegisterHandler.h"
#include "http/RequestCheck.h"
#include "http/RoomChangeHandler.h"
#include "http/RoomInfoHandler.h"
#include "http/RoomListHandler.h"
#include "http/RoomMessagesHandler.h"
#include "http/SearchHandler.h"
#include "http/SendHandler.h"
#include "http/StaticFileHandler.h"
#include "http/TokenHandler.h"
#include "http/WebSocketHandler.h"

#include <Poco/Net/HTTPServerRequest.h>

#include <algorithm>

namespace hchat
{

RequestDispatcher::RequestDispatcher(const HttpContext& c, const HttpOptions& o,
                                     StreamPool& streams, NextRequestWatch& polls)
    : _context(c), _origins(o.allowedOrigins), _redirectPort(o.tlsRedirect ? o.tlsPort : 0)
{
    using P = Router::Params;
    Router& r = _router;
    const int recent = o.recentOnJoin, poll = o.longPollTimeout, body = o.requestTimeout;
    const EventStreamHandler::Limits sse{recent, o.requestTimeout, std::min(15, poll)};
    const WebSocketHandler::Limits ws{recent, o.requestTimeout, o.webSocketPingInterval};
    StreamPool* pool = &streams;
    NextRequestWatch* watch = &polls;
    const OriginPolicy* origins = &_origins;
    r.add("GET", "/", [&c](const P&) { return new IndexPageHandler(c); });
    r.add("GET", "/chat_create",
          [&c, origins](const P&) { return new CreateRoomHandler(c, *origins); });
    r.add("GET", "/chat/{id}",
          [&c, recent](const P& p) { return new ChatPageHandler(c, p[0], recent); });
    r.add("GET", "/msg/{id}/{n}",
          [&c, poll, watch](const P& p)
          { return new LongPollHandler(c, p[0], p[1], poll, *watch); });
    r.add("POST", "/send/{id}",
          [&c, origins, body](const P& p) { return new SendHandler(c, p[0], *origins, body); });
    r.add("GET", "/events/{id}",
          [&c, pool, sse](const P& p) { return new EventStreamHandler(c, *pool, p[0], sse); });
    r.add("GET", "/ws/{id}",
          [&c, pool, ws, origins](const P& p)
          { return new WebSocketHandler(c, *pool, p[0], ws, *origins); });
    r.add("GET", "/api/rooms", [&c](const P&) { return new RoomListHandler(c); });
    r.add("GET", "/api/rooms/{id}", [&c](const P& p) { return new RoomInfoHandler(c, p[0]); });
    for (const char* method : {"PATCH", "DELETE"})
        r.add(method, "/api/rooms/{id}",
              [&c, origins, body](const P& p)
              { return new RoomChangeHandler(c, p[0], *origins, body); });
    using People = PeopleModerationHandler;
    r.add("GET", "/api/rooms/{id}/bans",
          [&c, origins, body](const P& p)
          { return new People(c, People::Action::Ban, p[0], "", *origins, body); });
    r.add("POST", "/api/rooms/{id}/kick",
          [&c, origins, body](const P& p)
          { return new People(c, People::Action::Kick, p[0], "", *origins, body); });
    for (const char* method : {"PUT", "DELETE"})
    {
        r.add(method, "/api/rooms/{id}/bans/{name}",
              [&c, origins, body](const P& p)
              { return new People(c, People::Action::Ban, p[0], p[1], *origins, body); });
        r.add(method, "/api/rooms/{id}/moderators/{name}",
              [&c, origins, body](const P& p)
              { return new People(c, People::Action::Moderator, p[0], p[1], *origins, body); });
    }
    r.add("GET", "/api/rooms/{id}/messages",
          [&c, poll](const P& p) { return new RoomMessagesHandler(c, p[0], poll); });
    r.add("GET", "/api/rooms/{id}/search", [&c](const P& p) { return new SearchHandler(c, p[0]); });
    for (const char* method : {"PATCH", "DELETE"})
        r.add(method, "/api/rooms/{id}/messages/{n}",
              [&c, origins, body](const P& p)
              { return new MessageChangeHandler(c, p[0], p[1], *origins, body); });
    r.add("POST", "/api/accounts",
          [&c, origins, body](const P&) { return new RegisterHandler(c, *origins, body); });
    r.add("POST", "/login",
          [&c, origins, body](const P&) { return new LoginHandler(c, *origins, body); });
    r.add("POST", "/logout", [&c, origins](const P&) { return new LogoutHandler(c, *origins); });
    r.add("GET", "/api/me", [&c](const P&) { return new MeHandler(c); });
    r.add("POST", "/api/tokens", [&c, origins](const P&) { return new TokenHandler(c, *origins); });
    r.add("GET", "/healthz", [&c](const P&) { return new HealthHandler(c); });
    r.add("GET", "/metrics", [&c](const P&) { return new MetricsHandler(c); });
    r.add("GET", "/static/{file}", [&c](const P& p) { return new StaticFileHandler(c, p[0]); });
}

Poco::Net::HTTPRequestHandler*
RequestDispatcher::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
    if (std::optional<HttpError> problem = RequestCheck::problem(request))
        return new RefusalHandler(_context, std::move(*problem));
    if (_redirectPort > 0 && !EndpointHandler::overTls(request))
    {
        const std::string& uri = request.getURI();
        const bool page = uri == "/" || uri.rfind("/chat", 0) == 0 || uri.rfind("/static/", 0) == 0;
        const std::string& method = request.getMethod();
        if (page && (method == "GET" || method == "HEAD"))
            return new RefusalHandler(_context, redirectToTls(request));
    }
    Router::Match match = _router.match(request.getMethod(), request.getURI());
    if (match.create)
        return (*match.create)(match.params);
    return new RefusalHandler(_context, RefusalHandler::noRoute(match.allow));
}

HttpError RequestDispatcher::redirectToTls(const Poco::Net::HTTPServerRequest& request) const
{
    // The host the client asked for, without its port ("[::1]:1234" too).
    std::string host = request.getHost();
    const std::size_t close = host.rfind(']');
    const std::size_t colon = host.rfind(':');
    if (colon != std::string::npos && (close == std::string::npos || colon > close))
        host.erase(colon);
    if (host.empty()) // HTTP/1.0 without Host: the address it connected to
    {
        const Poco::Net::IPAddress local = request.serverAddress().host();
        host = local.family() == Poco::Net::IPAddress::IPv6 ? "[" + local.toString() + "]"
                                                            : local.toString();
    }
    const std::string url = "https://" + host +
                            (_redirectPort == 443 ? "" : ":" + std::to_string(_redirectPort)) +
                            request.getURI();
    return HttpError(Poco::Net::HTTPResponse::HTTP_PERMANENT_REDIRECT, "moved to " + url)
        .withHeader("Location", url);
}

} // namespace hchat
