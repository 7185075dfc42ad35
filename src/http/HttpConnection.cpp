#include "http/HttpConnection.h"

#include "http/EndpointHandler.h"
#include "net/TlsSocketImpl.h"
#include "net/TrustedProxies.h"
#include "util/Metrics.h"
#include "util/ThreadStack.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <chrono>
#include <memory>
#include <optional>

namespace hchat
{

using Poco::Net::HTTPResponse;

namespace
{
// What a kept-alive connection reads and drops of a body nobody read; a
// longer one closes the connection instead.
const std::streamsize maxSkippedBody = 64 * 1024;

Poco::Logger& logger()
{
    return Poco::Logger::get("hchatd.http");
}
} // namespace

HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, Parts parts)
    : TCPServerConnection(socket), _parts(std::move(parts)), _clock(socket)
{
    _parts.metrics.httpConnections.fetch_add(1, std::memory_order_relaxed);
    const bool serving = _parts.open.add(*this);
    _parts.heads.add(_clock);
    // The server tells the connections open when it stops; one made since
    // (its socket was queued) would serve keep-alive on and hold up the
    // stop, so OpenConnections refuses it and it closes now.
    if (!serving)
        serverStopped(true);
}

HttpConnection::~HttpConnection()
{
    _parts.heads.remove(_clock);
    _parts.open.remove(*this);
    _parts.metrics.httpConnections.fetch_sub(1, std::memory_order_relaxed);
    _parts.gate->dropHolder(socket());
}

void HttpConnection::run()
{
    if (TlsSocketImpl::isTls(socket().impl()) && !handshake())
        return;
    std::optional<Poco::Net::HTTPServerSession> session(std::in_place, socket(), _parts.params);
    bool quiet = false; // the last wait after a request lasted idleMilliseconds or more
    while (!_stopped && session->hasMoreRequests())
    {
        std::lock_guard<std::mutex> lock(_serving);
        std::unique_ptr<AfterRequest> after;
        if (_stopped || !serveOne(*session, after))
            break;
        if (!after)
            continue;
        // The handler left nothing of the next request in the session (a
        // kept-alive long poll checks): the session and its buffer go for
        // the wait, and a new one reads what comes after it.
        session->detachSocket(); // else its destructor closes the socket
        session.reset();
        // Else the pages of POCO's reading stay for the first 10 s of
        // every wait: a third of the time of an idle poll that times out.
        if (quiet)
            ThreadStack::releaseBelowHere();
        const auto began = std::chrono::steady_clock::now();
        const bool open = after->run();
        quiet = std::chrono::steady_clock::now() - began >=
                std::chrono::milliseconds(ThreadStack::idleMilliseconds);
        after.reset();
        if (!open)
            break;
        session.emplace(socket(), _parts.params);
    }
    ThreadStack::releaseBelowHere();
}

bool HttpConnection::serveOne(Poco::Net::HTTPServerSession& session,
                              std::unique_ptr<AfterRequest>& after)
{
    Poco::Net::HTTPServerResponseImpl response(session);
    std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
    std::string unreadable;
    _clock.start();
    try
    {
        request =
            std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, _parts.params);
    }
    catch (const Poco::Net::NoMessageException&)
    {
        // The client closed between requests (or the watch ended the read).
    }
    catch (const Poco::Net::MessageException& e)
    {
        unreadable = e.message();
    }
    catch (const Poco::SyntaxException& e)
    {
        unreadable = e.message();
    }
    catch (const Poco::Exception& e)
    {
        // The connection failed or a single read timed out.
        logger().debug("connection from %s: %s", socket().peerAddress().toString(),
                       e.displayText());
    }
    _clock.stop();
    if (_clock.expired())
    {
        _parts.metrics.httpHeadTimeouts.fetch_add(1, std::memory_order_relaxed);
        refuse(session, HTTPResponse::HTTP_REQUEST_TIMEOUT,
               "the request head took longer than " +
                   std::to_string(_parts.params->getTimeout().totalSeconds()) + " s");
        return false;
    }
    if (!unreadable.empty())
    {
        refuse(session, HTTPResponse::HTTP_BAD_REQUEST, "unreadable request head: " + unreadable);
        return false;
    }
    if (!request)
        return false;
    if (_parts.proxies && _parts.proxies->covers(request->clientAddress().host()))
    {
        if (!_parts.gate->forwardedFor(socket(), _parts.proxies->clientOf(*request)))
        {
            refuse(session, HTTPResponse::HTTP_FORBIDDEN,
                   "your address is banned from this server");
            return false;
        }
    }

    response.setDate(Poco::Timestamp());
    response.setVersion(request->getVersion());
    response.setKeepAlive(request->getKeepAlive() && session.canKeepAlive());
    response.set("Server", _parts.params->getSoftwareVersion());
    if (_parts.hstsSeconds > 0 && TlsSocketImpl::isTls(socket().impl()))
        response.set("Strict-Transport-Security", "max-age=" + std::to_string(_parts.hstsSeconds));
    try
    {
        std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
            _parts.dispatcher->createRequestHandler(*request));
        if (request->getExpectContinue())
            response.sendContinue();
        handler->handleRequest(*request, response);
        if (auto* endpoint = dynamic_cast<EndpointHandler*>(handler.get()))
            after = endpoint->takeAfterRequest();
        // A kept-alive connection reads its next request after this one's
        // body, read or not (a long poll's wait checks for itself).
        if (!after && response.getKeepAlive() && !skipBody(*request))
            response.setKeepAlive(false);
    }
    catch (const std::exception& e)
    {
        // Handlers answer their own errors; this is a bug or a broken socket.
        logger().error("%s %s from %s: %s", request->getMethod(), request->getURI(),
                       request->clientAddress().toString(), std::string(e.what()));
        return false;
    }
    session.setKeepAlive(response.getKeepAlive() && session.canKeepAlive());
    return true;
}

bool HttpConnection::skipBody(Poco::Net::HTTPServerRequest& request)
{
    // Without Content-Length or chunked coding a request has no body (RFC
    // 9112 6.3); POCO would read one until the connection closes.
    if (!request.hasContentLength() && !request.getChunkedTransferEncoding())
        return true;
    try
    {
        std::istream& body = request.stream();
        body.ignore(maxSkippedBody);
        return body.peek() == std::char_traits<char>::eof() && !body.bad();
    }
    catch (const Poco::Exception&)
    {
        return false; // timed out, or the client went away
    }
}

void HttpConnection::refuse(Poco::Net::HTTPServerSession& session, HTTPResponse::HTTPStatus status,
                            const std::string& message)
{
    _parts.metrics.httpClientErrors.fetch_add(1, std::memory_order_relaxed);
    try
    {
        logger().debug("%s from %s: %s", std::to_string(status), socket().peerAddress().toString(),
                       message);
        Poco::Net::HTTPServerResponseImpl response(session);
        response.setVersion(HTTPResponse::HTTP_1_1);
        response.setStatusAndReason(status);
        response.setKeepAlive(false);
        response.setContentType("text/plain; charset=utf-8");
        const std::string body = message + "\n";
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        // Not sendBuffer(): with no request attached it sends no body.
        response.send() << body << std::flush;
    }
    catch (const Poco::Exception& e)
    {
        logger().debug("could not answer %s: %s", std::to_string(status), e.displayText());
    }
    session.setKeepAlive(false);
}

bool HttpConnection::handshake()
{
    const std::string why = "This port speaks HTTPS: ask for https:// instead of http://.\n";
    const std::string refusal = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                                "charset=utf-8\r\nConnection: close\r\nContent-Length: " +
                                std::to_string(why.size()) + "\r\n\r\n" + why;
    auto& tls = static_cast<TlsSocketImpl&>(*socket().impl());
    const bool done =
        tls.handshake(static_cast<int>(_parts.params->getTimeout().totalMilliseconds()), refusal);
    (done ? _parts.metrics.tlsHandshakes : _parts.metrics.tlsHandshakeFailures)
        .fetch_add(1, std::memory_order_relaxed);
    return done;
}

void HttpConnection::serverStopped(bool abortCurrent)
{
    _stopped = true;
    // Let the request being served finish first unless told otherwise.
    std::unique_lock<std::mutex> lock(_serving, std::defer_lock);
    if (!abortCurrent)
        lock.lock();
    try
    {
        socket().shutdown();
    }
    catch (const Poco::Exception&)
    {
        // Not connected any more.
    }
}

} // namespace hchat
