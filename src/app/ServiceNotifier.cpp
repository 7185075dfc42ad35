#include "app/ServiceNotifier.h"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace hchat
{

ServiceNotifier::ServiceNotifier()
{
    if (const char* value = std::getenv("NOTIFY_SOCKET"))
        _socket = value;
    ::unsetenv("NOTIFY_SOCKET");
}

bool ServiceNotifier::notify(const std::string& state) const
{
    if (_socket.empty())
        return true;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (_socket.size() >= sizeof address.sun_path || (_socket[0] != '/' && _socket[0] != '@'))
    {
        errno = EINVAL;
        return false;
    }
    std::memcpy(address.sun_path, _socket.data(), _socket.size());
    if (_socket[0] == '@')
        address.sun_path[0] = '\0'; // an abstract name
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + _socket.size());
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    const int error = errno;
    ::close(fd);
    errno = error;
    return sent == static_cast<ssize_t>(state.size());
}

} // namespace hchat
