#pragma once

#include <memory>
#include <string>

namespace hchat
{

class AddressBans;
class TlsContext;

struct LineOptions
/// The settings of the line protocol (line.*, and the chat.* and limits.*
/// keys it uses), as the application read them (Settings has the defaults).
{
    std::string address;             ///< http.address: both listen on the same one
    int port = 0;                    ///< plain text; 0: none
    std::shared_ptr<TlsContext> tls; ///< null: no TLS port
    int tlsPort = 0;                 ///< line.tlsPort
    int handshakeTimeout = 0;        ///< http.requestTimeout: seconds for a TLS handshake
    int maxConnections = 0;
    int connectionsPerAddress = 0;
    const AddressBans* bans = nullptr; ///< addresses refused at accept; null: none
    int idleTimeout = 0;               ///< seconds without a line before a client is closed
    int joinTimeout = 0;               ///< seconds from connecting to being in a room
    int sendTimeout = 0; ///< seconds a write may wait for a client that stopped reading
    int recentOnJoin = 0;
};

} // namespace hchat
