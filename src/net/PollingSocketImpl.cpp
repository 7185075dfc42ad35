#include "net/PollingSocketImpl.h"

#include <Poco/Timestamp.h>

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace hchat
{

bool PollingSocketImpl::poll(const Poco::Timespan& timeout, int mode)
{
    if ((mode & SELECT_READ) && !_unread.empty())
        return true;
    pollfd watched{sockfd(), 0, 0};
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

void PollingSocketImpl::unread(const char* data, std::size_t size)
{
    _unread.insert(0, data, size);
}

long PollingSocketImpl::takeUnread(char* buffer, std::size_t size, bool peek)
{
    const std::size_t n = std::min(size, _unread.size());
    _unread.copy(buffer, n);
    if (!peek)
    {
        _unread.erase(0, n);
        if (_unread.empty())
            std::string().swap(_unread); // an idle connection keeps no buffer
    }
    return static_cast<long>(n);
}

int PollingSocketImpl::receiveBytes(void* buffer, int length, int flags)
{
    if (!_unread.empty() && length > 0)
        return static_cast<int>(takeUnread(static_cast<char*>(buffer),
                                           static_cast<std::size_t>(length), flags & MSG_PEEK));
    return StreamSocketImpl::receiveBytes(buffer, length, flags);
}

int PollingSocketImpl::available()
{
    return static_cast<int>(_unread.size()) + StreamSocketImpl::available();
}

} // namespace hchat
