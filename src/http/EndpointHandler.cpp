#include "http/EndpointHandler.h"

#include "chat/IdGenerator.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "http/HttpError.h"
#include "http/PageRenderer.h"
#include "http/RequestValues.h"
#include "net/TlsSocketImpl.h"
#include "net/TrustedProxies.h"
#include "util/Metrics.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cmath>

namespace hchat
{

using Poco::Net::HTTPResponse;

namespace
{
const char* const contentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
} // namespace

EndpointHandler::EndpointHandler(const HttpContext& context)
    : _context(context), _requester(context.accounts, context.cookies, context.proxies)
{
}

Poco::Logger& EndpointHandler::logger()
{
    return Poco::Logger::get("hchatd.http");
}

void EndpointHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response)
{
    _context.metrics.httpRequests.fetch_add(1, std::memory_order_relaxed);
    response.set("X-Content-Type-Options", "nosniff");
    try
    {
        handle(request, response);
        return;
    }
    catch (const HttpError& e)
    {
        answerError(request, response, e.status(), e.message(), e.headerName(), e.headerValue());
    }
    catch (const Poco::NotFoundException& e)
    {
        answerError(request, response, HTTPResponse::HTTP_NOT_FOUND, e.message(), "", "");
    }
    catch (const Poco::InvalidArgumentException& e)
    {
        answerError(request, response, HTTPResponse::HTTP_BAD_REQUEST, e.message(), "", "");
    }
    catch (const Poco::SyntaxException& e)
    {
        answerError(request, response, HTTPResponse::HTTP_BAD_REQUEST, e.message(), "", "");
    }
    catch (const Poco::Net::NetException& e)
    {
        // The client went away or broke the protocol mid-request: nobody to answer.
        logger().debug("connection from %s: %s", _context.proxies.peerOf(request), e.displayText());
    }
    catch (const Poco::TimeoutException& e)
    {
        logger().debug("connection from %s timed out: %s", _context.proxies.peerOf(request),
                       e.displayText());
    }
    catch (const Poco::Exception& e)
    {
        logger().error("%s %s: %s", request.getMethod(), request.getURI(), e.displayText());
        answerError(request, response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal error",
                    "", "");
    }
    catch (const std::exception& e)
    {
        logger().error("%s %s: %s", request.getMethod(), request.getURI(), std::string(e.what()));
        answerError(request, response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal error",
                    "", "");
    }
}

void EndpointHandler::answerError(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response,
                                  HTTPResponse::HTTPStatus status, const std::string& message,
                                  const std::string& headerName, const std::string& headerValue)
{
    if (status >= 500)
        _context.metrics.httpServerErrors.fetch_add(1, std::memory_order_relaxed);
    else
        _context.metrics.httpClientErrors.fetch_add(1, std::memory_order_relaxed);
    if (response.sent())
        return; // the answer had begun: the connection is closed instead
    try
    {
        response.setStatusAndReason(status);
        if (!headerName.empty())
            response.set(headerName, headerValue);
        // A request whose body was not read leaves the connection unusable.
        if (status == HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE ||
            status == HTTPResponse::HTTP_BAD_REQUEST ||
            status == HTTPResponse::HTTP_REQUEST_TIMEOUT)
            response.setKeepAlive(false);
        bool page = request.getMethod() == "GET" &&
                    request.get("Accept", "").find("text/html") != std::string::npos;
        if (page)
        {
            sendPage(response,
                     _context.pages.render("error.html",
                                           {{"status", std::to_string(status)},
                                            {"reason", HTTPResponse::getReasonForStatus(status)},
                                            {"message", message}}));
        }
        else
            send(response, message + "\n", "text/plain; charset=utf-8");
    }
    catch (const Poco::Exception& e)
    {
        logger().debug("could not answer %s: %s", _context.proxies.peerOf(request),
                       e.displayText());
    }
}

void EndpointHandler::send(Poco::Net::HTTPServerResponse& response, const std::string& body,
                           const std::string& contentType)
{
    response.setContentType(contentType);
    if (!response.has("Cache-Control"))
        response.set("Cache-Control", "no-store");
    response.sendBuffer(body.data(), body.size());
}

void EndpointHandler::sendPage(Poco::Net::HTTPServerResponse& response, const std::string& html)
{
    response.set("Content-Security-Policy", contentSecurityPolicy);
    response.set("Referrer-Policy", "no-referrer");
    send(response, html, "text/html; charset=utf-8");
}

std::shared_ptr<Room> EndpointHandler::findRoom(const std::string& id) const
{
    std::shared_ptr<Room> room;
    if (IdGenerator::isValid(id))
        room = _context.rooms.find(id);
    if (!room && _context.rooms.wasDeleted(id))
        throw HttpError(HTTPResponse::HTTP_GONE, "this room was deleted");
    if (!room)
        throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "no such room");
    return room;
}

std::string EndpointHandler::wantedNick(const Poco::Net::HTTPServerRequest& request)
{
    std::string nick;
    RequestValues::query(request, "nick", nick);
    if (!nick.empty())
        require(_context.actions.checkName(_requester.actor(request), nick));
    return nick;
}

void EndpointHandler::require(const ChatActions::Outcome& outcome)
{
    using Result = ChatActions::Result;
    HTTPResponse::HTTPStatus status = HTTPResponse::HTTP_BAD_REQUEST;
    switch (outcome.result)
    {
    case Result::Done:
        return;
    case Result::TooLong:
        status = HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE;
        break;
    case Result::NameTaken:
        status = HTTPResponse::HTTP_CONFLICT;
        break;
    case Result::NotOnline:
    case Result::NoRoom:
    case Result::NoMessage:
        status = HTTPResponse::HTTP_NOT_FOUND;
        break;
    case Result::NotStored:
        status = HTTPResponse::HTTP_SERVICE_UNAVAILABLE;
        break;
    case Result::RoomDeleted:
        status = HTTPResponse::HTTP_GONE;
        break;
    case Result::WrongLogin:
    case Result::NotLoggedIn:
        status = HTTPResponse::HTTP_UNAUTHORIZED;
        break;
    case Result::NotAllowed:
    case Result::TooLate:
    case Result::Banned:
        status = HTTPResponse::HTTP_FORBIDDEN;
        break;
    case Result::KeyReused:
        status = HTTPResponse::HTTP_UNPROCESSABLE_ENTITY;
        break;
    case Result::RateLimited:
    {
        const auto seconds = static_cast<long>(
            std::ceil(static_cast<double>(outcome.retryAfter.totalMicroseconds()) / 1e6));
        throw HttpError(HTTPResponse::HTTP_TOO_MANY_REQUESTS, outcome.detail)
            .withHeader("Retry-After", std::to_string(std::max(1L, seconds)));
    }
    default:
        break;
    }
    throw HttpError(status, outcome.detail);
}

StreamStart EndpointHandler::startStream(const Poco::Net::HTTPServerRequest& request,
                                         const std::string& roomId, int recentOnJoin,
                                         int sendTimeout, ChatActions::Transport transport)
{
    StreamStart start;
    start.room = findRoom(roomId);
    start.from = startOfStream(request, *start.room, recentOnJoin);
    start.wantedNick = wantedNick(request);
    std::string watch;
    if (RequestValues::query(request, "watch", watch) &&
        !RequestValues::parseFlag(watch, start.watching))
        throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "watch must be 1 or 0");
    start.actor = _requester.streamActor(request, transport);
    start.actor.ownerSecret = Requester::ownerSecret(request, roomId);
    // A ban keeps one out, under whatever name (RoomRoles::banOf; "": the
    // name the person has, looked up only in a room with bans).
    require(_context.actions.mayEnter(
        start.actor, *start.room,
        start.wantedNick.empty() ? "" : start.actor.nameFor(start.wantedNick)));
    start.sendTimeout = sendTimeout;
    return start;
}

bool EndpointHandler::overTls(const Poco::Net::HTTPServerRequest& request)
{
    auto& impl = const_cast<Poco::Net::HTTPServerRequestImpl&>(
        static_cast<const Poco::Net::HTTPServerRequestImpl&>(request));
    return TlsSocketImpl::isTls(impl.socket().impl());
}

std::map<std::string, std::string>
EndpointHandler::readFields(Poco::Net::HTTPServerRequest& request, int bodySeconds)
{
    const std::string body = RequestValues::readBody(request, 4096, Poco::Timespan(bodySeconds, 0));
    return RequestValues::fields(request.getContentType(), body);
}

std::string EndpointHandler::sameSitePath(const Poco::Net::HTTPServerRequest& request)
{
    const std::string referer = request.get("Referer", "");
    try
    {
        const Poco::URI uri(referer);
        const std::string path = uri.getPathAndQuery();
        if (!referer.empty() && Poco::icompare(uri.getAuthority(), request.getHost()) == 0 &&
            path.size() > 0 && path[0] == '/' && (path.size() == 1 || path[1] != '/'))
            return path;
    }
    catch (const Poco::Exception&)
    {
        // Not a URI: back to the index.
    }
    return "/";
}

void EndpointHandler::setCookie(const Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response, const std::string& name,
                                const std::string& value, int maxAgeSeconds)
{
    Poco::Net::HTTPCookie cookie(name, value);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_LAX);
    cookie.setSecure(overTls(request));
    cookie.setMaxAge(maxAgeSeconds);
    response.addCookie(cookie);
}

bool EndpointHandler::wantsJson(const Poco::Net::HTTPServerRequest& request)
{
    return request.get("Accept", "").find("application/json") != std::string::npos;
}

std::uint64_t EndpointHandler::startOfStream(const Poco::Net::HTTPServerRequest& request,
                                             Room& room, int recentOnJoin)
{
    std::string text;
    std::uint64_t n = 0;
    if (RequestValues::query(request, "from", text))
    {
        if (!RequestValues::parseNumber(text, n))
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "from must be a message number");
        return std::min(n, room.next()); // past the end: from the next message on
    }
    const std::string lastEventId = request.get("Last-Event-ID", "");
    if (!lastEventId.empty())
    {
        if (!RequestValues::parseNumber(lastEventId, n))
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "Last-Event-ID must be a number");
        return std::min(n + 1, room.next()); // a number from before a memory store restarted
    }
    const std::uint64_t next = room.next();
    const auto recent = static_cast<std::uint64_t>(recentOnJoin);
    return next > recent ? next - recent : 0;
}

} // namespace hchat
