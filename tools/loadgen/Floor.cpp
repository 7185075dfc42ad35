#include "Floor.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <pthread.h>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace hchat::load
{

namespace
{

const int deliveries = 30000;
const int commits = 2000;
const int frames = 5; // what a message to a room of its own writes with 1 KiB pages
const std::size_t frameHeader = 24;
const std::size_t page = 1024;

double threadSeconds()
{
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void onSignal(int) {}

// What reading the thread's CPU clock twice adds to a span measured with
// it (it is a system call, not free): subtracted from per-call spans.
double clockCost()
{
    const int n = 10000;
    double spent = 0;
    for (int i = 0; i < n; ++i)
    {
        const double start = threadSeconds();
        spent += threadSeconds() - start;
    }
    return spent / n;
}

// A thread waiting for deliveries as a stream thread does: poll() on its
// socket until signalled, then one write of 100 bytes to that socket.
struct Waiter
{
    std::atomic<bool> rung{false};
    std::atomic<bool> stop{false};
    std::atomic<int> done{0};
    std::atomic<pid_t> tid{0};
    int socket[2] = {-1, -1}; // [0]: the waiter's, [1]: where its writes are read
    double seconds = 0;       // its CPU time up to its last delivery
    pthread_t thread{};

    static void* run(void* self)
    {
        Waiter& w = *static_cast<Waiter*>(self);
        w.tid = static_cast<pid_t>(::syscall(SYS_gettid));
        char frame[100] = {};
        const double start = threadSeconds();
        for (;;)
        {
            while (!w.rung.exchange(false))
            {
                pollfd p{w.socket[0], POLLIN, 0};
                ::poll(&p, 1, 60000);
            }
            if (w.stop)
                break;
            if (::write(w.socket[0], frame, sizeof frame) != sizeof frame)
                break;
            // Up to its last delivery: the wake that stops it is not one.
            w.seconds = threadSeconds() - start;
            ++w.done;
        }
        return nullptr;
    }

    void ring()
    {
        rung = true;
        ::syscall(SYS_tgkill, ::getpid(), tid.load(), SIGUSR1);
    }
};

void readAll(int fd, std::size_t bytes)
{
    char buffer[256];
    while (bytes > 0)
    {
        ssize_t n = ::read(fd, buffer, std::min(bytes, sizeof buffer));
        if (n <= 0)
            throw std::runtime_error("a socket pair failed");
        bytes -= static_cast<std::size_t>(n);
    }
}

// The poll an event loop makes and the write, by one thread: microseconds.
double measureInline()
{
    const double overhead = clockCost();
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
    char frame[100] = {};
    double spent = 0;
    for (int i = 0; i < deliveries; ++i)
    {
        const double start = threadSeconds();
        pollfd p{pair[0], POLLIN, 0};
        ::poll(&p, 1, 0);
        const bool written = ::write(pair[0], frame, sizeof frame) == sizeof frame;
        spent += threadSeconds() - start;
        if (!written)
        {
            ::close(pair[0]);
            ::close(pair[1]);
            throw std::runtime_error("a socket pair failed");
        }
        readAll(pair[1], sizeof frame);
    }
    ::close(pair[0]);
    ::close(pair[1]);
    return (spent / deliveries - overhead) * 1e6;
}

// A delivery by one of `threads` waiting threads, signalled: the signal
// and the woken thread's work, in microseconds.
double measureWoken(int threads)
{
    const double overhead = clockCost();
    struct sigaction action
    {
    };
    action.sa_handler = onSignal; // interrupts poll(); no SA_RESTART
    ::sigaction(SIGUSR1, &action, nullptr);
    std::vector<std::unique_ptr<Waiter>> waiters;
    pthread_attr_t attributes;
    ::pthread_attr_init(&attributes);
    ::pthread_attr_setstacksize(&attributes, 128 * 1024);
    auto stopAll = [&]
    {
        for (auto& w : waiters)
        {
            w->stop = true;
            w->ring();
        }
        double seconds = 0;
        for (auto& w : waiters)
        {
            ::pthread_join(w->thread, nullptr);
            seconds += w->seconds;
            ::close(w->socket[0]);
            ::close(w->socket[1]);
        }
        ::pthread_attr_destroy(&attributes);
        return seconds;
    };
    try
    {
        for (int i = 0; i < threads; ++i)
        {
            auto w = std::make_unique<Waiter>();
            if (::socketpair(AF_UNIX, SOCK_STREAM, 0, w->socket) != 0)
                throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
            if (::pthread_create(&w->thread, &attributes, &Waiter::run, w.get()) != 0)
            {
                ::close(w->socket[0]);
                ::close(w->socket[1]);
                throw std::runtime_error("cannot start thread " + std::to_string(i));
            }
            waiters.push_back(std::move(w));
        }
        for (auto& w : waiters)
            while (w->tid.load() == 0)
                std::this_thread::yield();
    }
    catch (...)
    {
        stopAll();
        throw;
    }
    // Woken: signal one waiter, wait until its write is in; the waker
    // sleeps meanwhile (its sleeps are not counted, only the signal).
    std::mt19937 random(17);
    double ringing = 0;
    for (int i = 0; i < deliveries; ++i)
    {
        Waiter& w = *waiters[random() % waiters.size()];
        const int before = w.done.load();
        const double start = threadSeconds();
        w.ring();
        ringing += threadSeconds() - start;
        while (w.done.load() == before)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        readAll(w.socket[1], 100);
    }
    const double woken = stopAll();
    // Each delivery's spans read the clock three times (two for the
    // signal, one by the waiter after its write): a pair and a half.
    return ((ringing + woken) / deliveries - 1.5 * overhead) * 1e6;
}

void measureCommits(const std::string& folder, long intervalUs, Floor::Result& r)
{
    std::string path = folder + "/floor-XXXXXX";
    int fd = ::mkstemp(path.data());
    if (fd < 0)
        throw std::runtime_error("cannot make a file in " + folder + ": " + std::strerror(errno));
    ::unlink(path.c_str());
    std::vector<char> header(frameHeader, 1), data(page, 2);
    // The WAL is rewritten from its start after each checkpoint: so here,
    // after the first 4 MiB, the file no longer grows.
    const off_t wrap = 4 << 20;
    off_t at = 0;
    auto commit = [&](bool sync)
    {
        for (int f = 0; f < frames; ++f)
        {
            if (::pwrite(fd, header.data(), header.size(), at) !=
                    static_cast<ssize_t>(header.size()) ||
                ::pwrite(fd, data.data(), data.size(), at + static_cast<off_t>(frameHeader)) !=
                    static_cast<ssize_t>(data.size()))
                throw std::runtime_error(std::string("write: ") + std::strerror(errno));
            at = (at + static_cast<off_t>(frameHeader + page)) % wrap;
        }
        if (sync && ::fdatasync(fd) != 0)
            throw std::runtime_error(std::string("fdatasync: ") + std::strerror(errno));
    };
    try
    {
        for (int i = 0;
             i < static_cast<int>(wrap / static_cast<off_t>(frames * (frameHeader + page))) + 1;
             ++i)
            commit(false);
        ::fdatasync(fd);
        for (bool sync : {false, true})
        {
            const double start = threadSeconds();
            for (int i = 0; i < commits; ++i)
                commit(sync);
            (sync ? r.commitUs : r.writesUs) = (threadSeconds() - start) / commits * 1e6;
        }
        // A commit now and then, as a writer thread that waits between
        // messages makes them: its sleep and wake-up count too.
        if (intervalUs > 0)
        {
            const int spaced = static_cast<int>(std::min<long>(commits, 1000000 / intervalUs + 1));
            const auto first = std::chrono::steady_clock::now();
            const double start = threadSeconds();
            for (int i = 0; i < spaced; ++i)
            {
                commit(true);
                std::this_thread::sleep_until(first +
                                              std::chrono::microseconds(intervalUs * (i + 1)));
            }
            r.spacedUs = (threadSeconds() - start) / spaced * 1e6;
        }
    }
    catch (...)
    {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

} // namespace

Floor::Result Floor::measure(int threads, const std::string& folder, long intervalUs)
{
    if (threads < 1)
        throw std::runtime_error("THREADS must be at least 1");
    Result r;
    r.threads = threads;
    r.frames = frames;
    r.inlineUs = measureInline();
    r.wokenAloneUs = measureWoken(1);
    r.wokenUs = measureWoken(threads);
    r.intervalUs = intervalUs;
    measureCommits(folder, intervalUs, r);
    return r;
}

} // namespace hchat::load
