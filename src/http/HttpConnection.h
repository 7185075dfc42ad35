#pragma once

#include "http/HeadWatch.h"
#include "http/OpenConnections.h"
#include "http/RequestDispatcher.h"
#include "net/ConnectionGate.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>

#include <atomic>
#include <mutex>

namespace Poco::Net
{
class HTTPServerRequest;
class HTTPServerSession;
} // namespace Poco::Net

namespace hchat
{

class AfterRequest;
class TrustedProxies;
struct Metrics;

class HttpConnection : public Poco::Net::TCPServerConnection
/// One HTTP connection: reads requests one after the other (keep-alive)
/// and serves each with the RequestDispatcher's handler, as POCO's
/// HTTPServerConnection does, and also:
///   - a head that has not all come within http.requestTimeout of its
///     first byte is answered 408 and the connection closed (HeadWatch);
///   - a head POCO cannot read (a request line without a version, a
///     Content-Length that is no number, such as "5, 5") is answered 400
///     and the connection closed, instead of closing it unanswered;
///   - on a TLS port, the handshake comes first, within http.requestTimeout
///     (a client speaking plain HTTP is answered 400 in plain text);
///   - a body its handler left unread (a request refused before its body
///     was looked at) is read and dropped, so the next request on the
///     connection is read where it starts; past 64 KiB the connection
///     closes instead;
///   - a request a trusted proxy forwarded for a banned address is answered
///     403 and the connection closed (ConnectionGate::forwardedFor);
///   - what a handler leaves to do after its request (AfterRequest: a
///     long poll's wait) runs once POCO's request and session are gone;
///     when the one before lasted ThreadStack::idleMilliseconds or more (a
///     poll that timed out), the stack the request's reading touched is
///     given back first, since this wait is likely as long;
///   - it is counted while open (per address for the ConnectionGate, in
///     total for /metrics), with Nagle off so each answer leaves at once
///     (POCO's TCPServer turns it off for every socket it accepts),
///     and closed at once when made after the server stopped.
/// Lives on its connection thread; the server's stop may come from another.
{
public:
    struct Parts
    {
        Poco::Net::HTTPServerParams::Ptr params;
        Poco::SharedPtr<RequestDispatcher> dispatcher;
        Poco::AutoPtr<ConnectionGate> gate;
        HeadWatch& heads;
        OpenConnections& open;
        Metrics& metrics;
        int hstsSeconds;               ///< tls.hsts: Strict-Transport-Security over TLS; 0: none
        const TrustedProxies* proxies; ///< http.trustedProxies; null: none
    };

    HttpConnection(const Poco::Net::StreamSocket& socket, Parts parts);
    ~HttpConnection() override;

    void run() override;

    void serverStopped(bool abortCurrent);
    /// The server stops (OpenConnections): no further request is read, and
    /// the connection closes once the current one is served (at once with
    /// abortCurrent). Any thread.

private:
    bool serveOne(Poco::Net::HTTPServerSession& session, std::unique_ptr<AfterRequest>& after);
    /// Reads and serves one request; false when the connection is to close.
    /// after: what the handler left to do once the request is over.

    static bool skipBody(Poco::Net::HTTPServerRequest& request);
    /// Reads and drops what is left of the request's body (all of it when
    /// the handler refused the request unread), so that the next request
    /// is read where this one ends. False, and the connection is to close,
    /// when more than maxSkippedBody bytes are left or the body does not
    /// come whole within the receive timeout.

    void refuse(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status,
                const std::string& message);
    /// Answers a request that could not be read, then the connection closes.

    bool handshake();
    /// The TLS handshake, counted; false when the connection is to close.

    Parts _parts;
    HeadWatch::Clock _clock;
    std::mutex _serving; ///< held while a request is served; a stop waits for it
    std::atomic<bool> _stopped{false};
};

} // namespace hchat
