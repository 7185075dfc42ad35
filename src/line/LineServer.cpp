#include "line/LineServer.h"

#include "line/LineSessionFactory.h"
#include "stream/StreamSession.h"
#include "util/Metrics.h"

#include <Poco/Net/TCPServerParams.h>

namespace hchat
{

namespace
{
// A session waits in poll() with little on its stack, like a long poll.
const int threadStackBytes = 256 * 1024;
} // namespace

LineServer::LineServer(const LineOptions& options, ChatActions& actions, RoomRegistry& rooms,
                       People& people, Announcer& announcer, Metrics& metrics)
    : _options(options), _actions(actions), _rooms(rooms), _people(people), _announcer(announcer),
      _metrics(metrics), _threads(2, options.maxConnections, 60, threadStackBytes),
      _gate(new ConnectionGate(
          options.maxConnections, options.connectionsPerAddress,
          {metrics.lineConnectionsTotal, metrics.lineRefused, metrics.lineRefused},
          [](const std::string& why)
          {
              std::string line = "ERROR " + why + "\r\n";
              line[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[6])));
              return line;
          },
          "hchatd.line"))
{
    // As for HTTP: SO_REUSEADDR, not SO_REUSEPORT, so a second daemon fails.
    _socket.bind(Poco::Net::SocketAddress(options.address, static_cast<Poco::UInt16>(options.port)),
                 true, false);
    _socket.listen(1024);
    Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(options.maxConnections);
    params->setMaxQueued(options.maxConnections);
    // As HttpServer: an idle thread may miss the stop's wake-up for this long.
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    _server = std::make_unique<Poco::Net::TCPServer>(new LineSessionFactory(*this), _threads,
                                                     _socket, params);
    _server->setConnectionFilter(_gate);
}

LineServer::~LineServer()
{
    stop();
}

void LineServer::start()
{
    _server->start();
}

void LineServer::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_stopping)
            return;
        _stopping = true;
    }
    _server->stop();
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const auto& session : _sessions)
            session->stop();
    }
    _threads.joinAll();
}

void LineServer::enlist(const std::shared_ptr<StreamSession>& session)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _sessions.insert(session);
    if (_stopping)
        session->stop(); // arrived while stopping: leave at once
}

void LineServer::dismiss(const std::shared_ptr<StreamSession>& session)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _sessions.erase(session);
}

} // namespace hchat
