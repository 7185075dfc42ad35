#pragma once

#include <string>

namespace hchat::test
{

class NotifySocket
/// What systemd listens on for a Type=notify service: a Unix datagram
/// socket under a fresh abstract name, for a daemon started with
/// NOTIFY_SOCKET=name().
{
public:
    NotifySocket();
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::string& name() const { return _name; }
    std::string receive(double timeoutSeconds = 10);
    /// The next datagram; "" when none came within the timeout.

private:
    int _fd = -1;
    std::string _name;
};

} // namespace hchat::test
