#include "support/RedisServer.h"

#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/LineClient.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <csignal>

namespace hchat::test
{

RedisServer::RedisServer(bool persistent)
    : _dir(DaemonProcess::tempDir()), _port(LineClient::freePort()), _persistent(persistent)
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
    const std::vector<std::string> args = {
        "--port",       std::to_string(_port),      "--bind",        "127.0.0.1", "--dir",  _dir,
        "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always",    "--save", "",
        "--logfile",    _dir + "/redis.log",        "--daemonize",   "no"};
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
