#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace hchat
{

class NextRequestWatch
/// One thread that watches the sockets of answered kept-alive long polls
/// (epoll) for their clients' next requests. A poll's own thread sleeps
/// meanwhile: waking it for each request would cost more than reading and
/// answering the request, and in a busy room every poll asks again after
/// every message. A socket is reported once (its Watcher's readable(), on
/// this thread) until rearm(); readable() must not wait. The thread runs
/// under SCHED_BATCH at nice 10: while a publisher answers a room's polls,
/// the requests coming back ask for later messages and can wait for it.
/// Thread-safe.
{
public:
    class Watcher
    {
    public:
        virtual ~Watcher() = default;
        virtual void readable() noexcept = 0;
        /// The socket has input, or the client closed it or it broke.
    };

    NextRequestWatch();
    /// Throws Poco::SystemException when the kernel refuses an epoll set.
    ~NextRequestWatch();
    NextRequestWatch(const NextRequestWatch&) = delete;
    NextRequestWatch& operator=(const NextRequestWatch&) = delete;

    void start();
    void stop();
    /// The watching thread. stop() waits for it; the destructor stops too.

    std::uint64_t add(int socket, std::weak_ptr<Watcher> watcher);
    /// Watches the socket for the watcher; returns the id rearm() and
    /// remove() take, or 0 when the kernel refuses (the caller watches
    /// the socket itself then).
    void rearm(int socket, std::uint64_t id);
    /// Reports the socket once more.
    void remove(int socket, std::uint64_t id);
    /// No report starts after it returns; one under way may still finish
    /// (the watcher must then find nothing to do).

private:
    void run();

    int _epoll = -1;
    int _wake = -1; ///< an eventfd that stop() signals
    std::mutex _mutex;
    std::unordered_map<std::uint64_t, std::weak_ptr<Watcher>> _watchers; ///< by id
    std::uint64_t _nextId = 1;
    std::atomic<bool> _stopping{false};
    std::thread _thread;
};

} // namespace hchat
