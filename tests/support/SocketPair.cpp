#include "support/SocketPair.h"

#include "net/PollingSocketImpl.h"

#include <cppunit/TestAssert.h>

#include <chrono>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hchat::test
{

SocketPair::SocketPair()
{
    int pair[2];
    CPPUNIT_ASSERT_EQUAL(0, ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
    client = pair[0];
    server = pair[1];
    _serverSocket = new PollingSocketImpl(server, nullptr, 0);
}

SocketPair::~SocketPair()
{
    ::close(client);
}

std::string SocketPair::readAvailable() const
{
    std::string got;
    char buffer[65536];
    ssize_t n;
    while ((n = ::recv(client, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
        got.append(buffer, static_cast<std::size_t>(n));
    return got;
}

std::string SocketPair::readFor(double seconds, std::size_t atLeast) const
{
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (got.size() < atLeast && std::chrono::steady_clock::now() < deadline)
    {
        pollfd readable{client, POLLIN, 0};
        if (::poll(&readable, 1, 20) > 0)
            got += readAvailable();
    }
    return got;
}

void SocketPair::shrinkServerBuffer() const
{
    int size = 1;
    ::setsockopt(server, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

} // namespace hchat::test
