#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace hchat
{

class HeadWatch
/// The total deadline of a request head (http.requestTimeout): the socket's
/// receive timeout bounds each read only, so a client dripping one byte
/// every few seconds would hold a thread for ever. Each HTTP connection
/// has a Clock it starts when a head begins and stops when the head is
/// read; once a second one thread shuts the reading side of every
/// connection whose clock has run longer than the deadline, which ends the
/// blocked read, and marks the clock expired so the connection answers 408.
/// Thread-safe.
{
public:
    class Clock
    /// One connection's head clock. start() and stop() are called by the
    /// connection's thread only; expired() after stop().
    {
    public:
        explicit Clock(const Poco::Net::StreamSocket& socket);

        void start();
        void stop();
        bool expired() const { return _expired.load(std::memory_order_acquire); }

    private:
        friend class HeadWatch;
        Poco::Net::StreamSocket _socket;
        std::atomic<std::int64_t> _since{0}; ///< steady ms; 0: not reading a head
        std::atomic<bool> _expired{false};
    };

    explicit HeadWatch(int seconds);
    ~HeadWatch();
    HeadWatch(const HeadWatch&) = delete;
    HeadWatch& operator=(const HeadWatch&) = delete;

    void add(Clock& clock);
    void remove(Clock& clock);
    /// A connection's clock, watched from add() until remove().

    void start();
    void stop();
    /// The sweeping thread. stop() waits for it; the destructor stops too.

    std::size_t sweep(std::int64_t nowMs);
    /// Expires each clock that has run longer than the deadline at nowMs;
    /// returns how many. Called by the thread once a second.

    static std::int64_t nowMs();

private:
    void run();

    const std::int64_t _limitMs;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::unordered_set<Clock*> _clocks;
    std::thread _thread;
};

} // namespace hchat
