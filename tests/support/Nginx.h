#pragma once

#include "support/PeerServer.h"

#include <string>
#include <vector>

namespace hchat::test
{

class Nginx
/// A real nginx (Debian's nginx-light, installed by make check) for a test,
/// on 127.0.0.1 and a free port, in front of hchatd nodes on 127.0.0.1 with
/// contrib/nginx/hchatd.conf as shipped: only its listen address and its
/// upstream servers are changed. Its configuration in a temporary folder;
/// stopped by its PID.
{
public:
    explicit Nginx(const std::vector<int>& nodePorts);
    /// Starts it and waits (up to 10 s) until it accepts connections.

    std::string host() const { return "127.0.0.1"; }
    int port() const { return _port; }

private:
    PeerServer _peer;
    int _port = 0;
};

} // namespace hchat::test
