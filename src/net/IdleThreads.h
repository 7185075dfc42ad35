#pragma once

#include <Poco/Timer.h>

#include <functional>

namespace hchat
{

class IdleThreads
/// Ends a server's idle connection threads now and then. POCO's ThreadPool
/// looks for idle threads only when it starts one, so the threads a crowd
/// brought would otherwise stay for good once it left or went quiet, each
/// with its stack and heap caches. The pools are made with idleSeconds as
/// their idle time; collect runs every few seconds on a timer thread
/// between start() and stop().
{
public:
    static constexpr int idleSeconds = 10;

    explicit IdleThreads(std::function<void()> collect, long everyMs = 5000);
    /// collect: calls Poco::ThreadPool::collect() on the server's pools.

    void start();
    void stop();
    /// Waits for a collection under way; none runs after it.

private:
    void tick(Poco::Timer&);

    std::function<void()> _collect;
    Poco::Timer _timer;
};

} // namespace hchat
