#include "line/LineServer.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Doorbell.h"
#include "http/ServerContext.h"
#include "line/LineSessionFactory.h"

#include <Poco/Net/TCPServerParams.h>

namespace hchat
{

namespace
{
// A session waits in poll() with little on its stack, like a long poll.
const int threadStackBytes = 256 * 1024;
} // namespace

LineServer::LineServer(const Settings& settings, const ServerContext& context)
    : _threads(2, settings.httpMaxThreads, 60, threadStackBytes),
      _gate(new ConnectionGate(
          settings.httpMaxThreads, settings.connectionsPerAddress,
          {context.metrics.lineConnectionsTotal, context.metrics.lineRefused,
           context.metrics.lineRefused},
          [](const std::string& why)
          {
              std::string line = "ERROR " + why + "\r\n";
              line[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[6])));
              return line;
          },
          "hchatd.line"))
{
    // As for HTTP: SO_REUSEADDR, not SO_REUSEPORT, so a second daemon fails.
    _socket.bind(Poco::Net::SocketAddress(settings.httpAddress,
                                          static_cast<Poco::UInt16>(settings.linePort)),
                 true, false);
    _socket.listen(1024);
    Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(settings.httpMaxThreads);
    params->setMaxQueued(settings.httpMaxThreads);
    params->setThreadIdleTime(Poco::Timespan(60, 0));
    _server = std::make_unique<Poco::Net::TCPServer>(new LineSessionFactory(context, *this, _gate),
                                                     _threads, _socket, params);
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
    if (_stopping.exchange(true))
        return;
    _server->stop();
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const auto& bell : _bells)
            bell->ring();
    }
    _threads.joinAll();
}

void LineServer::enlist(const std::shared_ptr<Doorbell>& bell)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _bells.insert(bell);
    if (_stopping)
        bell->ring(); // arrived while stopping: leave at once
}

void LineServer::dismiss(const std::shared_ptr<Doorbell>& bell)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _bells.erase(bell);
}

} // namespace hchat
