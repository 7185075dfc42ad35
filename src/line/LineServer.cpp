#include "line/LineServer.h"

#include "chat/IdGenerator.h"
#include "line/LineSessionFactory.h"
#include "net/TlsSocketImpl.h"
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

LineServer::LineServer(const LineOptions& options, ChatActions& actions,
                       AccountActions& accountActions, RoomActions& roomActions,
                       RoomRegistry& rooms, People& people, Announcer& announcer, Metrics& metrics)
    : _options(options), _actions(actions), _accountActions(accountActions),
      _roomActions(roomActions), _rooms(rooms), _people(people), _announcer(announcer),
      _metrics(metrics), _tlsSocket(options.tls),
      _threads(2, options.maxConnections, IdleThreads::idleSeconds, threadStackBytes),
      _gate(new ConnectionGate(
          options.maxConnections, options.connectionsPerAddress,
          options.protocol == LineOptions::Protocol::Irc
              ? ConnectionGate::Counters{metrics.ircConnectionsTotal, metrics.ircRefused,
                                         metrics.ircRefused, metrics.bannedRefused}
              : ConnectionGate::Counters{metrics.lineConnectionsTotal, metrics.lineRefused,
                                         metrics.lineRefused, metrics.bannedRefused},
          [irc = options.protocol == LineOptions::Protocol::Irc](ConnectionGate::Refused,
                                                                 const std::string& why)
          {
              if (irc)
                  return "ERROR :Closing link: " + why + "\r\n";
              std::string line = "ERROR " + why + "\r\n";
              line[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[6])));
              return line;
          },
          options.protocol == LineOptions::Protocol::Irc ? "hchatd.irc" : "hchatd.line",
          options.bans, options.proxies)),
      _idle([this] { _threads.collect(); })
{
    Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(options.maxConnections);
    params->setMaxQueued(options.maxConnections);
    // As HttpServer: an idle thread may miss the stop's wake-up for this long.
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    auto listen = [&](ListeningSocket& socket, int port)
    {
        socket.open(options.address, port);
        auto server = std::make_unique<Poco::Net::TCPServer>(new LineSessionFactory(*this),
                                                             _threads, socket, params);
        server->setConnectionFilter(_gate);
        return server;
    };
    if (options.port > 0)
        _server = listen(_socket, options.port);
    if (options.tls)
        _tlsServer = listen(_tlsSocket, options.tlsPort);
}

std::string LineServer::addresses() const
{
    std::string text = _server ? _socket.address().toString() : "";
    if (_tlsServer)
        text += (text.empty() ? "TLS on " : " and TLS on ") + _tlsSocket.address().toString();
    return text;
}

LineServer::~LineServer()
{
    stop();
}

void LineServer::start()
{
    _idle.start();
    for (auto* server : {_server.get(), _tlsServer.get()})
        if (server)
            server->start();
}

void LineServer::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_stopping)
            return;
        _stopping = true;
    }
    _idle.stop();
    for (auto* server : {_server.get(), _tlsServer.get()})
        if (server)
            server->stop();
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const auto& session : _sessions)
            session->stop();
    }
    _threads.joinAll();
}

ChatActions::Actor LineServer::actorFor(const Poco::Net::StreamSocket& socket,
                                        ChatActions::Transport transport) const
{
    Poco::Net::SocketAddress peer;
    try
    {
        peer = socket.peerAddress();
    }
    catch (const Poco::Exception&)
    {
        // Gone already: the session finds out when it reads.
    }
    return ChatActions::Actor{
        IdGenerator::next(), "addr:" + peer.host().toString(), peer.toString(), transport, "", ""};
}

bool LineServer::handshake(Poco::Net::StreamSocket& socket, const std::string& refusal)
{
    auto& tls = static_cast<TlsSocketImpl&>(*socket.impl());
    const bool done = tls.handshake(_options.handshakeTimeout * 1000, refusal);
    (done ? _metrics.tlsHandshakes : _metrics.tlsHandshakeFailures)
        .fetch_add(1, std::memory_order_relaxed);
    return done;
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
