#pragma once

#include "http/ConnectionGate.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

namespace hchat
{

class Doorbell;
class Settings;
struct ServerContext;

class LineServer
/// The line protocol (SPEC §5) on http.address:line.port: POCO's TCPServer
/// with its own thread pool, one thread per connection (LineSession), like
/// the HTTP side. Connections past limits.connectionsPerAddress, or past
/// http.maxThreads, get an ERROR line and are closed (ConnectionGate).
/// Sessions enlist their Doorbell so stop() can wake and end them.
/// start() and stop() from the application's main thread; the rest is
/// thread-safe (_mutex guards _bells).
{
public:
    LineServer(const Settings& settings, const ServerContext& context);
    /// Binds the socket; throws Poco::Net::NetException when it can't.
    ~LineServer();

    void start();
    void stop();
    /// Stops accepting, tells every session the server is going away (an
    /// ERROR line, then close) and waits for their threads.

    std::string address() const { return _socket.address().toString(); }

    bool stopping() const { return _stopping.load(); }
    void enlist(const std::shared_ptr<Doorbell>& bell);
    void dismiss(const std::shared_ptr<Doorbell>& bell);

private:
    Poco::Net::ServerSocket _socket;
    Poco::ThreadPool _threads;
    Poco::AutoPtr<ConnectionGate> _gate;
    std::unique_ptr<Poco::Net::TCPServer> _server;
    std::atomic<bool> _stopping{false};
    std::mutex _mutex;
    std::set<std::shared_ptr<Doorbell>> _bells;
};

} // namespace hchat
