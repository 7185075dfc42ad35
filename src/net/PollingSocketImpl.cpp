#include "net/PollingSocketImpl.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>

namespace hchat
{

PollingSocketImpl::PollingSocketImpl(poco_socket_t fd, const sockaddr* peer, socklen_t length)
    : StreamSocketImpl(fd), _local(localOf(fd)), _peer(keep(peer, length))
{
}

PollingSocketImpl::Known PollingSocketImpl::keep(const sockaddr* address, socklen_t length)
{
    Known known{};
    if (address && length <= sizeof known &&
        (address->sa_family == AF_INET || address->sa_family == AF_INET6))
        std::memcpy(&known, address, length);
    return known;
}

PollingSocketImpl::Known PollingSocketImpl::localOf(poco_socket_t fd)
{
    Known local{};
    socklen_t length = sizeof local;
    if (::getsockname(fd, &local.any, &length) != 0)
        return Known{};
    return keep(&local.any, length);
}

Poco::Net::SocketAddress PollingSocketImpl::address()
{
    return kept(_local) ? addressOf(_local) : StreamSocketImpl::address();
}

Poco::Net::SocketAddress PollingSocketImpl::peerAddress()
{
    return kept(_peer) ? addressOf(_peer) : StreamSocketImpl::peerAddress();
}

Poco::Net::SocketAddress PollingSocketImpl::addressOf(const Known& known)
{
    return Poco::Net::SocketAddress(&known.any, known.any.sa_family == AF_INET ? sizeof known.v4
                                                                               : sizeof known.v6);
}

bool PollingSocketImpl::poll(const Poco::Timespan& timeout, int mode)
{
    if ((mode & SELECT_READ) && _unread)
        return true;
    return pollDescriptor(sockfd(), timeout, mode);
}

bool PollingSocketImpl::pollDescriptor(poco_socket_t fd, const Poco::Timespan& timeout, int mode)
{
    pollfd watched{fd, 0, 0};
    if (mode & SELECT_READ)
        watched.events |= POLLIN;
    if (mode & SELECT_WRITE)
        watched.events |= POLLOUT;
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

void PollingSocketImpl::setReceiveTimeout(const Poco::Timespan& timeout)
{
    if (timeout.totalMicroseconds() == _receiveTimeout)
        return;
    StreamSocketImpl::setReceiveTimeout(timeout);
    _receiveTimeout = timeout.totalMicroseconds();
}

void PollingSocketImpl::unread(const char* data, std::size_t size)
{
    if (size == 0)
        return;
    if (!_unread)
        _unread = std::make_unique<std::string>();
    _unread->insert(0, data, size);
}

long PollingSocketImpl::takeUnread(char* buffer, std::size_t size, bool peek)
{
    if (!_unread)
        return 0;
    const std::size_t n = std::min(size, _unread->size());
    _unread->copy(buffer, n);
    if (!peek)
    {
        _unread->erase(0, n);
        if (_unread->empty())
            _unread.reset(); // an idle connection keeps no buffer
    }
    return static_cast<long>(n);
}

std::size_t PollingSocketImpl::unreadBytes() const
{
    return _unread ? _unread->size() : 0;
}

int PollingSocketImpl::receiveBytes(void* buffer, int length, int flags)
{
    if (_unread && length > 0)
        return static_cast<int>(takeUnread(static_cast<char*>(buffer),
                                           static_cast<std::size_t>(length), flags & MSG_PEEK));
    return StreamSocketImpl::receiveBytes(buffer, length, flags);
}

int PollingSocketImpl::available()
{
    return static_cast<int>(unreadBytes()) + StreamSocketImpl::available();
}

} // namespace hchat
