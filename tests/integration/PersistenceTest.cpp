#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/LineClient.h"
#include "support/TestClient.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/resource.h>
#include <thread>

namespace hchat::test
{

class PersistenceTest : public CppUnit::TestFixture
/// The SQLite store seen from outside: restart, kill -9 mid-stream, a disk
/// that stops taking writes, and database files that cannot be used.
{
    CPPUNIT_TEST_SUITE(PersistenceTest);
    CPPUNIT_TEST(restartKeepsRoomsListingAndHistory);
    CPPUNIT_TEST(killedMidStreamLosesNothingAcknowledged);
    CPPUNIT_TEST(aSendRetriedWithItsKeyIsStoredOnce);
    CPPUNIT_TEST(failedWritesAnswer503AndRecover);
    CPPUNIT_TEST(unusableDatabaseStopsTheStart);
    CPPUNIT_TEST(retentionAnswers410AndKeepsNumbering);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir;

    std::map<std::string, std::string> config() const
    {
        // A small memory window, so history also comes from the database.
        return {{"store.path", _dir + "/chat.db"},
                {"chat.historyLimit", "5"},
                {"chat.recentOnJoin", "3"}};
    }

    static Poco::JSON::Object::Ptr object(const std::string& text)
    {
        return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }

    static std::vector<std::pair<std::uint64_t, std::string>>
    history(TestClient& c, const std::string& id, std::uint64_t& next)
    {
        // Every stored message, paging through /api/rooms/<id>/messages.
        std::vector<std::pair<std::uint64_t, std::string>> all;
        std::uint64_t from = 0;
        for (;;)
        {
            Reply r =
                c.get("/api/rooms/" + id + "/messages?limit=1000&from=" + std::to_string(from));
            CPPUNIT_ASSERT_EQUAL(200, r.status);
            auto page = object(r.body);
            auto messages = page->getArray("messages");
            next = page->getValue<std::uint64_t>("next");
            for (std::size_t i = 0; i < messages->size(); ++i)
            {
                auto m = messages->getObject(static_cast<unsigned>(i));
                all.emplace_back(m->getValue<std::uint64_t>("id"),
                                 m->getValue<std::string>("text"));
            }
            if (messages->size() == 0 || all.back().first + 1 >= next)
                return all;
            from = all.back().first + 1;
        }
    }

    static std::string withoutPresence(const std::string& json)
    {
        // Who is online is not stored: a restart forgets it.
        auto o = object(json);
        o->remove("online");
        std::ostringstream out;
        o->stringify(out);
        return out.str();
    }

    static std::string contents(const std::string& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }

public:
    void setUp() override { _dir = DaemonProcess::tempDir(); }
    void tearDown() override { Poco::File(_dir).remove(true); }

    void restartKeepsRoomsListingAndHistory()
    {
        std::vector<std::string> ids;
        std::map<std::string, std::string> before;
        {
            DaemonProcess daemon(config());
            TestClient c(daemon.host(), daemon.port());
            ids = {c.createRoom("first <public>", true), c.createRoom("unlisted", false),
                   c.createRoom("second public", true)};
            for (int i = 0; i < 12; ++i)
                CPPUNIT_ASSERT_EQUAL(200,
                                     c.post("/send/" + ids[0] + "?nick=ann",
                                            "message " + std::to_string(i) + " ✓", "text/plain")
                                         .status);
            c.post("/send/" + ids[1], "secret", "text/plain");
            before["list"] = c.get("/api/rooms").body;
            before["index"] = c.get("/").body;
            for (const auto& id : ids)
            {
                before["room " + id] = withoutPresence(c.get("/api/rooms/" + id).body);
                before["messages " + id] = c.get("/api/rooms/" + id + "/messages?from=0").body;
            }
            before["msg 2"] = c.get("/msg/" + ids[0] + "/2").body;
        }
        DaemonProcess daemon(config());
        CPPUNIT_ASSERT(daemon.log().find("3 rooms") != std::string::npos);
        TestClient c(daemon.host(), daemon.port());
        for (const auto& id : ids)
        {
            CPPUNIT_ASSERT_EQUAL(before["room " + id],
                                 withoutPresence(c.get("/api/rooms/" + id).body));
            CPPUNIT_ASSERT_EQUAL(before["messages " + id],
                                 c.get("/api/rooms/" + id + "/messages?from=0").body);
        }
        // The listing holds the same rooms in the same order (online counts aside).
        auto listed =
            Poco::JSON::Parser().parse(c.get("/api/rooms").body).extract<Poco::JSON::Array::Ptr>();
        auto listedBefore =
            Poco::JSON::Parser().parse(before["list"]).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), listed->size());
        for (unsigned i = 0; i < 2; ++i)
            CPPUNIT_ASSERT_EQUAL(listedBefore->getObject(i)->getValue<std::string>("id"),
                                 listed->getObject(i)->getValue<std::string>("id"));
        CPPUNIT_ASSERT(c.get("/").body.find("first &lt;public&gt;") != std::string::npos);
        CPPUNIT_ASSERT(c.get("/").body.find("unlisted") == std::string::npos);
        Reply old = c.get("/msg/" + ids[0] + "/2"); // outside the 5-message window
        CPPUNIT_ASSERT_EQUAL(200, old.status);
        CPPUNIT_ASSERT_EQUAL(before["msg 2"], old.body);
        CPPUNIT_ASSERT_EQUAL(std::string("ann"), old.header("X-Chat-Author"));
        // Numbering goes on where it stopped.
        CPPUNIT_ASSERT_EQUAL(std::string("12"),
                             c.post("/send/" + ids[0], "after restart", "text/plain").body);
        CPPUNIT_ASSERT_EQUAL(std::string("1"),
                             c.post("/send/" + ids[1], "after restart", "text/plain").body);
    }

    void aSendRetriedWithItsKeyIsStoredOnce()
    {
        // A client whose answer was lost sends again with the same
        // Idempotency-Key: one message, whether the daemon lived or was
        // killed meanwhile, and however many copies come at once.
        std::string id;
        const std::map<std::string, std::string> key{{"Idempotency-Key", "msg-1"}};
        {
            DaemonProcess daemon(config());
            TestClient c(daemon.host(), daemon.port());
            id = c.createRoom("retries", true);
            Reply first = c.post("/send/" + id, "only once", "text/plain", key);
            CPPUNIT_ASSERT_EQUAL(200, first.status);
            CPPUNIT_ASSERT_EQUAL(std::string("0"), first.body);
            CPPUNIT_ASSERT_EQUAL(std::string(""), first.header("Idempotent-Replayed"));
            Reply again = c.post("/send/" + id, "only once", "text/plain", key);
            CPPUNIT_ASSERT_EQUAL(200, again.status);
            CPPUNIT_ASSERT_EQUAL(std::string("0"), again.body);
            CPPUNIT_ASSERT_EQUAL(std::string("true"), again.header("Idempotent-Replayed"));
            Reply reused = c.post("/send/" + id, "something else", "text/plain", key);
            CPPUNIT_ASSERT_EQUAL(422, reused.status);
            CPPUNIT_ASSERT(reused.body.find("another message") != std::string::npos);
            Reply bad = c.post("/send/" + id, "x", "text/plain", {{"Idempotency-Key", "a b"}});
            CPPUNIT_ASSERT_EQUAL(400, bad.status);
            CPPUNIT_ASSERT(bad.body.find("Idempotency-Key") != std::string::npos);
            CPPUNIT_ASSERT_EQUAL(400, c.post("/send/" + id, "x", "text/plain",
                                             {{"Idempotency-Key", std::string(65, 'k')}})
                                          .status);
            // Two keys: refused, not one of them picked (nothing appended).
            const std::string twice =
                c.raw("POST /send/" + id +
                      " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
                      "10\r\nIdempotency-Key: msg-1\r\nidempotency-key: msg-9\r\nConnection: "
                      "close\r\n\r\nonly twice");
            CPPUNIT_ASSERT_MESSAGE(twice, twice.rfind("HTTP/1.1 400", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(twice, twice.find("more than one Idempotency-Key") !=
                                              std::string::npos);
            double took = 0;
            daemon.stop(SIGKILL, 5, took);
        }
        DaemonProcess daemon(config());
        TestClient c(daemon.host(), daemon.port());
        Reply afterKill = c.post("/send/" + id, "only once", "text/plain", key);
        CPPUNIT_ASSERT_EQUAL(200, afterKill.status);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), afterKill.body);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), afterKill.header("Idempotent-Replayed"));
        // Eight copies at once: each is told the one number, or 503 (the
        // first still being stored) and then the number when sent again.
        std::vector<std::thread> senders;
        std::atomic<int> wrong{0};
        for (int i = 0; i < 8; ++i)
            senders.emplace_back(
                [&]
                {
                    TestClient own(daemon.host(), daemon.port());
                    const std::map<std::string, std::string> once{{"Idempotency-Key", "msg-2"}};
                    Reply r = own.post("/send/" + id, "at once", "text/plain", once);
                    // 503 only while the first copy is being stored: a
                    // commit, milliseconds even on a loaded machine.
                    for (int tries = 0; r.status == 503 && tries < 100; ++tries)
                    {
                        std::this_thread::sleep_for(std::chrono::milliseconds(20));
                        r = own.post("/send/" + id, "at once", "text/plain", once);
                    }
                    if (r.status != 200 || r.body != "1")
                        ++wrong;
                });
        for (auto& s : senders)
            s.join();
        CPPUNIT_ASSERT_EQUAL(0, wrong.load());
        std::uint64_t next = 0;
        auto all = history(c, id, next);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), next);
        CPPUNIT_ASSERT_EQUAL(std::string("only once"), all.at(0).second);
        CPPUNIT_ASSERT_EQUAL(std::string("at once"), all.at(1).second);
    }

    void killedMidStreamLosesNothingAcknowledged()
    {
        const int senders = 8;
        const std::size_t target = 3000; // acknowledged messages before the kill
        std::vector<std::string> rooms;
        std::mutex mutex;
        std::map<std::string, std::map<std::uint64_t, std::string>> acknowledged;
        std::atomic<std::size_t> count{0};
        std::atomic<bool> stop{false};
        {
            DaemonProcess daemon(config());
            TestClient c(daemon.host(), daemon.port());
            rooms = {c.createRoom("crash a", true), c.createRoom("crash b", false)};
            std::vector<std::thread> threads;
            for (int t = 0; t < senders; ++t)
                threads.emplace_back(
                    [&, t]
                    {
                        TestClient mine(daemon.host(), daemon.port());
                        const std::string& room = rooms[static_cast<std::size_t>(t) % rooms.size()];
                        for (int i = 0; !stop; ++i)
                        {
                            std::string text =
                                "sender " + std::to_string(t) + " #" + std::to_string(i);
                            try
                            {
                                Reply r = mine.post("/send/" + room, text, "text/plain");
                                if (r.status != 200)
                                    continue;
                                std::lock_guard<std::mutex> lock(mutex);
                                acknowledged[room][std::stoull(r.body)] = text;
                                ++count;
                            }
                            catch (const Poco::Exception&)
                            {
                                return; // the daemon is gone
                            }
                        }
                    });
            eventually([&] { return count >= target; }, 60, 5);
            ::kill(daemon.pid(), SIGKILL); // mid-stream: every sender has a request in flight
            stop = true;
            for (auto& t : threads)
                t.join();
            double took = 0;
            daemon.stop(SIGKILL, 5, took);
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(count.load()), count >= target);

        DaemonProcess daemon(config());
        TestClient c(daemon.host(), daemon.port());
        std::size_t checked = 0;
        for (const auto& room : rooms)
        {
            std::uint64_t next = 0;
            auto stored = history(c, room, next);
            // Continuous: 0 … next-1, each number once.
            CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(next), stored.size());
            std::set<std::string> texts;
            for (std::size_t i = 0; i < stored.size(); ++i)
            {
                CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), stored[i].first);
                CPPUNIT_ASSERT_MESSAGE(stored[i].second, texts.insert(stored[i].second).second);
            }
            // Every acknowledged message is there with its number and text.
            for (const auto& ack : acknowledged[room])
            {
                CPPUNIT_ASSERT(ack.first < stored.size());
                CPPUNIT_ASSERT_EQUAL(ack.second, stored[ack.first].second);
                ++checked;
            }
            // And numbering goes on without a repeat.
            CPPUNIT_ASSERT_EQUAL(std::to_string(next),
                                 c.post("/send/" + room, "after the crash", "text/plain").body);
        }
        CPPUNIT_ASSERT_EQUAL(count.load(), checked);
        std::cout << "\n[crash] " << checked << " acknowledged messages survived kill -9 "
                  << std::flush;
    }

    void failedWritesAnswer503AndRecover()
    {
        DaemonProcess daemon(config());
        TestClient c(daemon.host(), daemon.port());
        std::string id = c.createRoom("disk", true);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), c.post("/send/" + id, "kept", "text/plain").body);

        // A file size limit of 0 on the running daemon: every write fails as
        // on a full disk (the daemon ignores SIGXFSZ).
        rlimit full{0, RLIM_INFINITY};
        rlimit saved{};
        CPPUNIT_ASSERT_EQUAL(0, prlimit(daemon.pid(), RLIMIT_FSIZE, &full, &saved));
        Reply refused = c.post("/send/" + id, "not stored", "text/plain");
        CPPUNIT_ASSERT_EQUAL(503, refused.status);
        CPPUNIT_ASSERT(refused.body.find("could not be stored") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("kept"), c.get("/msg/" + id + "/0").body); // reads go on
        CPPUNIT_ASSERT_EQUAL(200, c.get("/api/rooms/" + id).status);
        CPPUNIT_ASSERT_EQUAL(503, c.get("/chat_create?subject=x").status);

        CPPUNIT_ASSERT_EQUAL(0, prlimit(daemon.pid(), RLIMIT_FSIZE, &saved, nullptr));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), c.post("/send/" + id, "again", "text/plain").body);
        CPPUNIT_ASSERT(daemon.logHas("cannot store"));

        double took = 0;
        daemon.stop(SIGKILL, 5, took);
        DaemonProcess again(config());
        TestClient d(again.host(), again.port());
        std::uint64_t next = 0;
        auto stored = history(d, id, next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), stored.size());
        CPPUNIT_ASSERT_EQUAL(std::string("again"), stored[1].second);
    }

    void unusableDatabaseStopsTheStart()
    {
        auto conf = [&](const std::string& name, const std::string& path)
        {
            std::string file = _dir + "/" + name + ".conf";
            std::ofstream(file) << "store.path = " << path << "\nhttp.address = 127.0.0.1\n";
            return file;
        };
        const std::string garbage = _dir + "/garbage.db";
        std::ofstream(garbage) << std::string(3000, 'x') << "not sqlite";
        const std::string before = contents(garbage);
        for (bool detach : {false, true})
        {
            std::vector<std::string> args = {"-c", conf("garbage", garbage), "-p",
                                             std::to_string(LineClient::freePort())};
            if (detach)
                args.push_back("-d"); // reported before detaching
            std::string out;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 74, DaemonProcess::run(args, out));
            CPPUNIT_ASSERT_MESSAGE(out, out.find(garbage) != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(out, out.find("not a database") != std::string::npos);
            CPPUNIT_ASSERT(before == contents(garbage));
        }

        std::string out;
        const std::string underFile = garbage + "/chat.db";
        CPPUNIT_ASSERT_EQUAL(74, DaemonProcess::run({"-c", conf("nofolder", underFile), "-p",
                                                     std::to_string(LineClient::freePort())},
                                                    out));
        CPPUNIT_ASSERT_MESSAGE(out, out.find(underFile) != std::string::npos);

        // A database another hchatd is using.
        DaemonProcess first(config());
        CPPUNIT_ASSERT_EQUAL(74, DaemonProcess::run({"-c", conf("second", _dir + "/chat.db"), "-p",
                                                     std::to_string(LineClient::freePort())},
                                                    out));
        CPPUNIT_ASSERT_MESSAGE(out, out.find("locked") != std::string::npos);
        TestClient c(first.host(), first.port());
        CPPUNIT_ASSERT_EQUAL(303, c.get("/chat_create?subject=still+fine").status);
    }

    void retentionAnswers410AndKeepsNumbering()
    {
        auto settings = config();
        settings["store.retention"] = "2s";
        std::string id;
        {
            DaemonProcess daemon(settings);
            TestClient c(daemon.host(), daemon.port());
            id = c.createRoom("short memory", true);
            c.post("/send/" + id, "soon gone", "text/plain");
            c.post("/send/" + id, "also gone", "text/plain");
            CPPUNIT_ASSERT_EQUAL(200, c.get("/msg/" + id + "/0").status);
            // Retention sweeps run every second.
            CPPUNIT_ASSERT(
                eventually([&] { return c.get("/msg/" + id + "/1").status == 410; }, 6, 100));
            CPPUNIT_ASSERT_EQUAL(410, c.get("/msg/" + id + "/0").status);
            CPPUNIT_ASSERT_EQUAL(410, c.get("/msg/" + id + "/1").status);
            // The page answers 410 from the window's clock; the store's sweep
            // that deletes the rows may come up to a second later.
            CPPUNIT_ASSERT(
                eventually([&] { return daemon.logHas("retention: deleted 2 messages"); }, 3, 100));
        }
        // Every message of the room is deleted; after a restart its numbering
        // still goes on instead of starting again at 0.
        DaemonProcess daemon(settings);
        TestClient c(daemon.host(), daemon.port());
        CPPUNIT_ASSERT_EQUAL(410, c.get("/msg/" + id + "/1").status);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), c.post("/send/" + id, "new", "text/plain").body);
        CPPUNIT_ASSERT_EQUAL(std::string("new"), c.get("/msg/" + id + "/2").body);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PersistenceTest);

} // namespace hchat::test
