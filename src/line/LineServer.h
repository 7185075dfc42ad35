#pragma once

#include "chat/ChatActions.h"
#include "line/LineOptions.h"
#include "net/ConnectionGate.h"
#include "net/IdleThreads.h"
#include "net/ListeningSocket.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

namespace hchat
{

class Announcer;
class AccountActions;
class RoomActions;
class ChatActions;
class People;
class RoomRegistry;
class StreamSession;
class StreamTransport;
struct Metrics;

class LineServer
/// A line-based protocol: hchat's own (SPEC §5) on line.port (LineSession)
/// or IRC (SPEC §14) on irc.port (IrcSession); one server each. POCO's
/// TCPServer with its own thread pool, one thread per connection, like the
/// HTTP side. Connections past limits.connectionsPerAddress, or past its
/// maxConnections, get an error line and are closed (ConnectionGate).
/// With a TLS context, its TLS port serves the same protocol over TLS, with
/// the same threads and limits (refused TLS connections are closed).
/// Threads idle for a while are ended (IdleThreads).
/// start() and stop() from the application's main thread; the rest is
/// thread-safe (_mutex guards _sessions).
{
public:
    LineServer(const LineOptions& options, ChatActions& actions, AccountActions& accountActions,
               RoomActions& roomActions, RoomRegistry& rooms, People& people, Announcer& announcer,
               Metrics& metrics);
    /// Binds the socket; throws Poco::Net::NetException when it can't.
    ~LineServer();

    void start();
    void stop();
    /// Stops accepting, tells every session the server is going away (an
    /// ERROR line, then close) and waits for their threads.

    std::string addresses() const;
    /// For the log: "127.0.0.1:1235", "127.0.0.1:1235 and TLS on ...:1236".

    // For the sessions:
    const LineOptions& options() const { return _options; }
    ChatActions& actions() { return _actions; }
    AccountActions& accountActions() { return _accountActions; }
    RoomActions& roomActions() { return _roomActions; }
    RoomRegistry& rooms() { return _rooms; }
    People& people() { return _people; }
    Announcer& announcer() { return _announcer; }
    Metrics& metrics() { return _metrics; }
    ConnectionGate& gate() { return *_gate; }
    ChatActions::Actor actorFor(const Poco::Net::StreamSocket& socket,
                                ChatActions::Transport transport) const;
    /// A new connection's person: a fresh key, its address's rate limit.
    void serve(Poco::Net::StreamSocket& socket, ChatActions::Actor& actor,
               StreamTransport& transport, std::shared_ptr<StreamSession>& session,
               const std::function<bool()>& named);
    /// A connection's whole life on its thread, the same for both
    /// protocols: the PROXY header, on the TLS port the handshake; then
    /// `session` is made (in the transport's codec) and served until the
    /// client leaves, the connection fails or stop(). Afterwards, when
    /// named() says the person had a name, it is given up (People::disconnect).
    /// Counted in the protocol's open-sessions gauge meanwhile.

private:
    bool takeProxyHeader(Poco::Net::StreamSocket& socket, ChatActions::Actor& actor);
    /// First on every connection: one from a trusted proxy
    /// (http.trustedProxies) may begin with a PROXY protocol header
    /// (ProxyHeader), which is read; actor is then the client it names
    /// (its address's rate limit, its address in the log, its count of
    /// open connections), refused like a connection of its own when a ban
    /// covers it or it has limits.connectionsPerAddress open. A bad header is told
    /// (plain ports) and logged. False: close the connection. Waits up to
    /// handshakeTimeout for a whole header; without any bytes, or with
    /// bytes that are no header, nothing is read. Half a header by then is
    /// a bad header.
    bool handshake(Poco::Net::StreamSocket& socket, const std::string& refusal);
    /// On the TLS port, first: the TLS handshake within handshakeTimeout,
    /// counted; refusal is what plain text gets. False: close the connection.
    void enlist(const std::shared_ptr<StreamSession>& session);
    void dismiss(const std::shared_ptr<StreamSession>& session);
    static ChatActions::Actor actorAt(const Poco::Net::SocketAddress& client,
                                      ChatActions::Transport transport);
    static void sendQuietly(Poco::Net::StreamSocket& socket, const std::string& line);
    const char* loggerName() const
    {
        return _options.protocol == LineOptions::Protocol::Irc ? "hchatd.irc" : "hchatd.line";
    }

    const LineOptions _options;
    ChatActions& _actions;
    AccountActions& _accountActions;
    RoomActions& _roomActions;
    RoomRegistry& _rooms;
    People& _people;
    Announcer& _announcer;
    Metrics& _metrics;
    ListeningSocket _socket;    ///< unbound when line.port is 0
    ListeningSocket _tlsSocket; ///< unbound without TLS
    Poco::ThreadPool _threads;
    Poco::AutoPtr<ConnectionGate> _gate;
    std::unique_ptr<Poco::Net::TCPServer> _server;    ///< null when line.port is 0
    std::unique_ptr<Poco::Net::TCPServer> _tlsServer; ///< null without TLS
    bool _stopping = false;                           ///< guarded by _mutex
    std::mutex _mutex;
    std::set<std::shared_ptr<StreamSession>> _sessions;
    IdleThreads _idle;
};

} // namespace hchat
