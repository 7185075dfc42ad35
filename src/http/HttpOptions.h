#pragma once

#include <memory>
#include <string>

namespace hchat
{

class AddressBans;
class TrustedProxies;
class TlsContext;

struct HttpOptions
/// The settings of the HTTP side (http.*, longpoll.timeout,
/// websocket.pingInterval, and the chat.* and limits.* keys it uses), as
/// the application read them (Settings has the defaults).
{
    std::string address;
    int port = 0;
    int maxThreads = 0;
    int requestTimeout = 0;   ///< seconds to receive a request; also the longest write
    int keepAliveTimeout = 0; ///< seconds an idle keep-alive connection is kept
    int connectionsPerAddress = 0;
    const AddressBans* bans = nullptr;       ///< addresses refused at accept; null: none
    const TrustedProxies* proxies = nullptr; ///< http.trustedProxies; null: none
    int longPollTimeout = 0;
    int webSocketPingInterval = 0;
    int recentOnJoin = 0;
    std::string allowedOrigins;      ///< http.allowedOrigins (OriginPolicy)
    std::shared_ptr<TlsContext> tls; ///< null: no TLS port
    int tlsPort = 0;                 ///< HTTPS and WSS, on address
    bool tlsRedirect = false;        ///< page requests over plain HTTP: 308 to HTTPS
    int tlsHsts = 0;                 ///< Strict-Transport-Security max-age; 0: none
};

} // namespace hchat
