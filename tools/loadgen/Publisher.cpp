#include "Publisher.h"

#include "HttpResponseReader.h"
#include "Socket.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <sys/epoll.h>
#include <unistd.h>

namespace hchat::load
{

namespace
{

using Clock = std::chrono::steady_clock;

struct Connection
{
    int fd = -1;
    std::size_t room = 0;
    std::string request;
    std::size_t written = 0;
    Clock::time_point sentAt;
    HttpResponseReader reader;
    long sequence = 0;
    bool watchingOut = false; ///< EPOLLOUT is registered: a request is partly written
};

double percentile(std::vector<double>& values, double p)
{
    if (values.empty())
        return 0;
    auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

} // namespace

Publisher::Result Publisher::run()
{
    if (_options.rooms.empty())
        throw std::runtime_error("publish needs at least one room");
    int epoll = epoll_create1(0);
    std::vector<std::unique_ptr<Connection>> connections;
    const std::string padding(_options.bodyBytes, 'x');

    auto prepare = [&](Connection& c)
    {
        std::string body =
            "bench " + std::to_string(c.fd) + " " + std::to_string(c.sequence++) + " " + padding;
        body.resize(_options.bodyBytes);
        c.request =
            "POST /send/" + _options.rooms[c.room] + " HTTP/1.1\r\nHost: " + _options.host +
            "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + body;
        c.written = 0;
        c.sentAt = Clock::now();
    };
    auto watch = [&](Connection& c, bool out)
    {
        // Level-triggered EPOLLOUT fires for as long as the socket is
        // writable, so it is only registered while a request is unfinished.
        if (c.watchingOut == out)
            return;
        epoll_event ev{};
        ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
        ev.data.ptr = &c;
        epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &ev);
        c.watchingOut = out;
    };
    auto flush = [&](Connection& c)
    {
        while (c.written < c.request.size())
        {
            ssize_t w = ::write(c.fd, c.request.data() + c.written, c.request.size() - c.written);
            if (w < 0)
            {
                if (errno == EAGAIN)
                    break;
                return false;
            }
            c.written += static_cast<std::size_t>(w);
        }
        watch(c, c.written < c.request.size());
        return true;
    };
    auto open = [&](Connection& c)
    {
        c.fd = Socket::connectTo(_options.host, _options.port);
        c.reader.clear();
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT; // the first EPOLLOUT says the connection is up
        ev.data.ptr = &c;
        epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &ev);
        c.watchingOut = true;
        prepare(c);
    };
    for (int i = 0; i < _options.connections; ++i)
    {
        connections.push_back(std::make_unique<Connection>());
        connections.back()->room = static_cast<std::size_t>(i) % _options.rooms.size();
        open(*connections.back());
    }

    Result result;
    std::vector<double> latencies;
    const auto start = Clock::now();
    const auto measureFrom = start + std::chrono::seconds(1);
    const auto end =
        measureFrom + std::chrono::microseconds(static_cast<long>(_options.seconds * 1e6));
    std::vector<epoll_event> events(256);
    char buffer[65536];
    while (Clock::now() < end)
    {
        int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 100);
        for (int i = 0; i < n; ++i)
        {
            auto& c = *static_cast<Connection*>(events[i].data.ptr);
            bool broken = (events[i].events & (EPOLLERR | EPOLLHUP)) != 0;
            if (!broken && (events[i].events & EPOLLOUT))
                broken = !flush(c);
            if (!broken && (events[i].events & EPOLLIN))
            {
                ssize_t r = ::read(c.fd, buffer, sizeof buffer);
                if (r <= 0 && !(r < 0 && errno == EAGAIN))
                    broken = true;
                else if (r > 0)
                {
                    c.reader.feed(buffer, static_cast<std::size_t>(r));
                    int status = 0;
                    std::string body;
                    while (c.reader.next(status, body))
                    {
                        auto now = Clock::now();
                        if (status == 200)
                            ++result.acknowledgedAll;
                        if (now >= measureFrom && now < end)
                        {
                            if (status == 200)
                            {
                                ++result.acknowledged;
                                latencies.push_back(
                                    std::chrono::duration<double, std::milli>(now - c.sentAt)
                                        .count());
                            }
                            else
                                ++result.refused;
                        }
                        prepare(c);
                        if (!flush(c))
                            broken = true;
                    }
                }
            }
            if (broken)
            {
                epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                ::close(c.fd);
                ++result.reconnects;
                open(c);
            }
        }
    }
    for (auto& c : connections)
        ::close(c->fd);
    ::close(epoll);
    result.seconds = _options.seconds;
    result.p50Ms = percentile(latencies, 0.50);
    result.p99Ms = percentile(latencies, 0.99);
    return result;
}

} // namespace hchat::load
