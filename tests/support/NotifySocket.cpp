#include "support/NotifySocket.h"

#include <Poco/Exception.h>
#include <Poco/Process.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace hchat::test
{

NotifySocket::NotifySocket()
{
    static std::atomic<int> sequence{0};
    _name =
        "@hchatd-test-" + std::to_string(Poco::Process::id()) + "-" + std::to_string(sequence++);
    _fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, _name.data() + 1, _name.size() - 1);
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + _name.size());
    if (_fd < 0 || ::bind(_fd, reinterpret_cast<sockaddr*>(&address), length) != 0)
        throw Poco::IOException("cannot bind the notify socket", _name);
}

NotifySocket::~NotifySocket()
{
    ::close(_fd);
}

std::string NotifySocket::receive(double timeoutSeconds)
{
    pollfd p{_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeoutSeconds * 1000)) != 1)
        return "";
    char buffer[4096];
    const ssize_t n = ::recv(_fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
}

} // namespace hchat::test
