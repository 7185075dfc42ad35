#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace hchat
{

struct Metrics
/// Counters for GET /metrics, updated with relaxed atomics from every
/// thread. Gauges go up and down; totals only up.
{
    std::atomic<std::int64_t> httpConnections{
        0}; ///< gauge: open HTTP connections (streams that left the HTTP pool count in sseStreams
            ///< and webSockets)
    std::atomic<std::uint64_t> httpConnectionsTotal{0}; ///< accepted HTTP connections
    std::atomic<std::uint64_t> httpRefused{0}; ///< answered 503 at accept (all threads busy)
    std::atomic<std::uint64_t> httpRefusedPerAddress{0}; ///< closed: limits.connectionsPerAddress
    std::atomic<std::uint64_t> httpRequests{0};
    std::atomic<std::uint64_t> httpClientErrors{0}; ///< 4xx answers
    std::atomic<std::uint64_t> httpServerErrors{0}; ///< 5xx answers
    std::atomic<std::uint64_t> httpHeadTimeouts{0}; ///< heads not all in within requestTimeout
    std::atomic<std::int64_t> longPollWaiting{0};   ///< gauge: long polls waiting right now
    std::atomic<std::uint64_t> longPollTimeouts{0}; ///< long polls answered 204
    std::atomic<std::int64_t> sseStreams{0};        ///< gauge: open /events streams
    std::atomic<std::int64_t> webSockets{0};        ///< gauge: open /ws connections
    std::atomic<std::int64_t> lineSessions{0};      ///< gauge: open line-protocol connections
    std::atomic<std::uint64_t> lineConnectionsTotal{0};
    std::atomic<std::uint64_t> lineRefused{0}; ///< refused: threads busy or per-address limit
    std::atomic<std::int64_t> ircSessions{0};  ///< gauge: open IRC connections
    std::atomic<std::uint64_t> ircConnectionsTotal{0};
    std::atomic<std::uint64_t> ircRefused{0};     ///< refused: threads busy or per-address limit
    std::atomic<std::uint64_t> bannedRefused{0};  ///< connections of banned addresses refused
    std::atomic<std::uint64_t> controlRefused{0}; ///< control socket peers not allowed
    std::atomic<std::uint64_t> messagesAppended{0};
    std::atomic<std::uint64_t> privateMessages{0}; ///< delivered to someone online
    std::atomic<std::uint64_t> roomsCreated{0};
    std::atomic<std::uint64_t> slowClientsClosed{0}; ///< streams that stopped reading: closed
    std::atomic<std::uint64_t> rateLimited{0};   ///< actions refused by limits.messagesPerSecond
    std::atomic<std::uint64_t> tlsHandshakes{0}; ///< TLS handshakes completed
    std::atomic<std::uint64_t> tlsHandshakeFailures{0}; ///< failed, stalled or plain text
    std::atomic<std::uint64_t> tlsReloads{0};           ///< SIGHUP: pair loaded
    std::atomic<std::uint64_t> tlsReloadFailures{0};    ///< SIGHUP: pair refused, old one kept

    std::string render(std::size_t rooms) const;
    /// The Prometheus text exposition format (version 0.0.4).
};

} // namespace hchat
