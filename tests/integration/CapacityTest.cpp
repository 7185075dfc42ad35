#include "support/DaemonProcess.h"
#include "support/TestClient.h"

#include <Poco/Net/SocketAddress.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace hchat::test
{

class CapacityTest : public CppUnit::TestFixture
/// 1,000 long polls wait on one room at once, and every one of them gets
/// the next message. A count, not a timing.
{
    CPPUNIT_TEST_SUITE(CapacityTest);
    CPPUNIT_TEST(thousandLongPollsAllGetTheMessage);
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
        int waiting = 0;
        for (int i = 0; i < 600 && waiting < pollers; ++i)
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            waiting = metric(c, "hchatd_longpoll_waiting");
        }
        CPPUNIT_ASSERT_EQUAL(pollers, waiting);

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
};

CPPUNIT_TEST_SUITE_REGISTRATION(CapacityTest);

} // namespace hchat::test
