#include "support/Nginx.h"

#include "support/LineClient.h"

#include <Poco/Exception.h>

#include <fstream>

namespace hchat::test
{

namespace
{
// contrib/nginx/hchatd.conf with this test's ports: the listen line, and
// one upstream server line per node in place of the shipped three.
void writeSite(const std::string& to, int port, const std::vector<int>& nodePorts)
{
    std::ifstream in("contrib/nginx/hchatd.conf");
    if (!in)
        throw Poco::FileNotFoundException("contrib/nginx/hchatd.conf (run from the source tree)");
    std::ofstream out(to);
    const std::string shippedNode = "127.0.0.1:1234";
    bool nodesWritten = false;
    std::string line;
    while (std::getline(in, line))
    {
        if (line.find("listen 8080;") != std::string::npos)
            line = "    listen 127.0.0.1:" + std::to_string(port) + ";";
        if (line.find("server 127.0.0.1:123") != std::string::npos)
        {
            const std::size_t at = line.find(shippedNode);
            if (nodesWritten || at == std::string::npos)
                continue;
            for (int node : nodePorts)
            {
                std::string server = line;
                server.replace(at, shippedNode.size(), "127.0.0.1:" + std::to_string(node));
                out << server << "\n";
            }
            nodesWritten = true;
            continue;
        }
        out << line << "\n";
    }
    if (!nodesWritten)
        throw Poco::DataFormatException("contrib/nginx/hchatd.conf has no upstream server");
}
} // namespace

Nginx::Nginx(const std::vector<int>& nodePorts) : _port(LineClient::freePort())
{
    const std::string& dir = _peer.dir();
    writeSite(dir + "/hchatd.conf", _port, nodePorts);
    const std::string config = dir + "/nginx.conf";
    {
        std::ofstream out(config);
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
