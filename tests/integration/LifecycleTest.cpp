#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/LineClient.h"
#include "support/TestClient.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

namespace hchat::test
{

class LifecycleTest : public CppUnit::TestFixture
/// The command line, configuration errors, signals and daemon mode (SPEC §3).
{
    CPPUNIT_TEST_SUITE(LifecycleTest);
    CPPUNIT_TEST(helpPrintsUsageAndExits0);
    CPPUNIT_TEST(badOptionsExit64WithOneLine);
    CPPUNIT_TEST(configurationErrorsNameTheKey);
    CPPUNIT_TEST(portInUseIsAClearError);
    CPPUNIT_TEST(sigtermWakesWaitersAndExitsQuickly);
    CPPUNIT_TEST(sigintExitsToo);
    CPPUNIT_TEST(stopsWhileClientsKeepConnecting);
    CPPUNIT_TEST(aDrippedHeadHoldsTheStopAtMostItsDeadline);
    CPPUNIT_TEST(daemonModeWritesAndRemovesPidFile);
    CPPUNIT_TEST(daemonModeReportsABusyPortOnTheTerminal);
    CPPUNIT_TEST(runsWithoutMallocThreadCachesUnlessTold);
    CPPUNIT_TEST_SUITE_END();

    static std::size_t lines(const std::string& text)
    {
        return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    }

    static bool running(int pid)
    {
        // The detached daemon's parent is init, which may be slow to reap it
        // in a container: a zombie has exited.
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string pidField, name, state;
        if (!(stat >> pidField >> name >> state))
            return false;
        return state != "Z";
    }

    static std::string tunablesOf(int pid)
    /// GLIBC_TUNABLES as the process's last exec was given it; "(unset)"
    /// when absent. glibc, reading it, turns each ':' in that memory into a
    /// NUL: the tunables after the first come as entries of their own.
    {
        std::ifstream in("/proc/" + std::to_string(pid) + "/environ");
        const std::string name = "GLIBC_TUNABLES=";
        std::string entry, value = "(unset)";
        bool inTunables = false;
        while (std::getline(in, entry, '\0'))
        {
            if (entry.compare(0, name.size(), name) == 0)
            {
                value = entry.substr(name.size());
                inTunables = true;
            }
            else if (inTunables && entry.compare(0, 6, "glibc.") == 0)
                value += ":" + entry;
            else
                inTunables = false;
        }
        return value;
    }

public:
    void runsWithoutMallocThreadCachesUnlessTold()
    {
        // The daemon executes itself again with glibc's per-thread cache
        // off (MallocTunables): /proc shows the environment of the exec that
        // is listening, under the process id that was started. (That glibc
        // heeds it was checked by hand: gdb's `p mp_.tcache_count`.)
        const std::string tunables = "GLIBC_TUNABLES";
        {
            DaemonProcess daemon;
            CPPUNIT_ASSERT_EQUAL(
                std::string(daemon.sanitized() ? "(unset)" : "glibc.malloc.tcache_count=0"),
                tunablesOf(daemon.pid()));
            // Named after its file, as ps and top show it, not "exe".
            std::ifstream comm("/proc/" + std::to_string(daemon.pid()) + "/comm");
            std::string name;
            std::getline(comm, name);
            CPPUNIT_ASSERT_EQUAL(std::string("hchatd"), name);
        }
        {
            DaemonProcess daemon({}, {}, {{tunables, "glibc.malloc.arena_max=4"}});
            CPPUNIT_ASSERT_EQUAL(
                std::string(daemon.sanitized()
                                ? "glibc.malloc.arena_max=4"
                                : "glibc.malloc.arena_max=4:glibc.malloc.tcache_count=0"),
                tunablesOf(daemon.pid()));
        }
        {
            // The operator's own size for the cache is kept.
            DaemonProcess daemon({}, {}, {{tunables, "glibc.malloc.tcache_count=7"}});
            CPPUNIT_ASSERT_EQUAL(std::string("glibc.malloc.tcache_count=7"),
                                 tunablesOf(daemon.pid()));
        }
        {
            // A preloaded library (another allocator, valgrind's) is left
            // alone. One the daemon loads anyway; the sanitizer build would
            // refuse any library before its runtime.
            const char* asan = std::getenv("ASAN_OPTIONS");
            DaemonProcess daemon(
                {}, {},
                {{"LD_PRELOAD", "libPocoFoundation.so.80"},
                 {"ASAN_OPTIONS", std::string(asan ? asan : "") + ":verify_asan_link_order=0"}});
            CPPUNIT_ASSERT_EQUAL(std::string("(unset)"), tunablesOf(daemon.pid()));
        }
    }

    void helpPrintsUsageAndExits0()
    {
        for (const char* flag : {"-h", "--help"})
        {
            std::string out;
            CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({flag}, out));
            CPPUNIT_ASSERT(out.find("usage: hchatd [-h] [-d] [-p portnum] [-c file]") == 0);
            CPPUNIT_ASSERT(out.find("--port") != std::string::npos);
        }
    }

    void badOptionsExit64WithOneLine()
    {
        const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
            {{"--bogus"}, "bogus"},
            {{"-x"}, "x"},
            {{"-p", "123456"}, "123456"},
            {{"-p", "port"}, "port"},
            {{"extra"}, "extra"}};
        for (const auto& c : cases)
        {
            std::string out;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.second, 64, DaemonProcess::run(c.first, out));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::size_t(1), lines(out));
            CPPUNIT_ASSERT_MESSAGE(out, out.find(c.second) != std::string::npos);
        }
    }

    void configurationErrorsNameTheKey()
    {
        std::string dir = DaemonProcess::tempDir();
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"http.prot = 1234\n", "http.prot"},
            {"longpoll.timeout = forever\n", "longpoll.timeout"},
            {"store.kind = floppy\n", "store.kind"},
            {"limits.burst = 0\n", "(expected a number from 1 to 1000000)"}};
        for (const auto& c : cases)
        {
            std::ofstream(dir + "/bad.conf") << c.first;
            std::string out;
            int status = DaemonProcess::run(
                {"-c", dir + "/bad.conf", "-p", std::to_string(LineClient::freePort())}, out);
            CPPUNIT_ASSERT_MESSAGE(out, status != 0);
            CPPUNIT_ASSERT_MESSAGE(out, out.find(c.second) != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(out, out.find("bad.conf") != std::string::npos);
        }
        std::string out;
        CPPUNIT_ASSERT(DaemonProcess::run({"-c", dir + "/missing.conf"}, out) != 0);
        CPPUNIT_ASSERT(out.find("missing.conf") != std::string::npos);
        Poco::File(dir).remove(true);
    }

    void portInUseIsAClearError()
    {
        DaemonProcess first;
        std::string dir = DaemonProcess::tempDir();
        std::ofstream(dir + "/h.conf") << "http.address = 127.0.0.1\n";
        std::string out;
        int status =
            DaemonProcess::run({"-c", dir + "/h.conf", "-p", std::to_string(first.port())}, out);
        CPPUNIT_ASSERT(status != 0);
        CPPUNIT_ASSERT_MESSAGE(out, out.find("cannot listen") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(out, out.find(std::to_string(first.port())) != std::string::npos);
        Poco::File(dir).remove(true);
    }

    static bool waiting(TestClient& c, int polls)
    {
        return eventually(
            [&]
            {
                return c.get("/metrics")
                           .body.find("\nhchatd_longpoll_waiting " + std::to_string(polls) +
                                      "\n") != std::string::npos;
            });
    }

    void stopsCleanlyOn(int signal)
    {
        DaemonProcess daemon(std::map<std::string, std::string>{{"longpoll.timeout", "30"}});
        TestClient c(daemon.host(), daemon.port());
        std::string room = c.createRoom("stop", false);
        c.post("/send/" + room, "kept", "text/plain");

        // A keep-alive client whose poll was answered and who has not asked
        // again: its connection's thread still sleeps, and must not hold up the stop.
        Poco::Net::HTTPClientSession idle(daemon.host(), static_cast<Poco::UInt16>(daemon.port()));
        idle.setKeepAlive(true);
        Poco::Net::HTTPRequest poll(Poco::Net::HTTPRequest::HTTP_GET, "/msg/" + room + "/1",
                                    Poco::Net::HTTPMessage::HTTP_1_1);
        idle.sendRequest(poll).flush(); // POCO sends it only then
        CPPUNIT_ASSERT(waiting(c, 1));
        c.post("/send/" + room, "answered", "text/plain");
        Poco::Net::HTTPResponse answered;
        idle.receiveResponse(answered).ignore(1000);
        CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(answered.getStatus()));

        int pollStatus = -1;
        std::thread poller(
            [&]
            {
                try
                {
                    pollStatus =
                        TestClient(daemon.host(), daemon.port()).get("/msg/" + room + "/2").status;
                }
                catch (const Poco::Exception&)
                {
                    pollStatus = 0; // connection closed without an answer
                }
            });
        CPPUNIT_ASSERT(waiting(c, 1));
        double took = 0;
        int status = daemon.stop(signal, 5, took);
        poller.join();
        CPPUNIT_ASSERT_EQUAL(0, status);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 2.0);
        CPPUNIT_ASSERT_EQUAL(503, pollStatus); // woken and told, not left hanging
    }

    void sigtermWakesWaitersAndExitsQuickly() { stopsCleanlyOn(SIGTERM); }

    void sigintExitsToo() { stopsCleanlyOn(SIGINT); }

    void stopsWhileClientsKeepConnecting()
    {
        // Connections accepted while the stop is under way, each kept open
        // after its answer: none may hold the stop up to its keep-alive
        // timeout, nor may a room created meanwhile hold up its long poll.
        DaemonProcess daemon(
            std::map<std::string, std::string>{{"longpoll.timeout", "30"},
                                               {"http.keepAliveTimeout", "30"},
                                               {"limits.connectionsPerAddress", "0"}});
        std::atomic<bool> done{false};
        std::vector<std::thread> clients;
        for (int t = 0; t < 4; ++t)
            clients.emplace_back(
                [&]
                {
                    std::vector<std::unique_ptr<Poco::Net::StreamSocket>> kept;
                    while (!done && kept.size() < 400)
                    {
                        try
                        {
                            auto s =
                                std::make_unique<Poco::Net::StreamSocket>(Poco::Net::SocketAddress(
                                    daemon.host(), static_cast<Poco::UInt16>(daemon.port())));
                            const std::string ask = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
                            s->sendBytes(ask.data(), static_cast<int>(ask.size()));
                            kept.push_back(std::move(s));
                        }
                        catch (const Poco::Exception&)
                        {
                            std::this_thread::sleep_for(std::chrono::milliseconds(1));
                        }
                    }
                    while (!done)
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                });
        std::thread creator(
            [&]
            {
                while (!done)
                {
                    try
                    {
                        TestClient c(daemon.host(), daemon.port());
                        std::string room = c.createRoom("late", false);
                        c.get("/msg/" + room + "/0");
                    }
                    catch (const Poco::Exception&)
                    {
                    }
                }
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        double took = 0;
        int status = daemon.stop(SIGTERM, 10, took);
        done = true;
        creator.join();
        for (auto& client : clients)
            client.join();
        CPPUNIT_ASSERT_EQUAL(0, status);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 3.0);
    }

    void aDrippedHeadHoldsTheStopAtMostItsDeadline()
    {
        // The stop waits for each request being served; a head still
        // arriving is one until its deadline (http.requestTimeout) ends it,
        // however long its client goes on sending a byte at a time.
        DaemonProcess daemon(std::map<std::string, std::string>{{"http.requestTimeout", "2"}});
        Poco::Net::StreamSocket drip(
            Poco::Net::SocketAddress(daemon.host(), static_cast<Poco::UInt16>(daemon.port())));
        const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: ";
        drip.sendBytes(head.data(), static_cast<int>(head.size()));
        std::atomic<bool> done{false};
        std::thread dripping(
            [&]
            {
                for (int i = 0; i < 100 && !done; ++i)
                {
                    try
                    {
                        drip.sendBytes("x", 1);
                    }
                    catch (const Poco::Exception&)
                    {
                        return; // closed by the daemon
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(150));
                }
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        double took = 0;
        const int status = daemon.stop(SIGTERM, 10, took);
        done = true;
        dripping.join();
        CPPUNIT_ASSERT_EQUAL(0, status);
        // The head began 0.3 s before the stop; its deadline and the sweep
        // of once a second end it within 3 s of it.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 4.0);
    }

    void daemonModeWritesAndRemovesPidFile()
    {
        std::string dir = DaemonProcess::tempDir();
        const std::string pidFile = dir + "/hchatd.pid";
        const std::string logFile = dir + "/hchatd.log";
        std::ofstream(dir + "/hchatd.conf")
            << "http.address = 127.0.0.1\nstore.kind = memory\ndaemon.pidFile = hchatd.pid\n"
            << "logging.loggers.root.channel = file\n"
            << "logging.channels.file.class = FileChannel\n"
            << "logging.channels.file.path = " << logFile << "\n";
        std::string out;
        // The parent returns at once; the daemon goes on in the background.
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"-d", "-c", dir + "/hchatd.conf", "-p",
                                                    std::to_string(LineClient::freePort())},
                                                   out));

        std::string log;
        std::smatch m;
        const std::regex listening("listening on http://[^ ]*:([0-9]+)");
        eventually(
            [&]
            {
                std::ifstream in(logFile);
                log.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
                return std::regex_search(log, m, listening);
            });
        CPPUNIT_ASSERT_MESSAGE(log, std::regex_search(log, m, listening));
        int port = std::stoi(m[1]);
        CPPUNIT_ASSERT(Poco::File(pidFile).exists());
        int pid = 0;
        std::ifstream(pidFile) >> pid;
        CPPUNIT_ASSERT(pid > 1);
        CPPUNIT_ASSERT_EQUAL(200, TestClient("127.0.0.1", port).get("/healthz").status);

        ::kill(pid, SIGTERM);
        CPPUNIT_ASSERT(
            eventually([&] { return !running(pid) && !Poco::File(pidFile).exists(); }, 2));
        Poco::File(dir).remove(true);
    }

    void daemonModeReportsABusyPortOnTheTerminal()
    {
        // -d binds before the terminal is let go: the error and its exit
        // status reach whoever started it, and no daemon stays behind.
        DaemonProcess first;
        std::string dir = DaemonProcess::tempDir();
        std::ofstream(dir + "/h.conf")
            << "http.address = 127.0.0.1\nstore.kind = memory\ndaemon.pidFile = h.pid\n";
        std::string out;
        CPPUNIT_ASSERT_EQUAL(
            69, DaemonProcess::run(
                    {"-d", "-c", dir + "/h.conf", "-p", std::to_string(first.port())}, out));
        CPPUNIT_ASSERT_MESSAGE(out, out.find("cannot listen on 127.0.0.1:" +
                                             std::to_string(first.port())) != std::string::npos);
        CPPUNIT_ASSERT(!Poco::File(dir + "/h.pid").exists());
        Poco::File(dir).remove(true);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);

} // namespace hchat::test
