#pragma once

#include <Poco/Net/TCPServer.h>
#include <Poco/Timestamp.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace Poco
{
class Logger;
}

namespace hchat
{

class AddressBans;
class TrustedProxies;

class ConnectionGate : public Poco::Net::TCPServerConnectionFilter
/// Decides on the acceptor thread, before a connection takes a thread:
///   - an address that an AddressBans ban covers is refused (HTTP: "403
///     Forbidden", line protocol: an ERROR line) and closed;
///   - when every thread is busy (maxThreads connections are open, queued
///     ones and handed-over streams included), answers at once (HTTP: "503 Service
///     Unavailable", line protocol: an ERROR line) and closes, instead of
///     letting the client hang in a queue;
///   - when an address already has limits.connectionsPerAddress open
///     connections, answers likewise and closes; a trusted proxy
///     (http.trustedProxies), which brings many people, is not limited.
/// On a TLS port a refused connection is closed without an answer.
/// Each kind of refusal is logged at most once a second, with a count.
/// Used by the HTTP server and the line server, each with its own counts.
/// An accepted connection is counted for its address until every holder of
/// it has released it: its connection object, and the stream it was handed
/// to, if any (addHolder()). Thread-safe: _mutex guards the counts.
{
public:
    enum class Refused
    {
        Banned,    ///< an address ban covers the client
        Busy,      ///< every thread is busy: try again soon
        PerAddress ///< limits.connectionsPerAddress: try again soon
    };
    using Refusal = std::function<std::string(Refused kind, const std::string& why)>;
    /// The bytes that tell a refused client why, in its protocol.

    struct Counters
    {
        std::atomic<std::uint64_t>& accepted;
        std::atomic<std::uint64_t>& busy;       ///< refused: every thread busy
        std::atomic<std::uint64_t>& perAddress; ///< refused: limits.connectionsPerAddress
        std::atomic<std::uint64_t>& banned;     ///< refused: an address ban
    };

    ConnectionGate(int maxThreads, int perAddress, Counters counters, Refusal refusal,
                   const std::string& loggerName, const AddressBans* bans = nullptr,
                   const TrustedProxies* proxies = nullptr);
    /// bans: asked for every connection; null: none. proxies: the peers
    /// not limited per address; null: none.

    bool accept(const Poco::Net::StreamSocket& socket) override;

    void addHolder(const Poco::Net::Socket& connection);
    /// One more holder of an accepted connection (a stream it was handed to
    /// by its HTTP connection object, which releases it when it returns).

    void dropHolder(const Poco::Net::Socket& connection);
    /// A holder is done with the connection (the socket accept() saw, or
    /// a copy); the last one makes its address count one less.

    bool forwardedFor(const Poco::Net::Socket& connection, const Poco::Net::IPAddress& client);
    /// A request on a trusted proxy's connection is for client (its
    /// X-Forwarded-For): false, counted and logged, when a ban covers client;
    /// otherwise the connection is client's for disconnectBanned().

    std::optional<Refused> proxiedFor(const Poco::Net::Socket& connection,
                                      const Poco::Net::IPAddress& client);
    /// A trusted proxy's connection made for one client alone (a PROXY
    /// header on the line or IRC port): from now on it counts for client,
    /// as if client had opened it. Refused (counted and logged; nothing
    /// changes) when a ban covers client (Banned) or client has
    /// limits.connectionsPerAddress open already (PerAddress), unless
    /// client is itself a trusted proxy. The caller tells the client why.

    std::size_t disconnectBanned();
    /// Shuts down every held connection whose address (or the client a
    /// proxy last forwarded it for) a ban covers now:
    /// their threads see the client gone and end as for any lost client.
    /// Returns how many.

private:
    bool banned(const Poco::Net::IPAddress& address, const std::string& who);
    /// Whether a ban covers address; if so counted, and logged (as who) at
    /// most once a second.
    bool overPerAddress(const Poco::Net::IPAddress& address, int open, const std::string& who);
    /// Under _mutex: address has limits.connectionsPerAddress open already
    /// and is no trusted proxy; if so counted, and logged (as who) at most
    /// once a second.
    void refuse(const Poco::Net::StreamSocket& socket, Refused kind, const std::string& why) const;

    const int _maxThreads;
    const int _perAddress;
    Counters _counters;
    Refusal _refusal;
    Poco::Logger& _logger;
    const AddressBans* _bans;
    const TrustedProxies* _proxies;
    std::mutex _mutex;
    std::unordered_map<std::string, int> _open; ///< open connections per address

    struct Throttle
    /// At most a log line a second per kind of refusal: under a flood the
    /// acceptor must not spend its time logging.
    {
        Poco::Timestamp last{0};
        int count = 0;

        int due()
        /// Counts one refusal. When a line is due, returns the refusals
        /// since the last one (this one included), else 0.
        {
            ++count;
            if (!last.isElapsed(1000000))
                return 0;
            last.update();
            return std::exchange(count, 0);
        }
    };
    Throttle _busyLog, _perAddressLog, _bannedLog;

    struct Holders
    {
        std::string address;
        int count;
        Poco::Net::IPAddress client; ///< forwardedFor()'s; the wildcard address until then
    };
    /// By the socket's implementation, which lives as long as any holder
    /// keeps a copy of the socket, so the key is never reused meanwhile.
    std::unordered_map<const Poco::Net::SocketImpl*, Holders> _holders;
};

} // namespace hchat
