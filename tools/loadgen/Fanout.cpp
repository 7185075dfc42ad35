#include "Fanout.h"

#include "Socket.h"
#include "TlsClient.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <openssl/ssl.h>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace hchat::load
{

namespace
{
using Clock = std::chrono::steady_clock;

const char* const token = "BENCH|";
const std::size_t tokenSize = 6;
const int maxConnecting = 256; // connects in flight: stays under the listen backlog

double microsNow()
{
    return std::chrono::duration<double, std::micro>(Clock::now().time_since_epoch()).count();
}

long procStatusKiB(int pid, const std::string& field)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.compare(0, field.size(), field) == 0)
            return std::stol(line.substr(field.size() + 1));
    return 0;
}

template <typename Read> auto sumOver(const std::vector<int>& pids, Read read)
{
    decltype(read(0)) sum = 0;
    for (int pid : pids)
        sum += read(pid);
    return sum;
}

double procCpuSeconds(int pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::size_t close = text.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
        if (i == 14 || i == 15)
            ticks += std::stod(f); // utime, stime
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string header(const std::string& head, const std::string& name)
{
    std::string lower = head, key = "\r\n" + name + ":";
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    std::size_t at = lower.find(key);
    if (at == std::string::npos)
        return "";
    std::size_t start = at + key.size(), end = head.find("\r\n", start);
    std::string value = head.substr(start, end - start);
    value.erase(0, value.find_first_not_of(' '));
    return value;
}

int statusOf(const std::string& head)
{
    return head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
}

bool writeAll(int fd, const std::string& bytes)
{
    std::size_t sent = 0;
    while (sent < bytes.size())
    {
        ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
        {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
            continue;
        }
        if (n <= 0)
            return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}
} // namespace

struct Fanout::Subscriber
{
    int fd = -1;
    int index = 0;        ///< its number (IRC nicknames)
    SSL* ssl = nullptr;   ///< with Options::tls, once connected
    std::size_t room = 0; ///< index into Options::rooms
    enum class State
    {
        Connecting,
        Handshaking, ///< TLS

        Waiting,   ///< request sent, answer not yet
        Streaming, ///< SSE / WebSocket headers received
        Closed
    } state = State::Connecting;
    bool ready = false;
    std::string in;           ///< bytes not yet consumed
    bool chunked = false;     ///< SSE over chunked transfer encoding
    long chunkLeft = 0;       ///< bytes left in the current chunk (-1: reading its size)
    std::uint64_t nextId = 0; ///< hchatd long poll: the message asked for
    std::string lastModified; ///< nchan long poll position
    std::string etag;
    std::string chunkPending; ///< chunked bytes not yet decoded
    std::vector<std::uint8_t> got;
};

void Fanout::request(Subscriber& s)
{
    const Options& o = _options;
    if (o.transport == "irc")
    {
        // Registered and in the channel (ready) once the names list ends.
        const std::string nick = "s" + std::to_string(s.index);
        if (!send(s, "NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\nJOIN #" +
                         o.rooms[s.room] + "\r\n"))
            s.state = Subscriber::State::Closed;
        else
            s.state = Subscriber::State::Streaming;
        return;
    }
    const bool nchan = o.server == "nchan";
    const std::string& room = o.rooms[s.room];
    const std::string path =
        nchan ? "/sub/" + room
              : (o.transport == "longpoll" ? "/msg/" + room + "/" + std::to_string(s.nextId)
                 : o.transport == "sse"    ? "/events/" + room + "?from=0"
                                           : "/ws/" + room + "?from=0");
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (o.transport == "sse")
        req += "Accept: text/event-stream\r\n";
    else if (o.transport == "ws")
        req += "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    else if (nchan && !s.lastModified.empty())
        req += "If-Modified-Since: " + s.lastModified + "\r\nIf-None-Match: " + s.etag + "\r\n";
    req += "\r\n";
    if (!send(s, req))
        s.state = Subscriber::State::Closed;
    else if (s.state != Subscriber::State::Streaming)
        s.state = Subscriber::State::Waiting;
    if (o.transport == "longpoll")
        s.ready = true; // the server holds the request from here on
}

bool Fanout::send(Subscriber& s, const std::string& bytes)
{
    return s.ssl ? TlsClient::writeAll(s.ssl, bytes) : writeAll(s.fd, bytes);
}

void Fanout::scan(Subscriber& s, const char* data, std::size_t size, Result& result)
{
    // Tokens "BENCH|<n>|<micros>|" are found in the bytes whatever frames
    // them (SSE data lines, WebSocket frames, long-poll bodies).
    std::string& buffer = s.in;
    buffer.append(data, size);
    std::size_t pos = 0, keepFrom = std::string::npos;
    for (;;)
    {
        std::size_t at = buffer.find(token, pos);
        if (at == std::string::npos)
            break;
        std::size_t bar1 = buffer.find('|', at + tokenSize);
        std::size_t bar2 = bar1 == std::string::npos ? bar1 : buffer.find('|', bar1 + 1);
        if (bar2 == std::string::npos)
        {
            keepFrom = at;
            break;
        }
        long n = std::atol(buffer.c_str() + at + tokenSize);
        double sent = std::atof(buffer.c_str() + bar1 + 1);
        if (n >= 0 && n < static_cast<long>(s.got.size()))
        {
            if (s.got[static_cast<std::size_t>(n)]++)
                ++result.duplicates;
            else
            {
                ++result.delivered;
                _latencies.push_back(static_cast<float>((microsNow() - sent) / 1000.0));
            }
        }
        pos = bar2 + 1;
    }
    if (keepFrom != std::string::npos)
        buffer.erase(0, keepFrom);
    else
        buffer.erase(0, std::max(pos, buffer.size() > tokenSize ? buffer.size() - tokenSize : 0));
}

bool Fanout::takeResponse(Subscriber& s, Result& result)
{
    // Long poll: one whole response (Content-Length), then the next request.
    std::size_t end = s.in.find("\r\n\r\n");
    if (end == std::string::npos)
        return false;
    std::string head = s.in.substr(0, end + 2);
    std::size_t length =
        static_cast<std::size_t>(std::atol(header(head, "Content-Length").c_str()));
    if (s.in.size() < end + 4 + length)
        return false;
    std::string body = s.in.substr(end + 4, length);
    s.in.erase(0, end + 4 + length);
    int status = statusOf(head);
    if (status == 200)
    {
        std::string keep;
        keep.swap(s.in);
        scan(s, body.data(), body.size(), result);
        s.in.swap(keep);
        ++s.nextId;
        if (_options.server == "nchan")
        {
            s.lastModified = header(head, "Last-Modified");
            s.etag = header(head, "Etag");
        }
    }
    request(s);
    return true;
}

void Fanout::onReadable(Subscriber& s, Result& result)
{
    char buffer[65536];
    for (;;)
    {
        ssize_t n = s.ssl ? TlsClient::read(s.ssl, buffer, sizeof buffer)
                          : ::recv(s.fd, buffer, sizeof buffer, 0);
        if (n == 0 || (n < 0 && !s.ssl && errno != EAGAIN && errno != EINTR))
        {
            s.state = Subscriber::State::Closed;
            return;
        }
        if (n < 0)
            return;
        if (_options.transport == "irc")
        {
            const std::string_view got(buffer, static_cast<std::size_t>(n));
            if (!s.ready && got.find(" 366 ") != std::string_view::npos)
                s.ready = true;
            if (got.find("PING ") != std::string_view::npos && !send(s, "PONG :bench\r\n"))
            {
                s.state = Subscriber::State::Closed;
                return;
            }
            scan(s, buffer, static_cast<std::size_t>(n), result);
            continue;
        }
        if (_options.transport == "longpoll")
        {
            s.in.append(buffer, static_cast<std::size_t>(n));
            while (s.state != Subscriber::State::Closed && takeResponse(s, result))
            {
            }
            continue;
        }
        const char* data = buffer;
        std::size_t size = static_cast<std::size_t>(n);
        std::string decoded;
        if (s.state == Subscriber::State::Waiting)
        {
            s.in.append(data, size);
            std::size_t end = s.in.find("\r\n\r\n");
            if (end == std::string::npos)
                continue;
            std::string head = s.in.substr(0, end + 2);
            int status = statusOf(head);
            if (status != 200 && status != 101)
            {
                s.state = Subscriber::State::Closed;
                return;
            }
            s.chunked = header(head, "Transfer-Encoding").find("chunked") != std::string::npos;
            s.chunkLeft = -1;
            s.state = Subscriber::State::Streaming;
            s.ready = true;
            decoded = s.in.substr(end + 4);
            s.in.clear();
            data = decoded.data();
            size = decoded.size();
        }
        if (s.chunked)
        {
            // Undo chunked transfer encoding first: a chunk boundary may
            // fall inside a message.
            std::string plain;
            std::size_t i = 0;
            std::string& pending = s.chunkPending;
            pending.append(data, size);
            while (i < pending.size())
            {
                if (s.chunkLeft < 0)
                {
                    std::size_t eol = pending.find("\r\n", i);
                    if (eol == std::string::npos)
                        break;
                    s.chunkLeft = std::strtol(pending.c_str() + i, nullptr, 16) + 2; // + CRLF
                    i = eol + 2;
                    continue;
                }
                std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(s.chunkLeft),
                                                         pending.size() - i);
                plain.append(pending, i, take);
                i += take;
                s.chunkLeft -= static_cast<long>(take);
                if (s.chunkLeft == 0)
                    s.chunkLeft = -1;
            }
            pending.erase(0, i);
            scan(s, plain.data(), plain.size(), result);
        }
        else
            scan(s, data, size, result);
    }
}

void Fanout::publish(int publisher, std::vector<float>& acks, long& refused)
{
    // Message i of room r is the k-th of all, k = i * rooms + r, sent at
    // k / (rooms * rate) s; publisher p sends those with k % publishers = p.
    const Options& o = _options;
    const long rooms = static_cast<long>(o.rooms.size());
    const long total = rooms * o.messages;
    int fd = Socket::connectTo("127.0.0.1",
                               o.publishPort
                                   ? o.publishPort
                                   : o.ports[static_cast<std::size_t>(publisher) % o.ports.size()],
                               o.sources ? "127.0.1." + std::to_string(1 + publisher) : "");
    // Blocking from here: one keep-alive connection, one request at a time.
    int flags = 0;
    ::ioctl(fd, FIONBIO, &flags);
    if (o.transport == "irc")
        return publishIrc(publisher, fd);
    auto start = Clock::now();
    std::string in;
    char buffer[4096];
    for (long k = publisher; k < total; k += o.publishers)
    {
        const long i = k / rooms;
        const std::string& room = o.rooms[static_cast<std::size_t>(k % rooms)];
        std::this_thread::sleep_until(
            start + std::chrono::microseconds(static_cast<long>(k * 1e6 / (o.rate * rooms))));
        char stamp[64];
        std::snprintf(stamp, sizeof stamp, "%s%ld|%.0f|", token, i, microsNow());
        std::string body(stamp);
        if (static_cast<int>(body.size()) < o.payloadBytes)
            body.append(static_cast<std::size_t>(o.payloadBytes) - body.size(), 'x');
        const std::string path = (o.server == "nchan" ? "/pub/" : "/send/") + room;
        std::string req = "POST " + path +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: text/plain\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
        const double sentAt = microsNow();
        if (!writeAll(fd, req))
            break;
        // Read the whole answer before the next request.
        for (;;)
        {
            std::size_t end = in.find("\r\n\r\n");
            if (end != std::string::npos)
            {
                const std::string head = in.substr(0, end + 2);
                std::size_t length =
                    static_cast<std::size_t>(std::atol(header(head, "Content-Length").c_str()));
                if (in.size() >= end + 4 + length)
                {
                    in.erase(0, end + 4 + length);
                    acks.push_back(static_cast<float>((microsNow() - sentAt) / 1000.0));
                    if (statusOf(head) / 100 != 2)
                        ++refused;
                    break;
                }
            }
            ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
            {
                ::close(fd);
                return;
            }
            in.append(buffer, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
}

void Fanout::publishIrc(int publisher, int fd)
{
    // An IRC client in every channel: PRIVMSG needs no answer, so none is
    // timed; what the server sends it is read and dropped between messages.
    const Options& o = _options;
    const long rooms = static_cast<long>(o.rooms.size());
    const long total = rooms * o.messages;
    const std::string nick = "p" + std::to_string(publisher);
    std::string hello = "NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n";
    for (const std::string& room : o.rooms)
        hello += "JOIN #" + room + "\r\n";
    if (!writeAll(fd, hello))
    {
        ::close(fd);
        return;
    }
    std::string in;
    char buffer[65536];
    long joined = 0;
    while (joined < rooms)
    {
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
        {
            ::close(fd);
            return;
        }
        in.append(buffer, static_cast<std::size_t>(n));
        for (std::size_t at = in.find(" 366 "); at != std::string::npos;
             at = in.find(" 366 ", at + 5))
            ++joined;
        in.erase(0, in.size() > 4 ? in.size() - 4 : 0);
    }
    int nonBlocking = 1;
    ::ioctl(fd, FIONBIO, &nonBlocking);
    auto start = Clock::now();
    for (long k = publisher; k < total; k += o.publishers)
    {
        const long i = k / rooms;
        const std::string& room = o.rooms[static_cast<std::size_t>(k % rooms)];
        std::this_thread::sleep_until(
            start + std::chrono::microseconds(static_cast<long>(k * 1e6 / (o.rate * rooms))));
        while (::recv(fd, buffer, sizeof buffer, 0) > 0)
        {
        }
        char stamp[64];
        std::snprintf(stamp, sizeof stamp, "%s%ld|%.0f|", token, i, microsNow());
        std::string text(stamp);
        if (static_cast<int>(text.size()) < o.payloadBytes)
            text.append(static_cast<std::size_t>(o.payloadBytes) - text.size(), 'x');
        const std::string line = "PRIVMSG #" + room + " :" + text + "\r\n";
        std::size_t sent = 0;
        while (sent < line.size())
        {
            ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
            {
                ::close(fd);
                return;
            }
            if (n > 0)
                sent += static_cast<std::size_t>(n);
        }
    }
    // The last messages are delivered before the publisher leaves.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    ::close(fd);
}

Fanout::Result Fanout::run()
{
    Options& o = _options;
    Result result;
    const int everyone = o.subscribers * static_cast<int>(o.rooms.size());
    result.expected = static_cast<long>(everyone) * o.messages;
    result.rssBeforeKiB =
        sumOver(o.serverPids, [](int pid) { return procStatusKiB(pid, "VmRSS"); });

    int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    std::unique_ptr<TlsClient> tls(o.tls ? new TlsClient : nullptr);
    std::vector<Subscriber> subs(static_cast<std::size_t>(everyone));
    int created = 0, connecting = 0;
    auto connectStart = Clock::now();
    epoll_event events[1024];

    auto pump = [&](int timeoutMs)
    {
        int n = ::epoll_wait(epoll, events, 1024, timeoutMs);
        for (int i = 0; i < n; ++i)
        {
            Subscriber& s = subs[events[i].data.u32];
            if (s.state == Subscriber::State::Connecting)
            {
                int error = 0;
                socklen_t len = sizeof error;
                ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &len);
                --connecting;
                if (error)
                {
                    s.state = Subscriber::State::Closed;
                    continue;
                }
                if (tls)
                {
                    s.ssl = tls->attach(s.fd);
                    s.state = Subscriber::State::Handshaking;
                }
            }
            if (s.state == Subscriber::State::Handshaking ||
                s.state == Subscriber::State::Connecting)
            {
                const TlsClient::Step step =
                    s.ssl ? TlsClient::handshake(s.ssl) : TlsClient::Step::Done;
                if (step == TlsClient::Step::Failed)
                {
                    s.state = Subscriber::State::Closed;
                    ::epoll_ctl(epoll, EPOLL_CTL_DEL, s.fd, nullptr);
                    continue;
                }
                epoll_event ev{};
                ev.events = step == TlsClient::Step::WantWrite ? EPOLLIN | EPOLLOUT : EPOLLIN;
                ev.data.u32 = events[i].data.u32;
                ::epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &ev);
                if (step == TlsClient::Step::Done)
                    request(s);
                continue;
            }
            if (s.state != Subscriber::State::Closed && (events[i].events & (EPOLLIN | EPOLLHUP)))
                onReadable(s, result);
            if (s.state == Subscriber::State::Closed)
                ::epoll_ctl(epoll, EPOLL_CTL_DEL, s.fd, nullptr);
        }
    };

    // Connect everyone, a few hundred at a time, and wait until subscribed.
    auto deadline = Clock::now() + std::chrono::seconds(60);
    auto countReady = [&]
    {
        int ready = 0;
        for (const auto& s : subs)
            ready += s.ready && s.state != Subscriber::State::Closed;
        return ready;
    };
    while (Clock::now() < deadline)
    {
        while (created < everyone && connecting < maxConnecting)
        {
            Subscriber& s = subs[static_cast<std::size_t>(created)];
            s.index = created;
            s.room = static_cast<std::size_t>(created) % o.rooms.size();
            s.got.assign(static_cast<std::size_t>(o.messages), 0);
            s.fd = Socket::connectTo(
                "127.0.0.1", o.ports[static_cast<std::size_t>(created) % o.ports.size()],
                o.sources ? "127.0.0." + std::to_string(2 + created % o.sources) : "");
            epoll_event ev{};
            ev.events = EPOLLOUT | EPOLLIN;
            ev.data.u32 = static_cast<std::uint32_t>(created);
            ::epoll_ctl(epoll, EPOLL_CTL_ADD, s.fd, &ev);
            ++created;
            ++connecting;
        }
        pump(10);
        if (created == everyone && connecting == 0 && countReady() == everyone)
            break;
    }
    result.connectSeconds = std::chrono::duration<double>(Clock::now() - connectStart).count();
    // Settle: long polls reach the server's wait, streams finish their start.
    auto settle = Clock::now() + std::chrono::seconds(1);
    while (Clock::now() < settle)
        pump(50);
    result.ready = countReady();
    result.rssHeldKiB = sumOver(o.serverPids, [](int pid) { return procStatusKiB(pid, "VmRSS"); });
    // Idle: held with nothing to deliver, as most connections are most of
    // the time (a server may give memory back when they go quiet).
    const auto idleUntil = Clock::now() + std::chrono::seconds(o.idleSeconds);
    while (Clock::now() < idleUntil)
        pump(50);
    result.rssIdleKiB = o.idleSeconds > 0 ? sumOver(o.serverPids, [](int pid)
                                                    { return procStatusKiB(pid, "VmRSS"); })
                                          : result.rssHeldKiB;

    const double cpuBefore = sumOver(o.serverPids, procCpuSeconds);
    std::atomic<int> publishing{o.publishers};
    std::vector<std::vector<float>> acks(static_cast<std::size_t>(o.publishers));
    std::vector<long> refused(static_cast<std::size_t>(o.publishers), 0);
    std::vector<std::thread> publishers;
    for (int p = 0; p < o.publishers; ++p)
        publishers.emplace_back(
            [&, p]
            {
                publish(p, acks[static_cast<std::size_t>(p)], refused[static_cast<std::size_t>(p)]);
                --publishing;
            });
    _latencies.reserve(static_cast<std::size_t>(result.expected));
    // Until every delivery is in, or 5 s after the last message was sent.
    Clock::time_point doneAt{};
    for (;;)
    {
        pump(20);
        if (result.delivered >= result.expected)
            break;
        if (publishing == 0 && doneAt == Clock::time_point{})
            doneAt = Clock::now();
        if (doneAt != Clock::time_point{} && Clock::now() - doneAt > std::chrono::seconds(5))
            break;
    }
    for (auto& publisher : publishers)
        publisher.join();
    std::vector<float> allAcks;
    for (int p = 0; p < o.publishers; ++p)
    {
        allAcks.insert(allAcks.end(), acks[static_cast<std::size_t>(p)].begin(),
                       acks[static_cast<std::size_t>(p)].end());
        result.refused += refused[static_cast<std::size_t>(p)];
    }
    result.serverCpuSeconds = sumOver(o.serverPids, procCpuSeconds) - cpuBefore;
    result.peakRssKiB = sumOver(o.serverPids, [](int pid) { return procStatusKiB(pid, "VmHWM"); });
    for (auto& s : subs)
    {
        if (s.ssl)
            SSL_free(s.ssl);
        if (s.fd >= 0)
            ::close(s.fd);
    }
    ::close(epoll);

    if (!_latencies.empty())
    {
        std::sort(_latencies.begin(), _latencies.end());
        auto at = [&](double q)
        { return _latencies[static_cast<std::size_t>(q * (_latencies.size() - 1))]; };
        result.p50Ms = at(0.5);
        result.p99Ms = at(0.99);
        result.maxMs = _latencies.back();
    }
    if (!allAcks.empty())
    {
        std::sort(allAcks.begin(), allAcks.end());
        result.ackP50Ms = allAcks[allAcks.size() / 2];
        result.ackMaxMs = allAcks.back();
    }
    return result;
}

} // namespace hchat::load
