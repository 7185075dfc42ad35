#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <string>
#include <vector>

namespace hchat
{

class Settings
/// Every configuration key of hchatd, read in one place with its default
/// beside it (SPEC §7). The same keys and defaults are documented in
/// hchatd.conf and man/hchatd.8. Immutable after load(), so it is shared by
/// every thread without locks.
{
public:
    std::string httpAddress = "0.0.0.0";
    int httpPort = 1234;
    int httpMaxThreads = 12000;     ///< what one process holds (make bench: 10,000 streams)
    int httpRequestTimeout = 10;    ///< seconds to receive a request before dropping the client
    int httpKeepAliveTimeout = 15;  ///< seconds an idle keep-alive connection is kept
    std::string httpHtmlDir;        ///< empty: the web client compiled into the binary
    std::string httpAllowedOrigins; ///< other sites' pages that may post and open WebSockets
    std::string httpTrustedProxies; ///< balancers whose X-Forwarded-For names the client

    int longPollTimeout = 30; ///< seconds

    std::string tlsCertificate; ///< PEM: the leaf, then the chain
    std::string tlsPrivateKey;  ///< PEM
    int tlsPort = 0;            ///< HTTPS and WSS; 0: off
    bool tlsRedirect = false;   ///< plain-HTTP page requests answered 308 to HTTPS
    int tlsHsts = 0;            ///< Strict-Transport-Security max-age; 0: not sent

    int linePort = 0;              ///< the line protocol's TCP port; 0: off
    int lineTlsPort = 0;           ///< the line protocol over TLS; 0: off
    int lineIdleTimeout = 900;     ///< seconds without a line before a client is closed
    int lineJoinTimeout = 60;      ///< seconds from connecting to being in a room
    int lineMaxConnections = 2048; ///< line-protocol connections at once (a thread each)
    int lineSendTimeout = 10;      ///< seconds a write may wait for a client that stopped reading

    int ircPort = 0;                  ///< IRC (SPEC §14); 0: off
    int ircTlsPort = 0;               ///< IRC over TLS; 0: off
    int ircMaxConnections = 2048;     ///< IRC connections at once (a thread each)
    int ircPingInterval = 120;        ///< seconds of silence before a PING; as long again: closed
    std::string ircNetwork = "hchat"; ///< NETWORK in ISUPPORT (the name clients show)
    std::string ircServerName = "hchatd"; ///< the server's name in IRC lines

    int webSocketPingInterval =
        25; ///< seconds of silence before a ping; no pong by the next: dropped

    int recentOnJoin = 50;
    int maxMessageBytes = 4096;
    int historyLimit = 1000;
    int leaveGrace = 5;  ///< seconds gone before a leave entry: a page reload is no leave
    bool notices = true; ///< join, leave and nick entries in the room logs

    std::string storeKind = "sqlite";
    std::string storePath = "var/hchatd.db";     ///< relative to the configuration file's folder
    int storeRetention = 0;                      ///< seconds a message is kept; 0: for ever
    std::string redisAddress = "127.0.0.1:6379"; ///< store.kind = redis: host:port
    std::string redisPassword;                   ///< AUTH, when not empty
    std::string redisKeyPrefix = "hchat:";       ///< before every key and the channel
    int redisHistoryLimit = 0;                   ///< messages kept per room in Redis; 0: all
    bool redisCluster = false;                   ///< redis.address is a Redis Cluster's server

    double messagesPerSecond = 2;
    double burst = 10;
    int connectionsPerAddress = 128;
    int peoplePerAddress = 10; ///< an address's message budget, in people (0: none)

    int sessionDays = 30;     ///< how long a login lasts (accounts.sessionDays)
    bool registration = true; ///< anyone may register a name (accounts.registration)
    int editWindow = 15 * 60; ///< seconds an author may edit a message (chat.editWindow)
    std::string
        adminAccounts; ///< the operator's accounts, comma- or space-separated (admin.accounts)
    std::vector<std::string> operators() const;
    /// The names of admin.accounts.

    std::string pidFile;       ///< written when running as a daemon; empty: none
    std::string controlSocket; ///< the operator's Unix socket (hchatd --ctl); empty: none

    static Settings load(const Poco::Util::AbstractConfiguration& file, const std::string& baseDir);
    /// Reads the keys of a configuration file. Relative paths are taken
    /// relative to baseDir (the file's folder). Throws
    /// Poco::InvalidArgumentException naming the key for an unknown key
    /// (a misspelling) or a bad value.

    static const std::vector<std::string>& knownKeys();
};

} // namespace hchat
