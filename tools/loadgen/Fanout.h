#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hchat::load
{

class Fanout
/// One fan-out measurement (make bench, issues 6 and 17): `subscribers`
/// connections to each of `rooms` (rooms or channels) over one transport,
/// then `messages` messages per room published at `rate` per second and
/// room, each carrying its send time; every subscriber's deliveries are
/// checked (each message once) and timed. One thread, epoll, non-blocking
/// sockets, so 10,000 subscribers cost the generator little and do not
/// disturb what is measured. The publishers are threads of their own, each
/// with one keep-alive connection, messages dealt to them in turn.
///
/// Servers: "hchatd" (GET /msg/<room>/<n>, /events/<room>?from=0,
/// /ws/<room>?from=0; POST /send/<room>) and "nchan" (GET /sub/<channel>
/// as long poll, EventSource or WebSocket; POST /pub/<channel>). Transport
/// "irc" (hchatd's irc.port, or ngircd): subscribers and publishers are IRC
/// clients in channel #<room> (s<k> and p<k>), messages PRIVMSGs.
/// With serverPids, the servers' CPU time during publishing and their RSS
/// are read from /proc and added up (several nodes and the Redis they
/// share). With more than one port, subscriber k connects to port k % n and
/// publisher p to port p % n (several nodes). With sources, connections come from several loopback
/// addresses, as a crowd would, so that a server's per-address limits
/// (hchatd's shipped defaults) see many people. With tls, the subscribers
/// connect over TLS (a full handshake each) and the publishers to the
/// plain publishPort.
{
public:
    struct Options
    {
        std::string server = "hchatd";
        std::string transport = "ws"; ///< longpoll, sse, ws, irc
        std::vector<int> ports;       ///< one server, or the nodes of one
        std::vector<std::string> rooms;
        int subscribers = 100; ///< per room; subscriber k joins room k % rooms
        int messages = 100;    ///< per room
        double rate = 10;      ///< messages per second, per room
        int payloadBytes = 100;
        std::vector<int> serverPids;
        int sources =
            0; ///< 0: all from 127.0.0.1; else subscriber k from 127.0.0.(2 + k % sources)
        int publishers = 1;  ///< publisher p connects from 127.0.1.(1 + p) when sources > 0
        int publishPort = 0; ///< with tls: the plain port the publishers use
        bool tls = false;    ///< subscribers speak TLS to port (HTTPS, WSS)
        int idleSeconds = 0; ///< held this long with nothing sent before rssIdleKiB is read
    };

    struct Result
    {
        long expected = 0;
        long delivered = 0;  ///< distinct (subscriber, message) deliveries
        long duplicates = 0; ///< deliveries of a message a subscriber had already
        int ready = 0;       ///< subscribers that were connected when publishing began
        double p50Ms = 0, p99Ms = 0, maxMs = 0;
        double serverCpuSeconds = 0; ///< while publishing and delivering
        long rssBeforeKiB = 0, rssHeldKiB = 0, peakRssKiB = 0;
        long rssIdleKiB = 0; ///< after idleSeconds more of holding them (rssHeldKiB if 0)
        double connectSeconds = 0;
        double ackP50Ms = 0, ackMaxMs = 0; ///< publishing: request sent to answer read
        long refused = 0; ///< publish requests not answered 2xx (a rate limit, say)
    };

    explicit Fanout(Options options) : _options(std::move(options)) {}

    Result run();

private:
    struct Subscriber;

    void request(Subscriber& s);
    bool send(Subscriber& s, const std::string& bytes);
    void onReadable(Subscriber& s, Result& result);
    void scan(Subscriber& s, const char* data, std::size_t size, Result& result);
    bool takeResponse(Subscriber& s, Result& result);
    void publish(int publisher, std::vector<float>& acks, long& refused);
    void publishIrc(int publisher, int fd);

    Options _options;
    std::vector<float> _latencies;
};

} // namespace hchat::load
