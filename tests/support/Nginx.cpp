#include "support/Nginx.h"

#include "support/LineClient.h"

#include <Poco/Exception.h>

#include <fstream>

namespace hchat::test
{

namespace
{
// A contrib/nginx file with this test's ports: its listen line, and one
// upstream server line per node in place of the shipped ones.
struct Ports
{
    std::string shippedListen; ///< "listen 8080;"
    std::string shippedNode;   ///< "127.0.0.1:1234": the first upstream server
    int listen;
    std::vector<int> nodes;
};

void writeWithPorts(const std::string& from, const std::string& to, const Ports& ports)
{
    std::ifstream in(from);
    if (!in)
        throw Poco::FileNotFoundException(from + " (run from the source tree)");
    std::ofstream out(to);
    const std::string nodePrefix =
        "server " + ports.shippedNode.substr(0, ports.shippedNode.size() - 1);
    bool nodesWritten = false;
    std::string line;
    while (std::getline(in, line))
    {
        const std::size_t listen = line.find(ports.shippedListen);
        if (listen != std::string::npos)
            line.replace(listen, ports.shippedListen.size(),
                         "listen 127.0.0.1:" + std::to_string(ports.listen) + ";");
        if (line.find(nodePrefix) != std::string::npos)
        {
            const std::size_t at = line.find(ports.shippedNode);
            if (nodesWritten || at == std::string::npos)
                continue;
            for (int node : ports.nodes)
            {
                std::string server = line;
                server.replace(at, ports.shippedNode.size(), "127.0.0.1:" + std::to_string(node));
                out << server << "\n";
            }
            nodesWritten = true;
            continue;
        }
        out << line << "\n";
    }
    if (!nodesWritten)
        throw Poco::DataFormatException(from + " has no upstream server");
}
} // namespace

Nginx::Nginx(const std::vector<int>& nodePorts, const std::vector<int>& ircPorts)
    : _port(LineClient::freePort()), _ircPort(ircPorts.empty() ? 0 : LineClient::freePort())
{
    const std::string& dir = _peer.dir();
    writeWithPorts("contrib/nginx/hchatd.conf", dir + "/hchatd.conf",
                   {"listen 8080;", "127.0.0.1:1234", _port, nodePorts});
    if (_ircPort)
        writeWithPorts("contrib/nginx/hchatd-irc.conf", dir + "/hchatd-irc.conf",
                       {"listen 6667;", "127.0.0.1:6701", _ircPort, ircPorts});
    const std::string config = dir + "/nginx.conf";
    {
        std::ofstream out(config);
        if (_ircPort)
            out << "load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n"
                << "include " << dir << "/hchatd-irc.conf;\n";
        out << "worker_processes 1;\ndaemon off;\npid " << dir << "/nginx.pid;\n"
            << "error_log " << dir << "/error.log warn;\n"
            << "events {\n    worker_connections 1024;\n}\n"
            << "http {\n    access_log off;\n";
        for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            out << "    " << temp << "_temp_path " << dir << "/" << temp << ";\n";
        out << "    include " << dir << "/hchatd.conf;\n}\n";
    }
    _peer.start("nginx", {"-e", dir + "/error.log", "-p", dir, "-c", config}, _port);
}

} // namespace hchat::test
