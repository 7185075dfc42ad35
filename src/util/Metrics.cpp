#include "util/Metrics.h"

#include <sstream>

namespace hchat
{

namespace
{
template <typename T>
void metric(std::ostringstream& out, const char* name, const char* type, const char* help,
            const std::atomic<T>& value)
{
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value.load(std::memory_order_relaxed) << '\n';
}
} // namespace

std::string Metrics::render(std::size_t rooms) const
{
    std::ostringstream out;
    out << "# HELP hchatd_connections Open HTTP connections in the request pool (streams: "
           "hchatd_sse_streams, hchatd_websockets).\n"
           "# TYPE hchatd_connections gauge\n"
           "hchatd_connections{transport=\"http\"} "
        << httpConnections.load(std::memory_order_relaxed) << '\n';
    metric(out, "hchatd_http_connections_total", "counter", "Accepted HTTP connections.",
           httpConnectionsTotal);
    metric(out, "hchatd_http_refused_busy_total", "counter",
           "Connections answered 503 because every thread was busy.", httpRefused);
    metric(out, "hchatd_http_refused_per_address_total", "counter",
           "Connections closed by limits.connectionsPerAddress.", httpRefusedPerAddress);
    metric(out, "hchatd_http_requests_total", "counter", "HTTP requests handled.", httpRequests);
    metric(out, "hchatd_http_client_errors_total", "counter", "Requests answered 4xx.",
           httpClientErrors);
    metric(out, "hchatd_http_server_errors_total", "counter", "Requests answered 5xx.",
           httpServerErrors);
    metric(out, "hchatd_http_head_timeouts_total", "counter",
           "Requests answered 408 because their head took longer than http.requestTimeout.",
           httpHeadTimeouts);
    metric(out, "hchatd_longpoll_waiting", "gauge", "Long polls waiting for a message.",
           longPollWaiting);
    metric(out, "hchatd_longpoll_timeouts_total", "counter", "Long polls answered 204.",
           longPollTimeouts);
    metric(out, "hchatd_sse_streams", "gauge", "Open Server-Sent Events streams.", sseStreams);
    metric(out, "hchatd_websockets", "gauge", "Open WebSocket connections.", webSockets);
    metric(out, "hchatd_line_sessions", "gauge", "Open line-protocol (TCP) connections.",
           lineSessions);
    metric(out, "hchatd_line_connections_total", "counter",
           "Line-protocol connections accepted or refused.", lineConnectionsTotal);
    metric(out, "hchatd_line_refused_total", "counter",
           "Line-protocol connections refused (threads busy or limits.connectionsPerAddress).",
           lineRefused);
    metric(out, "hchatd_irc_sessions", "gauge", "Open IRC connections.", ircSessions);
    metric(out, "hchatd_irc_connections_total", "counter", "IRC connections accepted or refused.",
           ircConnectionsTotal);
    metric(out, "hchatd_irc_refused_total", "counter",
           "IRC connections refused (threads busy or limits.connectionsPerAddress).", ircRefused);
    metric(out, "hchatd_banned_refused_total", "counter",
           "Connections refused on any port because an address ban covers the client.",
           bannedRefused);
    metric(out, "hchatd_control_refused_total", "counter",
           "Control socket clients refused: neither root nor the daemon's user.", controlRefused);
    metric(out, "hchatd_messages_total", "counter", "Messages appended to room logs.",
           messagesAppended);
    metric(out, "hchatd_private_messages_total", "counter",
           "Private messages delivered to someone online.", privateMessages);
    metric(out, "hchatd_rooms_created_total", "counter", "Rooms created since start.",
           roomsCreated);
    metric(out, "hchatd_slow_clients_closed_total", "counter",
           "Streams (SSE, WebSocket, line) closed because the client stopped reading.",
           slowClientsClosed);
    metric(out, "hchatd_rate_limited_total", "counter", "Actions refused by the rate limit.",
           rateLimited);
    metric(out, "hchatd_tls_handshakes_total", "counter", "TLS handshakes completed.",
           tlsHandshakes);
    metric(out, "hchatd_tls_handshake_failures_total", "counter",
           "TLS handshakes that failed, stalled past http.requestTimeout or met plain text.",
           tlsHandshakeFailures);
    metric(out, "hchatd_tls_reloads_total", "counter",
           "Certificate and key pairs loaded again on SIGHUP.", tlsReloads);
    metric(out, "hchatd_tls_reload_failures_total", "counter",
           "SIGHUP reloads refused (the old pair kept).", tlsReloadFailures);
    out << "# HELP hchatd_rooms Rooms known to this daemon.\n# TYPE hchatd_rooms gauge\n"
        << "hchatd_rooms " << rooms << '\n';
    return out.str();
}

} // namespace hchat
