#include "http/HeadWatch.h"

#include <chrono>

namespace hchat
{

HeadWatch::Clock::Clock(const Poco::Net::StreamSocket& socket) : _socket(socket) {}

void HeadWatch::Clock::start()
{
    _since.store(HeadWatch::nowMs(), std::memory_order_release);
}

void HeadWatch::Clock::stop()
{
    _since.store(0, std::memory_order_release);
}

HeadWatch::HeadWatch(int seconds) : _limitMs(static_cast<std::int64_t>(seconds) * 1000) {}

HeadWatch::~HeadWatch()
{
    stop();
}

void HeadWatch::add(Clock& clock)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _clocks.insert(&clock);
}

void HeadWatch::remove(Clock& clock)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _clocks.erase(&clock);
}

void HeadWatch::start()
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_thread.joinable())
        _thread = std::thread([this] { run(); });
}

void HeadWatch::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable() && _thread.get_id() != std::this_thread::get_id())
        _thread.join();
}

std::size_t HeadWatch::sweep(std::int64_t nowMs)
{
    std::size_t expired = 0;
    std::lock_guard<std::mutex> lock(_mutex);
    for (Clock* clock : _clocks)
    {
        const std::int64_t since = clock->_since.load(std::memory_order_acquire);
        if (since == 0 || nowMs - since <= _limitMs || clock->_expired.load())
            continue;
        clock->_expired.store(true, std::memory_order_release);
        try
        {
            clock->_socket.shutdownReceive();
        }
        catch (const Poco::Exception&)
        {
            // Closed meanwhile: its read has ended anyway.
        }
        ++expired;
    }
    return expired;
}

std::int64_t HeadWatch::nowMs()
{
    using namespace std::chrono;
    // Never 0, which means "not reading a head".
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count() + 1;
}

void HeadWatch::run()
{
    std::unique_lock<std::mutex> lock(_mutex);
    while (!_stopping)
    {
        _wake.wait_for(lock, std::chrono::seconds(1));
        if (_stopping)
            break;
        lock.unlock();
        sweep(nowMs());
        lock.lock();
    }
}

} // namespace hchat
