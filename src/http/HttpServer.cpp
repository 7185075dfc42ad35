#include "http/HttpServer.h"

#include "http/HttpConnectionFactory.h"
#include "http/HttpContext.h"
#include "util/Metrics.h"

#include <Poco/Net/HTTPServerParams.h>

namespace hchat
{

namespace
{
// A waiting long poll uses a few KiB of stack; 256 KiB of address space per
// thread is plenty, and only the pages touched cost memory.
const int threadStackBytes = 256 * 1024;
} // namespace

HttpServer::HttpServer(const HttpOptions& options, const HttpContext& context)
    : _socket(), _tlsSocket(options.tls),
      _threads(2, options.maxThreads, IdleThreads::idleSeconds, threadStackBytes),
      _gate(new ConnectionGate(
          options.maxThreads, options.connectionsPerAddress,
          {context.metrics.httpConnectionsTotal, context.metrics.httpRefused,
           context.metrics.httpRefusedPerAddress, context.metrics.bannedRefused},
          [](ConnectionGate::Refused kind, const std::string& why)
          {
              const bool banned = kind == ConnectionGate::Refused::Banned;
              return std::string(banned
                                     ? "HTTP/1.1 403 Forbidden\r\n"
                                     : "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n") +
                     "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                     "Content-Length: " +
                     std::to_string(why.size() + 1) + "\r\n\r\n" + why + "\n";
          },
          "hchatd.http", options.bans, options.proxies)),
      _streams(std::make_unique<StreamPool>(threadStackBytes, _gate)),
      _dispatcher(new RequestDispatcher(context, options, *_streams, _polls)),
      _heads(options.requestTimeout), _idle([this] { _threads.collect(); })
{
    if (options.port > 0)
        _socket.open(options.address, options.port);
    if (options.tls)
        _tlsSocket.open(options.address, options.tlsPort);

    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options.maxThreads);
    // The gate refuses before the queue can fill, so POCO never silently drops.
    params->setMaxQueued(options.maxThreads);
    // A connection thread with nothing to do waits this long for the next
    // connection. POCO's stop wakes only the threads already waiting: one
    // that finishes a connection just then waits this long before it sees
    // the stop (the stop hung up to 60 s under load, once in ~25 runs).
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    params->setTimeout(Poco::Timespan(options.requestTimeout, 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(options.keepAliveTimeout, 0));
    params->setMaxKeepAliveRequests(0); // unlimited
    params->setSoftwareVersion("hchatd");

    auto listen = [&](Poco::Net::ServerSocket& socket)
    {
        auto server = std::make_unique<Poco::Net::TCPServer>(
            new HttpConnectionFactory(params, _dispatcher, _gate, _heads, _open, context.metrics,
                                      options.tlsHsts, options.proxies),
            _threads, socket, params);
        server->setConnectionFilter(_gate);
        return server;
    };
    if (options.port > 0)
        _server = listen(_socket);
    if (options.tls)
        _tlsServer = listen(_tlsSocket);
}

void HttpServer::start()
{
    _heads.start();
    _polls.start();
    _idle.start();
    if (_server)
        _server->start();
    if (_tlsServer)
        _tlsServer->start();
}

void HttpServer::stop()
{
    _idle.stop();
    if (_server)
        _server->stop();
    if (_tlsServer)
        _tlsServer->stop();
    _open.stopAll();
    _threads.joinAll();
    _heads.stop();
    _polls.stop();
    _streams->joinAll();
}

} // namespace hchat
