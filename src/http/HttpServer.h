#pragma once

#include "http/HeadWatch.h"
#include "http/HttpOptions.h"
#include "http/NextRequestWatch.h"
#include "http/OpenConnections.h"
#include "http/RequestDispatcher.h"
#include "http/StreamPool.h"
#include "net/ConnectionGate.h"
#include "net/IdleThreads.h"
#include "net/ListeningSocket.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

namespace hchat
{

struct HttpContext;

class HttpServer
/// HTTP on http.address:http.port (unless it is 0): POCO's TCPServer with its own thread
/// pool, one thread per connection and blocking I/O. Threads have small
/// stacks so thousands of waiting long polls fit; when all http.maxThreads
/// are busy, new connections get a 503 at once (ConnectionGate).
/// WebSocket and SSE streams move to threads of their own after their
/// handshake (StreamPool); they count toward http.maxThreads too.
/// With a TLS context, a second listener on tls.port serves the same
/// requests over TLS, with the same threads and limits. Threads idle for
/// a while are ended (IdleThreads). start() and stop() are called by the application's main thread
/// only.
{
public:
    HttpServer(const HttpOptions& options, const HttpContext& context);
    /// Binds the socket; throws Poco::Net::NetException when it can't.

    void start();

    void stop();
    /// Stops accepting, lets each open connection finish the request it is
    /// serving (the caller has woken waiting long polls first), closes idle
    /// ones and waits for every connection thread.

    std::size_t disconnectBanned() { return _gate->disconnectBanned(); }
    /// Closes the connections of addresses banned now (ConnectionGate).

    std::string address() const { return _socket.address().toString(); }
    std::string tlsAddress() const { return _tlsSocket.address().toString(); }

private:
    ListeningSocket _socket;    ///< unbound when http.port is 0
    ListeningSocket _tlsSocket; ///< unbound without TLS
    Poco::ThreadPool _threads;
    Poco::AutoPtr<ConnectionGate> _gate;
    std::unique_ptr<StreamPool> _streams;
    NextRequestWatch _polls; ///< before the dispatcher, whose long polls use it
    Poco::SharedPtr<RequestDispatcher> _dispatcher;
    HeadWatch _heads;
    OpenConnections _open;                            ///< told when the server stops
    std::unique_ptr<Poco::Net::TCPServer> _server;    ///< null when http.port is 0
    std::unique_ptr<Poco::Net::TCPServer> _tlsServer; ///< null without TLS
    IdleThreads _idle;
};

} // namespace hchat
