#include "net/ListeningSocket.h"

#include <Poco/Net/ServerSocketImpl.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timestamp.h>

#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace hchat
{

// POCO's StreamSocketImpl::poll() opens and closes an epoll descriptor on
// every call, and its HTTP server calls it for each request of a keep-alive
// connection: thousands of long polls between two requests need twice as
// many descriptors, and those over the process limit lose their connection
// ("Too many open files"). poll() needs none, and three system calls fewer.

class ListeningSocket::Connection : public Poco::Net::StreamSocketImpl
/// An accepted connection whose poll() is poll(2).
{
public:
    explicit Connection(poco_socket_t fd) : StreamSocketImpl(fd) {}

    bool poll(const Poco::Timespan& timeout, int mode) override
    {
        pollfd watched{sockfd(), 0, 0};
        if (mode & SELECT_READ)
            watched.events |= POLLIN;
        if (mode & SELECT_WRITE)
            watched.events |= POLLOUT;
        // Errors and hang-ups are reported whatever was asked (SELECT_ERROR).
        const Poco::Timestamp start;
        Poco::Timespan left = timeout;
        for (;;)
        {
            const int ready = ::poll(
                &watched, 1,
                static_cast<int>(std::max<Poco::Timespan::TimeDiff>(0, left.totalMilliseconds())));
            if (ready >= 0)
                return ready > 0;
            if (errno != EINTR)
                error();
            left = timeout - start.elapsed();
            if (left <= 0)
                return false;
        }
    }
};

class ListeningSocket::Impl : public Poco::Net::ServerSocketImpl
/// Accepts like SocketImpl::acceptConnection(), into a Connection.
{
public:
    Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddress) override
    {
        sockaddr_storage address{};
        for (;;)
        {
            socklen_t length = sizeof address;
            const int fd = ::accept(sockfd(), reinterpret_cast<sockaddr*>(&address), &length);
            if (fd >= 0)
            {
                clientAddress =
                    Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address), length);
                return new Connection(fd);
            }
            if (errno != EINTR)
                error(); // throws, as POCO's does
        }
    }
};

ListeningSocket::ListeningSocket() : ServerSocket(new Impl, true) {}

} // namespace hchat
