#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace hchat::load
{

class Fanout
/// One fan-out measurement (make bench, issue 6): `subscribers` connections
/// to one room or channel over one transport, then `messages` messages
/// published at `rate` per second, each carrying its send time; every
/// subscriber's deliveries are checked (each message once) and timed.
/// One thread, epoll, non-blocking sockets, so 10,000 subscribers cost the
/// generator little and do not disturb what is measured. The publisher is a
/// second thread with one keep-alive connection.
///
/// Servers: "hchatd" (GET /msg/<room>/<n>, /events/<room>?from=0,
/// /ws/<room>?from=0; POST /send/<room>) and "nchan" (GET /sub/<channel>
/// as long poll, EventSource or WebSocket; POST /pub/<channel>).
/// With serverPid, the server's CPU time during publishing and its RSS are
/// read from /proc.
{
public:
    struct Options
    {
        std::string server = "hchatd";
        std::string transport = "ws"; ///< longpoll, sse, ws
        int port = 0;
        std::string room;
        int subscribers = 100;
        int messages = 100;
        double rate = 10;
        int payloadBytes = 100;
        int serverPid = 0;
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
        double connectSeconds = 0;
        double ackP50Ms = 0, ackMaxMs = 0; ///< publishing: request sent to answer read
    };

    explicit Fanout(Options options) : _options(std::move(options)) {}

    Result run();

private:
    struct Subscriber;

    void request(Subscriber& s);
    void onReadable(Subscriber& s, Result& result);
    void scan(Subscriber& s, const char* data, std::size_t size, Result& result);
    bool takeResponse(Subscriber& s, Result& result);
    void publish(std::atomic<bool>& done);

    Options _options;
    std::vector<float> _latencies;
    std::vector<float> _acks; ///< written by the publishing thread, read after it ends
};

} // namespace hchat::load
