#pragma once

#include <memory>
#include <string>

namespace hchat
{

class AddressBans;
class TrustedProxies;
class TlsContext;

struct LineOptions
/// The settings of a line-based protocol: hchat's own (line.*) or IRC
/// (irc.*), and the chat.* and limits.* keys they use, as the application
/// read them (Settings has the defaults).
{
    enum class Protocol
    {
        Line, ///< SPEC §5 (LineSession)
        Irc   ///< SPEC §14 (IrcSession)
    };
    Protocol protocol = Protocol::Line;
    std::string address;             ///< http.address: both listen on the same one
    int port = 0;                    ///< plain text; 0: none
    std::shared_ptr<TlsContext> tls; ///< null: no TLS port
    int tlsPort = 0;                 ///< line.tlsPort
    int handshakeTimeout = 0;        ///< http.requestTimeout: seconds for a TLS handshake
    int maxConnections = 0;
    int connectionsPerAddress = 0;
    const AddressBans* bans = nullptr;       ///< addresses refused at accept; null: none
    const TrustedProxies* proxies = nullptr; ///< not limited per address; null: none
    int idleTimeout = 0;                     ///< seconds without a line before a client is closed
    int joinTimeout = 0;                     ///< seconds from connecting to being in a room
    int sendTimeout = 0; ///< seconds a write may wait for a client that stopped reading
    int recentOnJoin = 0;
    // IRC only:
    std::string serverName; ///< the server's name in IRC lines (irc.serverName)
    std::string network;    ///< NETWORK in ISUPPORT (irc.network)
    int pingInterval = 0;   ///< seconds of silence before a PING, and before closing after it
};

} // namespace hchat
