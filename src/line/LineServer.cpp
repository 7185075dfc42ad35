#include "line/LineServer.h"

#include "chat/IdGenerator.h"
#include "chat/People.h"
#include "line/LineSessionFactory.h"
#include "net/ProxyHeader.h"
#include "net/TlsSocketImpl.h"
#include "net/TrustedProxies.h"
#include "stream/StreamSession.h"
#include "util/Metrics.h"

#include <Poco/Logger.h>
#include <Poco/Net/TCPServerParams.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace hchat
{

namespace
{
// A session waits in poll() with little on its stack, like a long poll.
const int threadStackBytes = 256 * 1024;

// What a client is told before its connection is closed, in its protocol.
std::string closingLine(bool irc, const std::string& why)
{
    if (irc)
        return "ERROR :Closing link: " + why + "\r\n";
    std::string line = "ERROR " + why + "\r\n";
    line[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[6])));
    return line;
}
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
          [irc = options.protocol == LineOptions::Protocol::Irc](
              ConnectionGate::Refused, const std::string& why) { return closingLine(irc, why); },
          loggerName(), options.bans, options.proxies)),
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
    return actorAt(peer, transport);
}

ChatActions::Actor LineServer::actorAt(const Poco::Net::SocketAddress& client,
                                       ChatActions::Transport transport)
{
    return ChatActions::Actor{IdGenerator::next(),
                              "addr:" + client.host().toString(),
                              client.toString(),
                              transport,
                              "",
                              ""};
}

bool LineServer::takeProxyHeader(Poco::Net::StreamSocket& socket, ChatActions::Actor& actor)
{
    Poco::Net::SocketAddress peer;
    try
    {
        peer = socket.peerAddress();
    }
    catch (const Poco::Exception&)
    {
        return false; // gone already
    }
    if (!_options.proxies || !_options.proxies->covers(peer.host()))
        return true;
    // Looked at without reading (MSG_PEEK) until it is a whole header or
    // cannot be one: what is not a header stays for the session. Nothing
    // has been read from the socket yet, not even a TLS handshake, which a
    // TCP balancer passes on after the header.
    const poco_socket_t fd = socket.impl()->sockfd();
    const Poco::Timestamp since;
    const Poco::Timespan patience(_options.handshakeTimeout, 0);
    char bytes[ProxyHeader::maxBytes];
    std::string whole;  // stays empty for a header that is bad: refused below
    bool begun = false; // what came so far may be the start of a header, not blank lines
    for (;;)
    {
        const ssize_t got = ::recv(fd, bytes, sizeof bytes, MSG_PEEK | MSG_DONTWAIT);
        if (got == 0)
            return false;
        if (got > 0)
        {
            const std::string_view seen(bytes, static_cast<std::size_t>(got));
            // A v2 header begins with CR LF CR LF: a client's empty lines
            // look the same until more comes, and stay the client's.
            begun = seen.find_first_not_of("\r\n") != std::string_view::npos;
            const ProxyHeader::Extent found = ProxyHeader::measure(seen);
            if (found.shape == ProxyHeader::Shape::None)
                return true; // a client of the balancer's own, or none sent
            if (found.shape == ProxyHeader::Shape::Bad)
                break;
            if (found.shape == ProxyHeader::Shape::Whole)
            {
                whole.assign(bytes, found.length);
                ::recv(fd, bytes, found.length, 0); // taken: the session starts after it
                break;
            }
        }
        else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return false;
        const Poco::Timespan left = patience - since.elapsed();
        if (left <= 0 && !begun)
            return true; // nothing said: the session's own timeouts apply
        if (left <= 0)
            break; // half a header: refused below, never read as the client's lines
        pollfd readable{fd, POLLIN, 0};
        ::poll(&readable, 1,
               static_cast<int>(
                   std::min<Poco::Timespan::TimeDiff>(left.totalMilliseconds() + 1, 1000)));
    }
    const bool irc = _options.protocol == LineOptions::Protocol::Irc;
    const ProxyHeader::Parsed header = ProxyHeader::parse(whole);
    if (!header.valid)
    {
        Poco::Logger::get(loggerName())
            .warning("a bad PROXY header from trusted proxy %s", peer.toString());
        if (!TlsSocketImpl::isTls(socket.impl()))
            sendQuietly(socket, closingLine(irc, "bad PROXY header"));
        return false;
    }
    if (!header.known)
        return true; // the balancer's own connection
    if (const auto refused = _gate->proxiedFor(socket, header.client.host()))
    {
        if (!TlsSocketImpl::isTls(socket.impl()))
            sendQuietly(socket, closingLine(irc, *refused == ConnectionGate::Refused::Banned
                                                     ? "banned"
                                                     : "too many connections from your address"));
        return false;
    }
    actor = actorAt(header.client, actor.transport);
    return true;
}

void LineServer::sendQuietly(Poco::Net::StreamSocket& socket, const std::string& line)
{
    try
    {
        socket.sendBytes(line.data(), static_cast<int>(line.size()));
    }
    catch (const Poco::Exception&)
    {
        // Closed anyway.
    }
}

bool LineServer::handshake(Poco::Net::StreamSocket& socket, const std::string& refusal)
{
    auto& tls = static_cast<TlsSocketImpl&>(*socket.impl());
    const bool done = tls.handshake(_options.handshakeTimeout * 1000, refusal);
    (done ? _metrics.tlsHandshakes : _metrics.tlsHandshakeFailures)
        .fetch_add(1, std::memory_order_relaxed);
    return done;
}

void LineServer::serve(Poco::Net::StreamSocket& socket, ChatActions::Actor& actor,
                       StreamTransport& transport, std::shared_ptr<StreamSession>& session,
                       const std::function<bool()>& named)
{
    const bool irc = _options.protocol == LineOptions::Protocol::Irc;
    if (!takeProxyHeader(socket, actor) ||
        (TlsSocketImpl::isTls(socket.impl()) &&
         !handshake(
             socket,
             irc ? "ERROR :This port speaks IRC over TLS: connect to irc.port without TLS\r\n"
                 : "ERROR This port speaks TLS: connect with openssl s_client, or to "
                   "line.port\r\n")))
    {
        _gate->dropHolder(socket);
        return;
    }
    std::atomic<std::int64_t>& open = irc ? _metrics.ircSessions : _metrics.lineSessions;
    const char* client = irc ? "IRC client" : "line client";
    open.fetch_add(1, std::memory_order_relaxed);
    session = std::make_shared<StreamSession>(*socket.impl(), _options.sendTimeout, transport,
                                              _people, _announcer, _metrics, client, actor.peer);
    enlist(session);
    try
    {
        session->serve();
    }
    catch (const Poco::Exception& e)
    {
        // The client went away or stopped reading.
        Poco::Logger::get(loggerName())
            .debug("%s %s ended: %s", std::string(client), actor.peer, e.displayText());
    }
    session->end(); // a dropped connection leaves after the grace period
    if (named())
        _people.disconnect(actor.key, session->mailbox());
    dismiss(session);
    _gate->dropHolder(socket);
    open.fetch_sub(1, std::memory_order_relaxed);
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
