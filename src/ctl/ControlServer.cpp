#include "ctl/ControlServer.h"

#include "ctl/ControlSession.h"

#include <Poco/File.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>
#include <Poco/Path.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace hchat
{

namespace
{
class ControlSessionFactory : public Poco::Net::TCPServerConnectionFactory
{
public:
    ControlSessionFactory(ControlCommands& commands, std::atomic<std::uint64_t>& refusals,
                          ControlServer::Sessions& sessions)
        : _commands(commands), _refusals(refusals), _sessions(sessions)
    {
    }

    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
    {
        return new ControlSession(socket, _commands, _refusals, _sessions);
    }

private:
    ControlCommands& _commands;
    std::atomic<std::uint64_t>& _refusals;
    ControlServer::Sessions& _sessions;
};

// Requests served at once; more wait in the queue.
const int maxSessions = 4;

Poco::Net::ServerSocket bindControlSocket(const std::string& path)
{
    if (path.size() >= sizeof(sockaddr_un::sun_path))
        throw Poco::InvalidArgumentException("control.socket " + path + " is longer than " +
                                             std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                             " bytes");
    const Poco::Net::SocketAddress address(Poco::Net::SocketAddress::UNIX_LOCAL, path);
    struct stat st
    {
    };
    if (::lstat(path.c_str(), &st) == 0)
    {
        if (!S_ISSOCK(st.st_mode))
            throw Poco::FileExistsException("control.socket " + path + " exists and is no socket");
        try
        {
            Poco::Net::StreamSocket probe(address);
            throw Poco::FileExistsException("control.socket " + path +
                                            " is in use: is another hchatd running?");
        }
        catch (const Poco::Net::NetException&)
        {
            Poco::File(path).remove(); // left by a daemon that did not stop cleanly
        }
    }
    Poco::File(Poco::Path(path).parent()).createDirectories();
    Poco::Net::ServerSocket socket(address);
    // Only the owner (the daemon's user) and root may connect; each peer's
    // credentials are checked as well, so the moment before this counts for nothing.
    if (::chmod(path.c_str(), S_IRUSR | S_IWUSR) != 0)
        throw Poco::FileAccessDeniedException("cannot restrict control.socket " + path);
    return socket;
}
} // namespace

ControlServer::ControlServer(const std::string& path, ControlCommands& commands,
                             std::atomic<std::uint64_t>& refusals)
    : _path(path), _socket(bindControlSocket(path)), _threads(1, maxSessions)
{
    Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(maxSessions);
    params->setMaxQueued(16);
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    _server = std::make_unique<Poco::Net::TCPServer>(
        new ControlSessionFactory(commands, refusals, _sessions), _threads, _socket, params);
}

ControlServer::~ControlServer()
{
    stop();
}

void ControlServer::start()
{
    _server->start();
}

void ControlServer::stop()
{
    if (!_server)
        return;
    _server->stop();
    _sessions.shutAll();
    _threads.joinAll();
    _server.reset();
    try
    {
        Poco::File(_path).remove();
    }
    catch (const Poco::Exception&)
    {
        // Removed by someone else: nothing to clean up.
    }
}

void ControlServer::Sessions::add(Poco::Net::SocketImpl* socket)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _open.insert(socket);
}

void ControlServer::Sessions::remove(Poco::Net::SocketImpl* socket)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _open.erase(socket);
}

void ControlServer::Sessions::shutAll()
{
    std::lock_guard<std::mutex> lock(_mutex);
    for (Poco::Net::SocketImpl* socket : _open)
        ::shutdown(socket->sockfd(), SHUT_RDWR);
}

} // namespace hchat
