#pragma once

#include "support/PeerServer.h"

#include <string>
#include <vector>

namespace hchat::test
{

class Haproxy
/// A real haproxy (Debian's, installed by make check) for a test, on
/// 127.0.0.1 and a free port, in front of hchatd nodes on 127.0.0.1 with
/// the settings of contrib/haproxy/hchatd.cfg, except that it sends every
/// client to the first node that is up (balance first), so a test knows
/// which node a client is on. Its configuration in a temporary folder;
/// stopped by its PID.
{
public:
    explicit Haproxy(const std::vector<int>& nodePorts, const std::vector<int>& linePorts = {},
                     int proxyVersion = 1);
    /// Starts it and waits (up to 10 s) until it accepts connections.
    /// linePorts: the nodes' line or IRC ports, behind a TCP frontend on
    /// linePort() that names each client in a PROXY header of that version
    /// (send-proxy or send-proxy-v2).

    std::string host() const { return "127.0.0.1"; }
    int port() const { return _port; }
    int linePort() const { return _linePort; }

private:
    PeerServer _peer;
    int _port = 0;
    int _linePort = 0;
};

} // namespace hchat::test
