#pragma once

#include <Poco/Net/TCPServer.h>

#include <mutex>
#include <string>
#include <unordered_map>

namespace Poco
{
class Logger;
}

namespace hchat
{

struct Metrics;

class ConnectionGate : public Poco::Net::TCPServerConnectionFilter
/// Decides on the acceptor thread, before a connection takes a thread:
///   - when every thread is busy, answers "503 Service Unavailable" at once
///     and closes, instead of letting the client hang in a queue;
///   - when an address already has limits.connectionsPerAddress open
///     connections, answers 503 and closes (logged as a warning).
/// Accepted connections are counted per address until connectionClosed().
/// Thread-safe: _mutex guards _perAddress.
{
public:
    ConnectionGate(int maxThreads, int perAddress, Metrics& metrics);

    void watch(const Poco::Net::TCPServer* server);
    /// The server whose load decides "every thread busy". Call before start.

    bool accept(const Poco::Net::StreamSocket& socket) override;

    void connectionClosed(const std::string& address);
    /// A connection accepted from that address has ended.

private:
    static void refuse(const Poco::Net::StreamSocket& socket, const std::string& why);

    const int _maxThreads;
    const int _perAddress;
    Metrics& _metrics;
    const Poco::Net::TCPServer* _server = nullptr;
    Poco::Logger& _logger;
    std::mutex _mutex;
    std::unordered_map<std::string, int> _open;
};

} // namespace hchat
