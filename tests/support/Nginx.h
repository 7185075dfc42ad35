#pragma once

#include "support/PeerServer.h"

#include <string>
#include <vector>

namespace hchat::test
{

class Nginx
/// A real nginx (Debian's nginx-light, installed by make check) for a test,
/// on 127.0.0.1 and a free port, in front of hchatd nodes on 127.0.0.1 with
/// contrib/nginx/hchatd.conf (and hchatd-irc.conf) as shipped: only their
/// listen addresses and upstream servers are changed. Its configuration in a temporary folder;
/// stopped by its PID.
{
public:
    explicit Nginx(const std::vector<int>& nodePorts, const std::vector<int>& ircPorts = {});
    /// Starts it and waits (up to 10 s) until it accepts connections.
    /// ircPorts: the nodes' IRC ports, behind contrib/nginx/hchatd-irc.conf
    /// (the stream module, with proxy_protocol) on ircPort().

    std::string host() const { return "127.0.0.1"; }
    int port() const { return _port; }
    int ircPort() const { return _ircPort; }

private:
    PeerServer _peer;
    int _port = 0;
    int _ircPort = 0;
};

} // namespace hchat::test
