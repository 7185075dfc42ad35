#include "support/ControlDaemonTest.h"
#include "support/Eventually.h"
#include "support/Program.h"

#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StringTokenizer.h>

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iterator>
#include <regex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace hchat::test
{

class ControlAccessTest : public ControlDaemonTest
/// The control socket as a security boundary and as a file: only root and
/// the daemon's user get in, a stale socket is replaced, a live one is not
/// taken over; and an online backup taken while 8 people send over HTTP.
{
    CPPUNIT_TEST_SUITE(ControlAccessTest);
    CPPUNIT_TEST(anotherUserIsRefused);
    CPPUNIT_TEST(aStaleSocketIsReplacedALiveOneIsNot);
    CPPUNIT_TEST(backupUnderEightSendersHoldsWhatWasAcknowledged);
    CPPUNIT_TEST(aClientThatDoesNotReadHoldsUpNeitherTheStopNorTheDisk);
    CPPUNIT_TEST_SUITE_END();

    static int runAs(const std::vector<std::string>& prefix, const std::vector<std::string>& args,
                     std::string& output)
    {
        std::vector<std::string> all(prefix.begin() + 1, prefix.end());
        all.push_back(DaemonProcess::binary());
        all.insert(all.end(), args.begin(), args.end());
        return Program::run(prefix[0], all, output);
    }

public:
    void anotherUserIsRefused()
    {
        const std::string socket = _state + "/ctl.sock";
        struct stat st = {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(socket.c_str(), &st));
        CPPUNIT_ASSERT(S_ISSOCK(st.st_mode));
        CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 07777));
        CPPUNIT_ASSERT_EQUAL(::geteuid(), st.st_uid);
        CPPUNIT_ASSERT_MESSAGE("run the tests as root to try another user", ::geteuid() == 0);

        // As nobody: the file's mode keeps them out ...
        const std::vector<std::string> nobody = {"setpriv", "--reuid=65534", "--regid=65534",
                                                 "--clear-groups"};
        ::chmod(_state.c_str(), 0755);
        std::string output;
        const int code = runAs(nobody, {"-c", _daemon->configPath(), "--ctl", "stats"}, output);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 77, code);
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "only root and the user hchatd runs as"));
        // ... and with the mode opened, the daemon checks who is calling.
        CPPUNIT_ASSERT_EQUAL(0, ::chmod(socket.c_str(), 0666));
        CPPUNIT_ASSERT_EQUAL(
            77, runAs(nobody, {"-c", _daemon->configPath(), "--ctl", "rooms"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "may use the control socket"));
        CPPUNIT_ASSERT(_daemon->logHas("control client uid 65534 pid "));
        CPPUNIT_ASSERT(_daemon->logHas("refused: only root and uid 0 may use the control socket"));
        CPPUNIT_ASSERT(has(http().get("/metrics").body, "\nhchatd_control_refused_total 1\n"));
        // Nothing of theirs was done.
        CPPUNIT_ASSERT(!std::regex_search(_daemon->log(), std::regex("uid 65534 pid [0-9]+: ")));
        CPPUNIT_ASSERT_EQUAL(0, ctl({"stats"}, output));
    }

    void aStaleSocketIsReplacedALiveOneIsNot()
    {
        // A second daemon on the same socket (its own ports and database) refuses to start.
        std::string output;
        const std::string conf = _state + "/second.conf";
        std::ofstream(conf) << "http.address = 127.0.0.1\nhttp.port = " << LineClient::freePort()
                            << "\nstore.path = " << _state
                            << "/second.db\ncontrol.socket = " << _state << "/ctl.sock\n";
        CPPUNIT_ASSERT_EQUAL(69, DaemonProcess::run({"-c", conf}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "is in use: is another hchatd running?"));
        CPPUNIT_ASSERT_EQUAL(0, ctl({"stats"}, output)); // the first one is unharmed

        // Killed, the daemon leaves its socket behind; the next start takes it over.
        double took = 0;
        _daemon->stop(SIGKILL, 5, took);
        CPPUNIT_ASSERT(Poco::File(_state + "/ctl.sock").exists());
        CPPUNIT_ASSERT_EQUAL(69, ctl({"stats"}, output));
        restart(configuration());
        CPPUNIT_ASSERT_EQUAL(0, ctl({"stats"}, output));

        // Something that is no socket is left alone.
        _daemon.reset();
        std::ofstream(_state + "/ctl.sock") << "mine";
        CPPUNIT_ASSERT_THROW(restart(configuration()), Poco::Exception);
        _daemon.reset();
        std::ifstream kept(_state + "/ctl.sock");
        CPPUNIT_ASSERT_EQUAL(std::string("mine"), std::string(std::istreambuf_iterator<char>(kept),
                                                              std::istreambuf_iterator<char>()));
    }

    void backupUnderEightSendersHoldsWhatWasAcknowledged()
    {
        constexpr int senders = 8;
        std::vector<std::string> rooms;
        for (int i = 0; i < senders; ++i)
            rooms.push_back(http().createRoom("room " + std::to_string(i), false));
        std::array<std::atomic<long>, senders> acknowledged{};
        for (auto& a : acknowledged)
            a = -1;
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < senders; ++i)
            threads.emplace_back(
                [&, i]
                {
                    TestClient client = http();
                    while (!stop.load())
                    {
                        const Reply r =
                            client.post("/send/" + rooms[i], "text of a message", "text/plain");
                        if (r.status == 200)
                            acknowledged[i] = std::stol(r.body);
                    }
                });
        CPPUNIT_ASSERT(eventually([&] { return acknowledged[senders - 1].load() >= 20; }, 10));
        std::array<long, senders> before{};
        for (int i = 0; i < senders; ++i)
            before[i] = acknowledged[i].load();
        const std::string file = _state + "/backup.db";
        std::string output;
        const int status = ctl({"backup", file}, output);
        std::array<long, senders> after{};
        for (int i = 0; i < senders; ++i)
            after[i] = acknowledged[i].load();
        stop = true;
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, status);
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "backup written to " + file));
        CPPUNIT_ASSERT(!Poco::File(file + ".part").exists());

        // What sqlite3 itself reads from the copy.
        std::string query = "PRAGMA integrity_check;";
        for (const std::string& id : rooms)
            query += "SELECT count(*), coalesce(max(m.id), -1) FROM messages m JOIN rooms r ON "
                     "m.room = r.seq WHERE r.id = '" +
                     id + "';";
        std::string counted;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            counted, 0,
            Program::run("sqlite3", {"-batch", "-separator", " ", file, query}, counted));
        Poco::StringTokenizer lines(counted, "\n", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(counted, std::size_t(senders + 1), lines.count());
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), lines[0]);
        for (int i = 0; i < senders; ++i)
        {
            Poco::StringTokenizer numbers(lines[i + 1], " ");
            const long count = std::stol(numbers[0]), last = std::stol(numbers[1]);
            // Every message acknowledged before the backup began, no gap, and
            // nothing that was not acknowledged by the time it ended.
            CPPUNIT_ASSERT_MESSAGE(lines[i + 1], last >= before[i] && last <= after[i] + 1);
            CPPUNIT_ASSERT_EQUAL(last + 1, count);
        }
    }

    void aClientThatDoesNotReadHoldsUpNeitherTheStopNorTheDisk()
    {
        // A database larger than what a socket buffers, asked for and never read.
        const std::string id = http().createRoom("big", false);
        const std::string text(4000, 'x');
        for (int i = 0; i < 300; ++i)
            CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + id, text, "text/plain").status);
        Poco::Net::StreamSocket client(
            Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, _state + "/ctl.sock"));
        const std::string request = "backup " + _state + "/never.db\n";
        client.sendBytes(request.data(), static_cast<int>(request.size()));
        CPPUNIT_ASSERT(_daemon->logHas("backup of " + _state + "/hchatd.db written to"));
        double took = 0;
        CPPUNIT_ASSERT_EQUAL(0, _daemon->stop(SIGTERM, 5, took));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 3);
        // The copy made for the client is gone with it.
        std::vector<std::string> names;
        Poco::File(_state).list(names);
        for (const std::string& name : names)
            CPPUNIT_ASSERT_MESSAGE(name, name.rfind(".hchatd-backup-", 0) != 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ControlAccessTest);

} // namespace hchat::test
