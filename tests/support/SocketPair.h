#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Net/SocketImpl.h>

#include <string>

namespace hchat::test
{

class SocketPair
/// Two connected local stream sockets: the daemon's end (server) and what
/// its client reads (client). For unit tests of what writes to a client.
{
public:
    SocketPair();
    ~SocketPair();
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;

    int server = -1;
    int client = -1;

    Poco::Net::SocketImpl& serverSocket() { return *_serverSocket; }
    /// The server's end as the daemon holds an accepted connection.

    std::string readAvailable() const;
    /// Everything the client can read now, without waiting.
    std::string readFor(double seconds, std::size_t atLeast) const;
    /// Reads until `atLeast` bytes came or the time passed.
    void shrinkServerBuffer() const;
    /// The smallest send buffer on the server's end, so sends stop early.

private:
    Poco::AutoPtr<Poco::Net::SocketImpl> _serverSocket; ///< owns server
};

} // namespace hchat::test
