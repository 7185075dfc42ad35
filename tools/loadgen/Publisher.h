#pragma once

#include <string>
#include <vector>

namespace hchat::load
{

class Publisher
/// Publish throughput: `connections` keep-alive connections, each sending
/// POST /send/<room> again as soon as the previous one is answered, spread
/// over `rooms` round-robin, for `seconds` (after one second of warm-up that
/// is not counted). One thread and epoll, so the load generator costs little
/// next to the server it measures. Targets one address (127.0.0.1 in make bench).
{
public:
    struct Options
    {
        std::string host = "127.0.0.1";
        int port = 1234;
        std::vector<std::string> rooms;
        int connections = 32;
        double seconds = 5;
        std::size_t bodyBytes = 100;
    };

    struct Result
    {
        long acknowledged = 0;    ///< 200 answers in the measured window
        long acknowledgedAll = 0; ///< 200 answers, warm-up included (for CPU per message)
        long refused = 0;         ///< other answers in the window
        long reconnects = 0;
        double seconds = 0;          ///< length of the measured window
        double p50Ms = 0, p99Ms = 0; ///< send-to-answer time of acknowledged messages
        double rate() const { return seconds > 0 ? acknowledged / seconds : 0; }
    };

    explicit Publisher(Options options) : _options(std::move(options)) {}

    Result run();

private:
    Options _options;
};

} // namespace hchat::load
