#include "support/Haproxy.h"

#include "support/LineClient.h"

#include <fstream>

namespace hchat::test
{

Haproxy::Haproxy(const std::vector<int>& nodePorts, const std::vector<int>& linePorts,
                 int proxyVersion)
    : _port(LineClient::freePort()), _linePort(linePorts.empty() ? 0 : LineClient::freePort())
{
    const std::string config = _peer.dir() + "/haproxy.cfg";
    {
        std::ofstream out(config);
        out << "global\n    maxconn 1000\n"
               "defaults\n    mode http\n    option http-server-close\n    option forwardfor\n"
               "    timeout connect 2s\n    timeout client 150s\n    timeout server 150s\n"
               "    timeout tunnel 1h\n    timeout http-request 10s\n"
               "    option redispatch\n    retries 2\n"
               "frontend chat\n    bind 127.0.0.1:"
            << _port
            << "\n    default_backend hchatd\n"
               "backend hchatd\n    balance first\n    option httpchk GET /healthz\n"
               "    http-check expect status 200\n"
               "    default-server check inter 200ms fall 1 rise 1\n";
        for (std::size_t i = 0; i < nodePorts.size(); ++i)
            out << "    server n" << i << " 127.0.0.1:" << nodePorts[i] << "\n";
        if (!linePorts.empty())
        {
            out << "frontend lines\n    mode tcp\n    bind 127.0.0.1:" << _linePort
                << "\n    default_backend lines\n"
                   "backend lines\n    mode tcp\n    balance first\n";
            for (std::size_t i = 0; i < linePorts.size(); ++i)
                out << "    server l" << i << " 127.0.0.1:" << linePorts[i]
                    << (proxyVersion == 2 ? " send-proxy-v2\n" : " send-proxy\n");
        }
    }
    _peer.start("haproxy", {"-db", "-q", "-f", config}, _port);
}

} // namespace hchat::test
