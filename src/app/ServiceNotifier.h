#pragma once

#include <string>

namespace hchat
{

class ServiceNotifier
/// Tells systemd how the start and the stop go (a Type=notify unit) with
/// datagrams such as "READY=1" to the Unix socket $NOTIFY_SOCKET names (a
/// path, or "@name" for an abstract one), as sd_notify(3) does. Without
/// the variable every call does nothing. The variable is read once, when
/// constructed, and removed from the environment, so that no program the
/// daemon might start notifies in its name.
{
public:
    ServiceNotifier();

    bool notify(const std::string& state) const;
    /// Sends one datagram; false (errno set) when it could not be sent.
    bool enabled() const { return !_socket.empty(); }
    const std::string& socket() const { return _socket; }

private:
    std::string _socket;
};

} // namespace hchat
