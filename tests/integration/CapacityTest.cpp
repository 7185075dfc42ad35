#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/LineClient.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace hchat::test
{

class CapacityTest : public CppUnit::TestFixture
/// 1,000 long polls wait on one room at once, and every one of them gets
/// the next message. A count, not a timing. Streams handed to their own
/// threads still count toward the connection limits.
{
    CPPUNIT_TEST_SUITE(CapacityTest);
    CPPUNIT_TEST(thousandLongPollsAllGetTheMessage);
    CPPUNIT_TEST(streamsCountTowardConnectionLimits);
    CPPUNIT_TEST(idleKeepAliveCostsOneDescriptor);
    CPPUNIT_TEST(longPollThreadsRunUnderBatchScheduling);
    CPPUNIT_TEST(atALowDescriptorLimitClientsGet503NotSilence);
    CPPUNIT_TEST_SUITE_END();

    static constexpr int pollers = 1000;

    static int metric(TestClient& c, const std::string& name)
    {
        Reply metrics = c.get("/metrics");
        auto at = metrics.body.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stoi(metrics.body.substr(at + name.size() + 2));
    }

public:
    void thousandLongPollsAllGetTheMessage()
    {
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);

        DaemonProcess daemon(std::map<std::string, std::string>{{"longpoll.timeout", "60"}});
        TestClient c(daemon.host(), daemon.port());
        const std::string room = c.createRoom("crowd", true);
        const std::string request =
            "GET /msg/" + room + "/0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(daemon.port()));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::vector<int> sockets;
        for (int i = 0; i < pollers; ++i)
        {
            int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            CPPUNIT_ASSERT(fd >= 0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                std::strerror(errno), 0,
                ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address));
            CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(request.size()),
                                 ::send(fd, request.data(), request.size(), MSG_NOSIGNAL));
            sockets.push_back(fd);
        }
        // Every one of them is waiting inside the daemon before the message exists.
        eventually([&] { return metric(c, "hchatd_longpoll_waiting") >= pollers; }, 30, 50);
        CPPUNIT_ASSERT_EQUAL(pollers, metric(c, "hchatd_longpoll_waiting"));

        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             c.post("/send/" + room, "hello, crowd", "text/plain").body);

        std::vector<std::string> answers(sockets.size());
        std::vector<bool> open(sockets.size(), true);
        std::size_t remaining = sockets.size();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (remaining > 0 && std::chrono::steady_clock::now() < deadline)
        {
            std::vector<pollfd> fds;
            std::vector<std::size_t> index;
            for (std::size_t i = 0; i < sockets.size(); ++i)
                if (open[i])
                {
                    fds.push_back(pollfd{sockets[i], POLLIN, 0});
                    index.push_back(i);
                }
            if (::poll(fds.data(), fds.size(), 1000) <= 0)
                continue;
            for (std::size_t k = 0; k < fds.size(); ++k)
            {
                if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                char buffer[2048];
                ssize_t n = ::recv(fds[k].fd, buffer, sizeof buffer, 0);
                if (n > 0)
                    answers[index[k]].append(buffer, static_cast<std::size_t>(n));
                else
                {
                    open[index[k]] = false;
                    --remaining;
                }
            }
        }
        int delivered = 0;
        for (std::size_t i = 0; i < sockets.size(); ++i)
        {
            ::close(sockets[i]);
            if (answers[i].rfind("HTTP/1.1 200 OK", 0) == 0 && answers[i].size() >= 12 &&
                answers[i].compare(answers[i].size() - 12, 12, "hello, crowd") == 0)
                ++delivered;
        }
        std::cout << "\n[capacity] " << delivered << " of " << pollers
                  << " waiting long polls received the message" << std::endl;
        CPPUNIT_ASSERT_EQUAL(pollers, delivered);
        CPPUNIT_ASSERT_EQUAL(0, metric(c, "hchatd_http_refused_busy_total"));
    }

    void streamsCountTowardConnectionLimits()
    {
        // Per address: 3 allowed. Two WebSockets and an SSE stream hold them
        // (each left the HTTP pool after its handshake), so a fourth
        // connection is refused until one stream ends.
        {
            DaemonProcess daemon(
                std::map<std::string, std::string>{{"limits.connectionsPerAddress", "3"}});
            const std::string room = fresh(daemon).createRoom("limits", true);
            auto first = openWs(daemon, room);
            auto second = openWs(daemon, room);
            Poco::Net::StreamSocket events = openEvents(daemon, room);
            Reply refused = fresh(daemon).get("/healthz");
            CPPUNIT_ASSERT_EQUAL(503, refused.status);
            CPPUNIT_ASSERT(refused.body.find("too many connections") != std::string::npos);
            // A flood of refused connections writes a line a second, not one
            // per connection.
            for (int i = 0; i < 30; ++i)
                CPPUNIT_ASSERT_EQUAL(503, fresh(daemon).get("/healthz").status);
            // The lines reach the test's copy of the log a little later.
            daemon.logHas("(limits.connectionsPerAddress): refused");
            const std::string log = daemon.log();
            std::size_t lines = 0;
            for (std::size_t at = 0; (at = log.find("(limits.connectionsPerAddress): refused",
                                                    at)) != std::string::npos;
                 ++at)
                ++lines;
            CPPUNIT_ASSERT_MESSAGE(log, lines >= 1 && lines <= 3);
            first.reset(); // a stream ends: its slot comes back
            CPPUNIT_ASSERT_EQUAL(200, statusSoon(daemon, 200));
        }
        // In all: with http.maxThreads = 4, four open connections (streams)
        // make the server busy, and not fewer.
        {
            DaemonProcess daemon(std::map<std::string, std::string>{{"http.maxThreads", "4"}});
            const std::string room = fresh(daemon).createRoom("busy", true);
            std::vector<std::unique_ptr<WsClient>> streams;
            for (int i = 0; i < 3; ++i)
                streams.push_back(openWs(daemon, room));
            // Three connections open: the fourth is served (once the
            // daemon has seen the room creator's connection close).
            CPPUNIT_ASSERT_EQUAL(200, statusSoon(daemon, 200));
            streams.push_back(openWs(daemon, room));
            Reply refused = fresh(daemon).get("/healthz");
            CPPUNIT_ASSERT_EQUAL(503, refused.status);
            CPPUNIT_ASSERT(refused.body.find("server busy") != std::string::npos);
            streams.pop_back();
            CPPUNIT_ASSERT_EQUAL(200, statusSoon(daemon, 200));
        }
    }

    void idleKeepAliveCostsOneDescriptor()
    {
        // Keep-alive connections waiting for their next request (as long
        // polls do between two polls) hold their socket and nothing else:
        // POCO's own wait would add an epoll descriptor to each.
        DaemonProcess daemon;
        const int before = descriptors(daemon.pid());
        std::vector<std::unique_ptr<Poco::Net::StreamSocket>> clients;
        const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int i = 0; i < 100; ++i)
        {
            clients.push_back(std::make_unique<Poco::Net::StreamSocket>(
                Poco::Net::SocketAddress(daemon.host(), daemon.port())));
            clients.back()->sendBytes(request.data(), static_cast<int>(request.size()));
            char answer[512];
            CPPUNIT_ASSERT(clients.back()->receiveBytes(answer, sizeof answer) > 0);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const int held = descriptors(daemon.pid()) - before;
        std::cout << "\n[descriptors] 100 idle keep-alive connections: " << held
                  << " more descriptors" << std::endl;
        CPPUNIT_ASSERT(held >= 100);
        CPPUNIT_ASSERT(held < 120);
    }

    void atALowDescriptorLimitClientsGet503NotSilence()
    {
        // A daemon whose hard descriptor limit is 200 (set in the child
        // only): it fits its thread limits under it, so past them clients
        // get 503 at once instead of hanging in the backlog.
        const std::string dir = DaemonProcess::tempDir();
        const int port = LineClient::freePort();
        std::ofstream(dir + "/h.conf") << "http.address = 127.0.0.1\nstore.kind = memory\n"
                                       << "limits.connectionsPerAddress = 0\n";
        const std::string binary = DaemonProcess::binary(), conf = dir + "/h.conf",
                          portText = std::to_string(port), log = dir + "/log";
        const pid_t child = ::fork();
        if (child == 0)
        {
            rlimit limit{200, 200};
            ::setrlimit(RLIMIT_NOFILE, &limit);
            const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(out, 1);
            ::dup2(out, 2);
            ::execl(binary.c_str(), binary.c_str(), "-c", conf.c_str(), "-p", portText.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        TestClient c("127.0.0.1", port);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                try
                {
                    return c.get("/healthz").status == 200;
                }
                catch (const Poco::Exception&)
                {
                    return false;
                }
            }));
        std::vector<std::unique_ptr<Poco::Net::StreamSocket>> held;
        int refused = 0, silent = 0;
        for (int i = 0; i < 300; ++i)
            held.push_back(std::make_unique<Poco::Net::StreamSocket>(
                Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))));
        std::this_thread::sleep_for(std::chrono::seconds(1));
        for (auto& s : held)
        {
            char buffer[64] = {};
            s->setReceiveTimeout(Poco::Timespan(0, 10000)); // answers came within the second
            try
            {
                const int n = s->receiveBytes(buffer, sizeof buffer - 1);
                refused += std::string(buffer, static_cast<std::size_t>(std::max(n, 0)))
                               .find("503 Service Unavailable") != std::string::npos;
            }
            catch (const Poco::TimeoutException&)
            {
                ++silent; // held by a thread, waiting for its request
            }
        }
        ::kill(child, SIGTERM);
        int status = 0;
        ::waitpid(child, &status, 0);
        std::ifstream in(log);
        const std::string logged((std::istreambuf_iterator<char>(in)), {});
        Poco::File(dir).remove(true);
        CPPUNIT_ASSERT_MESSAGE(logged, logged.find("descriptor limit") != std::string::npos);
        CPPUNIT_ASSERT(logged.find("Too many open files") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(300, refused + silent);
        CPPUNIT_ASSERT(refused >= 150);
        CPPUNIT_ASSERT(silent + 200 <= 300 + 64); // what is held fits the limit
    }

    void longPollThreadsRunUnderBatchScheduling()
    {
        // So that polls woken by their clients' next requests do not preempt
        // a publisher still answering the others (BatchScheduling); the
        // threads of other requests, and pool threads between connections,
        // keep the default policy. The thread that reads kept-alive polls'
        // next requests (NextRequestWatch) runs under it for good.
        DaemonProcess daemon(std::map<std::string, std::string>{{"longpoll.timeout", "60"}});
        TestClient c(daemon.host(), daemon.port());
        const std::string room = c.createRoom("batch", false);
        auto connect = [&daemon]
        {
            return std::make_unique<Poco::Net::StreamSocket>(
                Poco::Net::SocketAddress(daemon.host(), daemon.port()));
        };
        std::vector<std::unique_ptr<Poco::Net::StreamSocket>> idle, polls;
        for (int i = 0; i < 2; ++i)
        {
            idle.push_back(connect());
            const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
            idle.back()->sendBytes(request.data(), static_cast<int>(request.size()));
            char answer[512];
            CPPUNIT_ASSERT(idle.back()->receiveBytes(answer, sizeof answer) > 0);
        }
        CPPUNIT_ASSERT_EQUAL(1, batchThreads(daemon.pid()));

        const std::string poll = "GET /msg/" + room + "/0 HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int i = 0; i < 3; ++i)
        {
            polls.push_back(connect());
            polls.back()->sendBytes(poll.data(), static_cast<int>(poll.size()));
        }
        eventually([&] { return metric(c, "hchatd_longpoll_waiting") == 3; });
        CPPUNIT_ASSERT_EQUAL(3, metric(c, "hchatd_longpoll_waiting"));
        CPPUNIT_ASSERT_EQUAL(4, batchThreads(daemon.pid()));
        CPPUNIT_ASSERT_EQUAL(0, policy(std::to_string(daemon.pid()) + "/task/" +
                                       std::to_string(daemon.pid()))); // the main thread

        // Answered, and their clients gone: the pool threads are back to the default.
        CPPUNIT_ASSERT_EQUAL(200, c.post("/send/" + room, "hi", "text/plain").status);
        polls.clear();
        eventually([&] { return batchThreads(daemon.pid()) == 1; });
        CPPUNIT_ASSERT_EQUAL(1, batchThreads(daemon.pid()));
    }

private:
    static int policy(const std::string& task)
    /// Field 41 of /proc/<task>/stat: 0 SCHED_OTHER, 3 SCHED_BATCH.
    {
        std::ifstream in("/proc/" + task + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::istringstream fields(stat.substr(stat.rfind(')') + 2)); // from field 3
        std::string field;
        for (int i = 3; i <= 41 && fields >> field; ++i)
        {
        }
        return std::stoi(field);
    }

    static int batchThreads(int pid)
    {
        int count = 0;
        const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
        for (Poco::DirectoryIterator it(tasks), end; it != end; ++it)
            count += policy(std::to_string(pid) + "/task/" + it.name()) == SCHED_BATCH ? 1 : 0;
        return count;
    }

    static int descriptors(int pid)
    {
        int count = 0;
        for (Poco::DirectoryIterator it("/proc/" + std::to_string(pid) + "/fd"), end; it != end;
             ++it)
            ++count;
        return count;
    }

    static TestClient fresh(const DaemonProcess& daemon)
    /// A client on a new connection (the gate decides when one is accepted).
    {
        return TestClient(daemon.host(), daemon.port());
    }

    static std::unique_ptr<WsClient> openWs(const DaemonProcess& daemon, const std::string& room)
    /// A WebSocket on the room, tried for 2 s: the connection that came just
    /// before may still be counted for a moment after its client closed it.
    {
        for (int i = 0;; ++i)
        {
            try
            {
                return std::make_unique<WsClient>(daemon.host(), daemon.port(), "/ws/" + room);
            }
            catch (const Poco::Exception&)
            {
                if (i == 40)
                    throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    }

    static Poco::Net::StreamSocket openEvents(const DaemonProcess& daemon, const std::string& room)
    /// An SSE stream on the room (its answer head read), tried for 2 s likewise.
    {
        const std::string request = "GET /events/" + room + " HTTP/1.1\r\nHost: x\r\n\r\n";
        std::string head;
        for (int i = 0; i < 40; ++i)
        {
            Poco::Net::StreamSocket events(Poco::Net::SocketAddress(daemon.host(), daemon.port()));
            events.sendBytes(request.data(), static_cast<int>(request.size()));
            char bytes[16] = {};
            events.receiveBytes(bytes, 15);
            head = bytes;
            if (head == "HTTP/1.1 200 OK")
                return events;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CPPUNIT_FAIL("no event stream: " + head);
        return {};
    }

    static int statusSoon(const DaemonProcess& daemon, int wanted)
    /// GET /healthz on new connections until it answers `wanted` (2 s at most).
    {
        int status = 0;
        eventually([&] { return (status = fresh(daemon).get("/healthz").status) == wanted; }, 2,
                   50);
        return status;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CapacityTest);

} // namespace hchat::test
