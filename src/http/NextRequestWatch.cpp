#include "http/NextRequestWatch.h"

#include "http/BatchScheduling.h"

#include <Poco/Exception.h>

#include <cerrno>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

namespace hchat
{

namespace
{
constexpr std::uint32_t watched = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
} // namespace

NextRequestWatch::NextRequestWatch()
{
    _epoll = ::epoll_create1(EPOLL_CLOEXEC);
    _wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = 0;
    if (_epoll < 0 || _wake < 0 || ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wake, &event) != 0)
    {
        const int error = errno;
        if (_wake >= 0)
            ::close(_wake);
        if (_epoll >= 0)
            ::close(_epoll);
        throw Poco::SystemException("cannot watch kept-alive long polls", error);
    }
}

NextRequestWatch::~NextRequestWatch()
{
    stop();
    ::close(_wake);
    ::close(_epoll);
}

void NextRequestWatch::start()
{
    if (!_thread.joinable())
        _thread = std::thread([this] { run(); });
}

void NextRequestWatch::stop()
{
    _stopping.store(true);
    const std::uint64_t one = 1;
    if (::write(_wake, &one, sizeof one) < 0)
    {
        // The counter is full: the thread is being woken already.
    }
    if (_thread.joinable())
        _thread.join();
}

std::uint64_t NextRequestWatch::add(int socket, std::weak_ptr<Watcher> watcher)
{
    std::lock_guard<std::mutex> lock(_mutex);
    const std::uint64_t id = _nextId++;
    epoll_event event{};
    event.events = watched;
    event.data.u64 = id;
    if (::epoll_ctl(_epoll, EPOLL_CTL_ADD, socket, &event) != 0)
        return 0;
    _watchers.emplace(id, std::move(watcher));
    return id;
}

void NextRequestWatch::rearm(int socket, std::uint64_t id)
{
    epoll_event event{};
    event.events = watched;
    event.data.u64 = id;
    ::epoll_ctl(_epoll, EPOLL_CTL_MOD, socket, &event); // removed meanwhile: ENOENT, nothing to do
}

void NextRequestWatch::remove(int socket, std::uint64_t id)
{
    std::lock_guard<std::mutex> lock(_mutex);
    ::epoll_ctl(_epoll, EPOLL_CTL_DEL, socket, nullptr);
    _watchers.erase(id);
}

void NextRequestWatch::run()
{
    const BatchScheduling batch;
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10); // a share, not nothing
    epoll_event events[64];
    while (!_stopping.load())
    {
        const int ready = ::epoll_wait(_epoll, events, 64, -1);
        for (int i = 0; i < ready; ++i)
        {
            std::shared_ptr<Watcher> watcher;
            {
                std::lock_guard<std::mutex> lock(_mutex);
                auto found = _watchers.find(events[i].data.u64);
                if (found != _watchers.end())
                    watcher = found->second.lock();
            }
            if (watcher)
                watcher->readable();
        }
    }
}

} // namespace hchat
