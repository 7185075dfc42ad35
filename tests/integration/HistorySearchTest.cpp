#include "support/DaemonTest.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class HistorySearchTest : public DaemonTest
/// Older history and search over HTTP, as the page uses them:
/// GET /api/rooms/<id>/messages?before=n&limit=k reads the log upwards,
/// GET /api/rooms/<id>/search?q=… finds messages (SQLite FTS5) with their
/// snippet in parts; bad parameters get 400 with a sentence.
{
    CPPUNIT_TEST_SUITE(HistorySearchTest);
    CPPUNIT_TEST(olderHistoryIsReadUpwardsToTheStart);
    CPPUNIT_TEST(searchFindsMessagesWithTheirSnippet);
    CPPUNIT_TEST(badParametersAreRefused);
    CPPUNIT_TEST(searchesSpendTheRateLimit);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> configuration() const override
    {
        return {{"store.path", _state + "/hchatd.db"}, {"limits.messagesPerSecond", "0"}};
    }

    std::vector<std::uint64_t> page(const std::string& query)
    {
        Reply r = http().get(query);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        std::vector<std::uint64_t> ids;
        auto messages = object(r.body)->getArray("messages");
        for (std::size_t i = 0; i < messages->size(); ++i)
            ids.push_back(
                messages->getObject(static_cast<unsigned>(i))->getValue<std::uint64_t>("id"));
        return ids;
    }

public:
    void olderHistoryIsReadUpwardsToTheStart()
    {
        const std::string room = http().createRoom("history", false);
        for (int i = 0; i < 12; ++i)
            http().post("/send/" + room, "line " + std::to_string(i), "text/plain");
        using V = std::vector<std::uint64_t>;
        const std::string base = "/api/rooms/" + room + "/messages?";
        CPPUNIT_ASSERT(page(base + "limit=5") == (V{7, 8, 9, 10, 11}));
        CPPUNIT_ASSERT(page(base + "before=7&limit=5") == (V{2, 3, 4, 5, 6}));
        CPPUNIT_ASSERT(page(base + "before=2&limit=5") == (V{0, 1}));
        CPPUNIT_ASSERT(page(base + "before=0&limit=5").empty());         // the start
        CPPUNIT_ASSERT(page(base + "before=99&limit=2") == (V{10, 11})); // beyond the end
        // The same after a restart, read from the file.
        restart(configuration());
        CPPUNIT_ASSERT(page(base + "before=4&limit=3") == (V{1, 2, 3}));
    }

    void searchFindsMessagesWithTheirSnippet()
    {
        const std::string room = http().createRoom("search", false);
        const std::string other = http().createRoom("other", false);
        http().post("/send/" + room, "Meet at the Café at noon", "text/plain");
        http().post("/send/" + room, "<b>bold</b> plans for noon", "text/plain");
        http().post("/send/" + other, "noon elsewhere", "text/plain");
        Reply r = http().get("/api/rooms/" + room + "/search?q=cafe%20no");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        auto results = object(r.body)->getArray("results");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), results->size());
        auto hit = results->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), hit->getValue<std::uint64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("Meet at the Café at noon"),
                             hit->getValue<std::string>("text"));
        auto parts = hit->getArray("snippet");
        std::string marked;
        for (std::size_t i = 0; i < parts->size(); ++i)
        {
            auto part = parts->getObject(static_cast<unsigned>(i));
            const bool match = part->optValue<bool>("match", false);
            marked += (match ? "[" : "") + part->getValue<std::string>("text") + (match ? "]" : "");
        }
        CPPUNIT_ASSERT_EQUAL(std::string("Meet at the [Café] at [noon]"), marked);

        // Markup is text; only this room is searched; limit holds.
        r = http().get("/api/rooms/" + room + "/search?q=noon&limit=1");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), object(r.body)->getArray("results")->size());
        r = http().get("/api/rooms/" + room + "/search?q=%3Cb%3E");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        r = http().get("/api/rooms/" + room + "/search?q=elsewhere");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), object(r.body)->getArray("results")->size());
        // Below a number only; SQLite searched every message.
        r = http().get("/api/rooms/" + room + "/search?q=noon&before=1");
        results = object(r.body)->getArray("results");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), results->size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0),
                             results->getObject(0)->getValue<std::uint64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0),
                             object(r.body)->getValue<std::uint64_t>("searchedFrom"));
    }

    void searchesSpendTheRateLimit()
    {
        restart({{"store.path", _state + "/hchatd.db"},
                 {"limits.messagesPerSecond", "1"},
                 {"limits.burst", "3"}});
        const std::string room = http().createRoom("limited", false);
        int refused = 0;
        std::string retryAfter;
        for (int i = 0; i < 8; ++i)
        {
            Reply r = http().get("/api/rooms/" + room + "/search?q=anything");
            if (r.status == 429)
            {
                ++refused;
                retryAfter = r.header("Retry-After");
            }
            else
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        }
        CPPUNIT_ASSERT(refused >= 4);
        CPPUNIT_ASSERT(!retryAfter.empty());
    }

    void badParametersAreRefused()
    {
        const std::string room = http().createRoom("bad", false);
        const std::string search = "/api/rooms/" + room + "/search";
        CPPUNIT_ASSERT_EQUAL(400, http().get(search).status);
        CPPUNIT_ASSERT_EQUAL(400, http().get(search + "?q=%20%20").status);
        CPPUNIT_ASSERT_EQUAL(400, http().get(search + "?q=" + std::string(300, 'x')).status);
        CPPUNIT_ASSERT_EQUAL(400, http().get(search + "?q=x&limit=-1").status);
        CPPUNIT_ASSERT_EQUAL(400, http().get(search + "?q=x&before=old").status);
        CPPUNIT_ASSERT_EQUAL(
            404, http().get("/api/rooms/" + std::string(32, 'f') + "/search?q=x").status);
        const std::string messages = "/api/rooms/" + room + "/messages";
        Reply both = http().get(messages + "?before=1&from=0");
        CPPUNIT_ASSERT_EQUAL(400, both.status);
        CPPUNIT_ASSERT(both.body.find("not both") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(400, http().get(messages + "?before=x").status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HistorySearchTest);

} // namespace hchat::test
