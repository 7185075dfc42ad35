#include "chat/Doorbell.h"

#include <Poco/Exception.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

namespace hchat
{

Doorbell::Doorbell() : _fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    if (_fd < 0)
        throw Poco::SystemException(std::string("eventfd: ") + std::strerror(errno));
}

Doorbell::~Doorbell()
{
    ::close(_fd);
}

void Doorbell::ring()
{
    std::uint64_t one = 1;
    // Fails only when the counter is about to overflow: it is rung already.
    [[maybe_unused]] ssize_t n = ::write(_fd, &one, sizeof one);
}

void Doorbell::clear()
{
    std::uint64_t count = 0;
    [[maybe_unused]] ssize_t n = ::read(_fd, &count, sizeof count);
}

} // namespace hchat
