#include "support/RedisServer.h"

#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/LineClient.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>

#include <csignal>
#include <iterator>

namespace hchat::test
{

RedisServer::RedisServer(bool persistent, bool clustered)
    : _dir(DaemonProcess::tempDir()), _port(LineClient::freePort()), _persistent(persistent),
      _busPort(clustered ? LineClient::freePort() : 0)
{
    start();
}

RedisServer::~RedisServer()
{
    try
    {
        kill();
        Poco::File(_dir).remove(true);
    }
    catch (...)
    {
    }
}

void RedisServer::start()
{
    std::vector<std::string> args = {
        "--port",       std::to_string(_port),      "--bind",        "127.0.0.1", "--dir",  _dir,
        "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always",    "--save", "",
        "--logfile",    _dir + "/redis.log",        "--daemonize",   "no"};
    if (_busPort)
        args.insert(args.end(), {"--cluster-enabled", "yes", "--cluster-port",
                                 std::to_string(_busPort), "--cluster-config-file",
                                 _dir + "/nodes.conf", "--cluster-node-timeout", "2000"});
    _process = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("redis-server", args));
    if (!eventually([this] { return answers(); }, 10, 20))
        throw Poco::IOException("redis-server did not answer on port " + std::to_string(_port));
}

void RedisServer::stop()
{
    if (!_process)
        return;
    ::kill(_process->id(), SIGTERM);
    _process->wait();
    _process.reset();
}

void RedisServer::kill()
{
    if (!_process)
        return;
    ::kill(_process->id(), SIGKILL);
    _process->wait();
    _process.reset();
}

void RedisServer::formCluster(const std::vector<RedisServer*>& masters)
{
    std::vector<std::string> args = {"--cluster", "create"};
    for (const RedisServer* server : masters)
        args.push_back(server->address());
    args.insert(args.end(), {"--cluster-replicas", "0", "--cluster-yes"});
    Poco::Pipe output;
    Poco::ProcessHandle create =
        Poco::Process::launch("redis-cli", args, nullptr, &output, &output);
    Poco::PipeInputStream said(output);
    std::string text((std::istreambuf_iterator<char>(said)), std::istreambuf_iterator<char>());
    if (create.wait() != 0)
        throw Poco::IOException("redis-cli --cluster create failed", text);
    const bool ready = eventually(
        [&]
        {
            for (RedisServer* server : masters)
                if (server->command("CLUSTER INFO").find("cluster_state:ok") == std::string::npos)
                    return false;
            return true;
        },
        20, 100);
    if (!ready)
        throw Poco::IOException("the Redis Cluster did not become ready", text);
}

void RedisServer::replicate(RedisServer& master, const std::vector<RedisServer*>& cluster)
{
    master.command("CONFIG SET repl-diskless-sync-delay 0"); // the copy starts at once
    command("CLUSTER MEET 127.0.0.1 " + std::to_string(master.port()) + " " +
            std::to_string(master._busPort));
    // The id is the first word of the reply, after the bulk string's length line.
    std::string id = master.command("CLUSTER MYID");
    id = id.substr(id.find('\n') + 1);
    id = id.substr(0, id.find('\r'));
    // Refused until the MEET has made the master known here; asked once it is.
    const bool linked =
        eventually([&] { return command("CLUSTER REPLICATE " + id).find("+OK") == 0; }, 20, 200) &&
        eventually(
            [&] {
                return command("INFO replication").find("master_link_status:up") !=
                       std::string::npos;
            },
            20, 200);
    std::string mine = command("CLUSTER MYID");
    mine = mine.substr(mine.find('\n') + 1);
    mine = mine.substr(0, mine.find('\r'));
    // In CLUSTER NODES, a line per node: "<id> <address> <flags> …".
    auto knowsMe = [&](RedisServer& server)
    {
        const std::string nodes = server.command("CLUSTER NODES");
        const std::size_t at = nodes.find(mine + " ");
        if (at == std::string::npos)
            return false;
        const std::string line = nodes.substr(at, nodes.find('\n', at) - at);
        return line.find(",slave ") != std::string::npos ||
               line.find(" slave ") != std::string::npos;
    };
    const bool known = linked && eventually(
                                     [&]
                                     {
                                         for (RedisServer* server : cluster)
                                             if (!knowsMe(*server))
                                                 return false;
                                         return true;
                                     },
                                     20, 200);
    if (!known)
        throw Poco::IOException("redis-server on port " + std::to_string(_port) +
                                " did not become a replica of the one on " +
                                std::to_string(master.port()));
}

bool RedisServer::answers()
{
    return command("PING") == "+PONG\r\n";
}

std::string RedisServer::command(const std::string& line)
{
    try
    {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_port)),
                       Poco::Timespan(1, 0));
        socket.setReceiveTimeout(Poco::Timespan(2, 0));
        const std::string request = line + "\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        socket.shutdownSend();
        std::string reply;
        char buffer[4096];
        int n;
        while ((n = socket.receiveBytes(buffer, sizeof buffer)) > 0)
            reply.append(buffer, static_cast<std::size_t>(n));
        return reply;
    }
    catch (const Poco::Exception&)
    {
        return "";
    }
}

} // namespace hchat::test
