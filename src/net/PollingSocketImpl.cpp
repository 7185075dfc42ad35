#include "net/PollingSocketImpl.h"

#include <Poco/Timestamp.h>

#include <algorithm>
#include <cerrno>
#include <poll.h>

namespace hchat
{

bool PollingSocketImpl::poll(const Poco::Timespan& timeout, int mode)
{
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

} // namespace hchat
