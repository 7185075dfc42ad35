// hchat-load: the load generator of make bench (tools/bench/run.sh).
//
//   hchat-load publish PORT SECONDS CONNECTIONS ROOM...
//       keep-alive senders on 127.0.0.1:PORT; prints one JSON object
//   hchat-load fanout SERVER TRANSPORT PORT[,PORT...] ROOM SUBSCRIBERS MESSAGES RATE
//                     [PID[,PID...]] [--sources N] [--publishers N] [--tls PUBLISH_PORT]
//                     [--idle SECONDS]
//       SERVER hchatd|nchan|ngircd, TRANSPORT longpoll|sse|ws|irc: SUBSCRIBERS per room,
//       then MESSAGES per room at RATE/s per room carrying their send time;
//       prints one JSON object (deliveries, latency, the server's CPU and RSS
//       when PID is given, added up over several). ROOM is a room id, or
//       @FILE with one per line. Several PORTs: the nodes of one server,
//       subscriber k and publisher p on PORT k % n and p % n.
//       --sources N spreads the subscribers over N loopback addresses and
//       the publishers get one each; --publishers N: N publishing connections;
//       --tls: the subscribers speak TLS to PORT, the publishers plain HTTP
//       to PUBLISH_PORT; --idle: once everyone is in, hold them SECONDS
//       longer with nothing sent and read the server's RSS again (rss_idle_kib)
//   hchat-load ready PORT PATH TIMEOUT
//       polls GET PATH until it answers 200; prints the wall-clock time (ms
//       since 1970) of that answer, or exits 1 after TIMEOUT seconds
//   hchat-load create PORT SUBJECT [COUNT]
//       creates a public room (COUNT rooms); prints its id (one per line)
//   hchat-load freeport
//       prints a TCP port that is free on 127.0.0.1 right now
//   hchat-load floor THREADS FOLDER [INTERVAL_US]
//       this machine's CPU cost of waking the one waiting thread and one
//       of THREADS, against an inline write, and of a commit with and
//       without fdatasync to a file in FOLDER, and with INTERVAL_US of one
//       every INTERVAL_US µs (Floor.h); one JSON object
#include "Fanout.h"
#include "Floor.h"
#include "Publisher.h"
#include "Socket.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{

int usage()
{
    std::cerr << "usage: hchat-load publish PORT SECONDS CONNECTIONS ROOM...\n"
                 "       hchat-load fanout SERVER TRANSPORT PORT[,PORT...] ROOM|@FILE SUBSCRIBERS "
                 "MESSAGES RATE [PID[,PID...]] [--sources N] [--publishers N]\n"
                 "                 [--tls PUBLISH_PORT] [--idle SECONDS]\n"
                 "       hchat-load ready PORT PATH TIMEOUT\n"
                 "       hchat-load create PORT SUBJECT [COUNT]\n"
                 "       hchat-load freeport\n"
                 "       hchat-load floor THREADS FOLDER [INTERVAL_US]\n";
    return 64;
}

std::string get(int port, const std::string& path)
/// The whole answer to GET path (Connection: close), or "" on any failure.
{
    int fd = hchat::load::Socket::connectTo("127.0.0.1", port);
    pollfd p{fd, POLLOUT, 0};
    std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    std::string answer;
    if (::poll(&p, 1, 1000) == 1 && (p.revents & POLLOUT) &&
        ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()))
    {
        p.events = POLLIN;
        char buffer[4096];
        ssize_t n = 0;
        while (::poll(&p, 1, 5000) == 1 && (n = ::read(fd, buffer, sizeof buffer)) > 0)
            answer.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return answer;
}

std::vector<std::string> roomsOf(const std::string& argument)
/// A room id, or the ids in the file @FILE names (one per line).
{
    if (argument.empty() || argument[0] != '@')
        return {argument};
    std::ifstream file(argument.substr(1));
    if (!file)
        throw std::runtime_error("cannot read " + argument.substr(1));
    std::vector<std::string> rooms;
    for (std::string line; std::getline(file, line);)
        if (!line.empty())
            rooms.push_back(line);
    if (rooms.empty())
        throw std::runtime_error("no rooms in " + argument.substr(1));
    return rooms;
}

std::string urlEncode(const std::string& text)
{
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text)
        if (std::isalnum(c))
            out += static_cast<char>(c);
        else
            out += std::string("%") + hex[c >> 4] + hex[c & 15];
    return out;
}

std::vector<int> numbersOf(const std::string& list)
{
    // "1234" or "1234,1235,1236"
    std::vector<int> numbers;
    std::size_t at = 0;
    while (at <= list.size())
    {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        numbers.push_back(std::atoi(list.substr(at, comma - at).c_str()));
        at = comma + 1;
    }
    return numbers;
}

} // namespace

int main(int argc, char** argv)
{
    try
    {
        std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "publish" && argc >= 6)
        {
            hchat::load::Publisher::Options o;
            o.port = std::atoi(argv[2]);
            o.seconds = std::atof(argv[3]);
            o.connections = std::atoi(argv[4]);
            for (int i = 5; i < argc; ++i)
                o.rooms.emplace_back(argv[i]);
            auto r = hchat::load::Publisher(o).run();
            std::printf("{\"connections\":%d,\"rooms\":%zu,\"seconds\":%.1f,\"acknowledged\":%ld,"
                        "\"acknowledged_all\":%ld,\"refused\":%ld,\"reconnects\":%ld,"
                        "\"rate\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
                        o.connections, o.rooms.size(), r.seconds, r.acknowledged, r.acknowledgedAll,
                        r.refused, r.reconnects, r.rate(), r.p50Ms, r.p99Ms);
            return 0;
        }
        if (mode == "fanout" && argc >= 9)
        {
            hchat::load::Fanout::Options o;
            o.server = argv[2];
            o.transport = argv[3];
            o.ports = numbersOf(argv[4]);
            o.rooms = roomsOf(argv[5]);
            o.subscribers = std::atoi(argv[6]);
            o.messages = std::atoi(argv[7]);
            o.rate = std::atof(argv[8]);
            for (int i = 9; i < argc; ++i)
            {
                const std::string flag = argv[i];
                if (flag == "--sources" && i + 1 < argc)
                    o.sources = std::atoi(argv[++i]);
                else if (flag == "--tls" && i + 1 < argc)
                {
                    o.tls = true;
                    o.publishPort = std::atoi(argv[++i]);
                }
                else if (flag == "--idle" && i + 1 < argc)
                    o.idleSeconds = std::max(0, std::atoi(argv[++i]));
                else if (flag == "--publishers" && i + 1 < argc)
                    o.publishers = std::max(1, std::atoi(argv[++i]));
                else if (i == 9 && std::isdigit(static_cast<unsigned char>(flag[0])))
                    o.serverPids = numbersOf(argv[i]);
                else
                    return usage();
            }
            auto r = hchat::load::Fanout(o).run();
            std::printf("{\"server\":\"%s\",\"transport\":\"%s\",\"rooms\":%zu,"
                        "\"subscribers\":%d,"
                        "\"ready\":%d,\"messages\":%d,\"rate\":%g,\"expected\":%ld,"
                        "\"delivered\":%ld,\"duplicates\":%ld,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
                        "\"max_ms\":%.2f,\"server_cpu_s\":%.3f,\"rss_before_kib\":%ld,"
                        "\"rss_held_kib\":%ld,\"rss_idle_kib\":%ld,\"peak_rss_kib\":%ld,"
                        "\"connect_s\":%.2f,"
                        "\"ack_p50_ms\":%.2f,\"ack_max_ms\":%.2f,\"refused\":%ld}\n",
                        o.server.c_str(), o.transport.c_str(), o.rooms.size(),
                        o.subscribers * static_cast<int>(o.rooms.size()), r.ready, o.messages,
                        o.rate, r.expected, r.delivered, r.duplicates, r.p50Ms, r.p99Ms, r.maxMs,
                        r.serverCpuSeconds, r.rssBeforeKiB, r.rssHeldKiB, r.rssIdleKiB,
                        r.peakRssKiB, r.connectSeconds, r.ackP50Ms, r.ackMaxMs, r.refused);
            return 0;
        }
        if (mode == "ready" && argc == 5)
        {
            int port = std::atoi(argv[2]);
            auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<long>(std::atof(argv[4]) * 1000));
            while (std::chrono::steady_clock::now() < deadline)
            {
                if (get(port, argv[3]).compare(0, 12, "HTTP/1.1 200") == 0)
                {
                    auto now = std::chrono::system_clock::now().time_since_epoch();
                    std::printf(
                        "%lld\n",
                        static_cast<long long>(
                            std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
                    return 0;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            std::cerr << "hchat-load: no 200 from " << argv[3] << " in time\n";
            return 1;
        }
        if (mode == "create" && (argc == 4 || argc == 5))
        {
            const int count = argc == 5 ? std::atoi(argv[4]) : 1;
            for (int i = 0; i < count; ++i)
            {
                std::string answer =
                    get(std::atoi(argv[2]), "/chat_create?public=1&subject=" + urlEncode(argv[3]));
                std::size_t at = answer.find("Location: /chat/");
                if (at == std::string::npos)
                    throw std::runtime_error("no room created: " + answer.substr(0, 80));
                std::printf("%s\n", answer.substr(at + 16, 32).c_str());
            }
            return 0;
        }
        if (mode == "floor" && (argc == 4 || argc == 5))
        {
            auto r = hchat::load::Floor::measure(std::atoi(argv[2]), argv[3],
                                                 argc == 5 ? std::atol(argv[4]) : 0);
            std::printf("{\"threads\":%d,\"inline_us\":%.1f,\"woken1_us\":%.1f,"
                        "\"woken_us\":%.1f,\"frames\":%d,"
                        "\"writes_us\":%.1f,\"commit_us\":%.1f,\"interval_us\":%ld,"
                        "\"spaced_us\":%.1f}\n",
                        r.threads, r.inlineUs, r.wokenAloneUs, r.wokenUs, r.frames, r.writesUs,
                        r.commitUs, r.intervalUs, r.spacedUs);
            return 0;
        }
        if (mode == "freeport" && argc == 2)
        {
            std::printf("%d\n", hchat::load::Socket::freePort());
            return 0;
        }
        return usage();
    }
    catch (const std::exception& e)
    {
        std::cerr << "hchat-load: " << e.what() << '\n';
        return 1;
    }
}
