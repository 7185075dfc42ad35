#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/TestClient.h"

#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace hchat::test
{

class BadInputTest : public DaemonTest
/// Every kind of bad input gets a clear error, and none of it crashes the
/// daemon or changes a room. Each test ends by checking the room is intact.
{
    CPPUNIT_TEST_SUITE(BadInputTest);
    CPPUNIT_TEST(unknownRoomsAre404);
    CPPUNIT_TEST(badMessageNumbersAre400);
    CPPUNIT_TEST(badMessagesAreRefused);
    CPPUNIT_TEST(oversizedBodyRefusedBeforeItIsRead);
    CPPUNIT_TEST(rateLimitAnswers429WithRetryAfter);
    CPPUNIT_TEST(badRoomCreation);
    CPPUNIT_TEST(unknownPathsAndMethods);
    CPPUNIT_TEST(pathTraversalIsImpossible);
    CPPUNIT_TEST(oversizedHeadersAndUris);
    CPPUNIT_TEST(silentClientIsDroppedWithoutBlockingOthers);
    CPPUNIT_TEST(garbageRequestsDoNotCrash);
    CPPUNIT_TEST(drippedBodyMeetsItsDeadline);
    CPPUNIT_TEST(drippedHeadMeetsItsDeadline);
    CPPUNIT_TEST(madeUpCookiesBuyNoRateLimit);
    CPPUNIT_TEST(signedCookiesShareTheAddresssBudget);
    CPPUNIT_TEST_SUITE_END();

    std::string _room;

    TestClient client() { return http(); }

    void assertRoomIntact(std::uint64_t expectedNext)
    {
        TestClient c = client();
        CPPUNIT_ASSERT_EQUAL(200, c.get("/healthz").status);
        Reply room = c.get("/api/rooms/" + _room);
        CPPUNIT_ASSERT(room.body.find("\"next\":" + std::to_string(expectedNext)) !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("first"), c.get("/msg/" + _room + "/0").body);
    }

    std::map<std::string, std::string> configuration() const override
    {
        return {{"longpoll.timeout", "1"},
                {"chat.maxMessageBytes", "100"},
                {"http.requestTimeout", "1"},
                {"limits.messagesPerSecond", "1"},
                {"limits.burst", "5"}};
    }

public:
    void setUp() override
    {
        DaemonTest::setUp();
        _room = client().createRoom("bad input", true);
        CPPUNIT_ASSERT_EQUAL(200, client().post("/send/" + _room, "first", "text/plain").status);
    }

    void unknownRoomsAre404()
    {
        TestClient c = client();
        const std::string unknown(32, 'f');
        for (const std::string& id : {unknown, std::string("short"), std::string(32, 'F')})
        {
            CPPUNIT_ASSERT_EQUAL(404, c.get("/msg/" + id + "/0").status);
            CPPUNIT_ASSERT_EQUAL(404, c.post("/send/" + id, "x", "text/plain").status);
            CPPUNIT_ASSERT_EQUAL(404, c.get("/chat/" + id).status);
            CPPUNIT_ASSERT_EQUAL(404, c.get("/api/rooms/" + id).status);
            CPPUNIT_ASSERT_EQUAL(404, c.get("/api/rooms/" + id + "/messages").status);
        }
        Reply page = c.get("/chat/" + unknown, {{"Accept", "text/html"}});
        CPPUNIT_ASSERT(page.response.getContentType().find("text/html") != std::string::npos);
        CPPUNIT_ASSERT(page.body.find("no such room") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("no such room\n"), c.get("/msg/" + unknown + "/0").body);
        assertRoomIntact(1);
    }

    void badMessageNumbersAre400()
    {
        TestClient c = client();
        for (const char* n :
             {"abc", "-1", "1.5", "%2D1", "+1", "0x1", "99999999999999999999", "%201"})
        {
            Reply r = c.get("/msg/" + _room + "/" + n);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(n, 400, r.status);
            CPPUNIT_ASSERT(!r.body.empty());
        }
        CPPUNIT_ASSERT_EQUAL(400, c.get("/api/rooms/" + _room + "/messages?from=x").status);
        CPPUNIT_ASSERT_EQUAL(400, c.get("/api/rooms/" + _room + "/messages?limit=-5").status);
        CPPUNIT_ASSERT_EQUAL(400, c.get("/api/rooms/" + _room + "/messages?wait=soon").status);
        assertRoomIntact(1);
    }

    void badMessagesAreRefused()
    {
        TestClient c = client();
        const std::string path = "/send/" + _room;
        CPPUNIT_ASSERT_EQUAL(400, c.post(path, "", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(400, c.post(path, "  \n\t ", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(400, c.post(path, "bad \xFF\xFE utf-8", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(400, c.post(path, "\xC0\x80", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(
            400, c.post(path, "text=%FF%FE", "application/x-www-form-urlencoded").status);
        CPPUNIT_ASSERT_EQUAL(
            400,
            c.post(path, "text=hi&nick=bad%20nick", "application/x-www-form-urlencoded").status);
        CPPUNIT_ASSERT_EQUAL(400, c.post(path, "text=hi&nick=" + std::string(33, 'n'),
                                         "application/x-www-form-urlencoded")
                                      .status);
        Reply tooLong = c.post(path, std::string(101, 'x'), "text/plain");
        CPPUNIT_ASSERT_EQUAL(413, tooLong.status);
        CPPUNIT_ASSERT(tooLong.body.find("100") != std::string::npos);
        // Exactly the limit is fine (and multi-byte characters count in bytes).
        CPPUNIT_ASSERT_EQUAL(200, c.post(path, std::string(100, 'x'), "text/plain").status);
        std::string euros;
        for (int i = 0; i < 34; ++i)
            euros += "\xE2\x82\xAC"; // 34 characters, 102 bytes
        CPPUNIT_ASSERT_EQUAL(413, c.post(path, euros, "text/plain").status);
        assertRoomIntact(2);
    }

    void oversizedBodyRefusedBeforeItIsRead()
    {
        // Announce 100 MB and send none of it: the answer comes at once.
        auto start = std::chrono::steady_clock::now();
        std::string answer =
            client().raw("POST /send/" + _room +
                             " HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n",
                         3);
        double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CPPUNIT_ASSERT(answer.find("HTTP/1.1 413") == 0);
        CPPUNIT_ASSERT(took < 2.5);
        // Chunked, without a length: cut off once over the limit.
        std::string chunk(1000, 'y');
        std::string chunked = "POST /send/" + _room +
                              " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 5; ++i)
            chunked += "3e8\r\n" + chunk + "\r\n";
        chunked += "0\r\n\r\n";
        CPPUNIT_ASSERT(client().raw(chunked, 3).find("HTTP/1.1 413") == 0);
        // A body shorter than announced is never taken as a message.
        std::string cut =
            client().raw("POST /send/" + _room +
                             " HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: text/plain\r\nContent-Length: 50\r\n\r\nonly this",
                         0.3);
        CPPUNIT_ASSERT(cut.find("HTTP/1.1 200") == std::string::npos);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // past http.requestTimeout
        assertRoomIntact(1);
    }

    void rateLimitAnswers429WithRetryAfter()
    {
        TestClient c = client();
        int ok = 0, limited = 0;
        Reply last;
        for (int i = 0; i < 10; ++i)
        {
            Reply r = c.post("/send/" + _room, "spam " + std::to_string(i), "text/plain");
            if (r.status == 200)
                ++ok;
            else if (r.status == 429)
            {
                ++limited;
                last = r;
            }
        }
        // setUp spent two tokens of the burst of 5 (creating the room, sending
        // "first"); refilling at 1/s adds at most one during the loop.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ok), ok >= 3 && ok <= 4);
        CPPUNIT_ASSERT_EQUAL(10 - ok, limited);
        int retryAfter = std::stoi(last.header("Retry-After"));
        CPPUNIT_ASSERT(retryAfter >= 1 && retryAfter <= 2);
        CPPUNIT_ASSERT(!last.body.empty());
        assertRoomIntact(1 + static_cast<std::uint64_t>(ok));
    }

    void badRoomCreation()
    {
        TestClient c = client();
        CPPUNIT_ASSERT_EQUAL(400, c.get("/chat_create?subject=%FF").status);
        CPPUNIT_ASSERT_EQUAL(400, c.get("/chat_create?subject=" + std::string(201, 's')).status);
        CPPUNIT_ASSERT_EQUAL(400, c.get("/chat_create?subject=a%0Ab").status);
        Reply maybe = c.get("/chat_create?public=maybe");
        CPPUNIT_ASSERT_EQUAL(400, maybe.status);
        CPPUNIT_ASSERT(maybe.body.find("1, on, true or yes") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(400, c.get("/chat_create?subject=%ZZ").status);
        // 200 bytes after trimming is fine; an empty subject too.
        CPPUNIT_ASSERT_EQUAL(
            303, c.get("/chat_create?subject=%20%20" + std::string(200, 's') + "%20").status);
        CPPUNIT_ASSERT_EQUAL(303, c.get("/chat_create").status);
        assertRoomIntact(1);
    }

    void unknownPathsAndMethods()
    {
        TestClient c = client();
        Reply r = c.get("/no/such/thing");
        CPPUNIT_ASSERT_EQUAL(404, r.status);
        CPPUNIT_ASSERT(!r.body.empty());
        r = c.get("/send/" + _room);
        CPPUNIT_ASSERT_EQUAL(405, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), r.header("Allow"));
        r = c.post("/msg/" + _room + "/0", "x", "text/plain");
        CPPUNIT_ASSERT_EQUAL(405, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD"), r.header("Allow"));
        CPPUNIT_ASSERT_EQUAL(405, c.request("PUT", "/api/rooms/" + _room, "", "", {}).status);
        CPPUNIT_ASSERT_EQUAL(405, c.request("PUT", "/", "", "", {}).status);
        assertRoomIntact(1);
    }

    void pathTraversalIsImpossible()
    {
        TestClient c = client();
        for (const char* path : {"/static/../../../../etc/passwd", "/static/..%2F..%2Fetc%2Fpasswd",
                                 "/static/%2e%2e/hchatd.conf", "/static/chat.html", "/static/",
                                 "/static/.", "/../hchatd.conf", "/static//etc/passwd"})
        {
            Reply r = c.get(path);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 404, r.status);
            CPPUNIT_ASSERT_MESSAGE(path, r.body.find("root:") == std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(200, c.get("/static/chat.js").status);
        std::string raw = c.raw("GET /static/../../etc/passwd HTTP/1.0\r\n\r\n", 1);
        CPPUNIT_ASSERT(raw.find("root:") == std::string::npos);
        assertRoomIntact(1);
    }

    void oversizedHeadersAndUris()
    {
        TestClient c = client();
        std::string hugeHeader = c.raw(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n",
            2);
        CPPUNIT_ASSERT(hugeHeader.find("HTTP/1.1 4") == 0);
        std::string manyHeaders = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 500; ++i)
            manyHeaders += "X-H" + std::to_string(i) + ": v\r\n";
        CPPUNIT_ASSERT(c.raw(manyHeaders + "\r\n", 2).find("HTTP/1.1 4") == 0);
        std::string hugeUri =
            c.raw("GET /msg/" + std::string(30000, 'a') + "/0 HTTP/1.1\r\nHost: x\r\n\r\n", 2);
        CPPUNIT_ASSERT(hugeUri.find("HTTP/1.1 4") == 0);
        assertRoomIntact(1);
    }

    void madeUpCookiesBuyNoRateLimit()
    {
        // A fresh made-up person per request: all count as this address
        // (burst 5, one spent by setUp's send), so most are refused.
        TestClient c = client();
        int stored = 0;
        for (int i = 0; i < 20; ++i)
        {
            char id[33];
            std::snprintf(id, sizeof id, "%032x", i + 1);
            const std::string cookie = std::string("hchat_person=") + id + "; hchat_client=" + id;
            stored +=
                c.post("/send/" + _room, "burst", "text/plain", {{"Cookie", cookie}}).status == 200;
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(stored), stored <= 5);
        // The cookie the page gives is a person of its own, with its own budget.
        CPPUNIT_ASSERT_EQUAL(
            200, c.post("/send/" + _room, "mine", "text/plain", {{"Cookie", personCookie(_room)}})
                     .status);
    }

    void signedCookiesShareTheAddresssBudget()
    {
        // A bot loading the page for a fresh signed person per send gets
        // no more than limits.peoplePerAddress (10) people's burst (5 each).
        TestClient c = client();
        int stored = 0;
        Reply refused;
        for (int i = 0; i < 70; ++i)
        {
            Reply reply =
                c.post("/send/" + _room, "bot", "text/plain", {{"Cookie", personCookie(_room)}});
            if (reply.status == 200)
                ++stored;
            else
                refused = reply;
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(stored), stored >= 45 && stored <= 60);
        CPPUNIT_ASSERT_EQUAL(429, refused.status);
        CPPUNIT_ASSERT(refused.response.has("Retry-After"));
    }

    std::string dripUntilAnswered(const std::string& head)
    /// Sends head, then one byte every 0.4 s (never tripping the 1 s read
    /// timeout) until an answer comes or 16 s have passed.
    {
        Poco::Net::StreamSocket drip(
            Poco::Net::SocketAddress(_daemon->host(), static_cast<Poco::UInt16>(_daemon->port())));
        drip.sendBytes(head.data(), static_cast<int>(head.size()));
        std::string answer;
        drip.setReceiveTimeout(Poco::Timespan(0, 400000));
        for (int i = 0; i < 40 && answer.empty(); ++i)
        {
            try
            {
                drip.sendBytes("x", 1);
                char buffer[512];
                const int n = drip.receiveBytes(buffer, sizeof buffer);
                answer.assign(buffer, static_cast<std::size_t>(std::max(n, 0)));
            }
            catch (const Poco::TimeoutException&)
            {
            }
            catch (const Poco::Exception&)
            {
                break;
            }
        }
        return answer;
    }

    void drippedBodyMeetsItsDeadline()
    {
        // The whole body must come within http.requestTimeout (1 s).
        const auto start = std::chrono::steady_clock::now();
        const std::string answer = dripUntilAnswered("POST /send/" + _room +
                                                     " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                                     "text/plain\r\nContent-Length: 40\r\n\r\n");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(answer, 0, static_cast<int>(answer.find("HTTP/1.1 408")));
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
        assertRoomIntact(1);
    }

    void drippedHeadMeetsItsDeadline()
    {
        // The whole head too: a header dripped byte by byte is cut off
        // after http.requestTimeout (1 s) and the sweep after it (1 s).
        const auto start = std::chrono::steady_clock::now();
        const std::string answer =
            dripUntilAnswered("POST /send/" + _room + " HTTP/1.1\r\nHost: x\r\nX-Drip: ");
        const auto took = std::chrono::steady_clock::now() - start;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(answer, 0, static_cast<int>(answer.find("HTTP/1.1 408")));
        CPPUNIT_ASSERT(took >= std::chrono::milliseconds(900));
        CPPUNIT_ASSERT(took < std::chrono::seconds(4));
        CPPUNIT_ASSERT(http().get("/metrics").body.find("hchatd_http_head_timeouts_total 1") !=
                       std::string::npos);
        assertRoomIntact(1);
    }

    void silentClientIsDroppedWithoutBlockingOthers()
    {
        Poco::Net::StreamSocket silent(
            Poco::Net::SocketAddress(_daemon->host(), static_cast<Poco::UInt16>(_daemon->port())));
        // Others are served while it sits there.
        CPPUNIT_ASSERT_EQUAL(200, client().get("/healthz").status);
        auto start = std::chrono::steady_clock::now();
        silent.setReceiveTimeout(Poco::Timespan(5, 0));
        char buffer[256];
        int n = -1;
        try
        {
            n = silent.receiveBytes(buffer, sizeof buffer);
            // The read timeout closes it unanswered; the head deadline,
            // when it comes first, answers 408 before closing.
            if (n > 0 && std::string(buffer, static_cast<std::size_t>(n)).find("HTTP/1.1 408") == 0)
                n = silent.receiveBytes(buffer, sizeof buffer);
        }
        catch (const Poco::Exception&)
        {
            n = 0; // reset counts as dropped
        }
        double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CPPUNIT_ASSERT_EQUAL(0, n); // closed by the server...
        CPPUNIT_ASSERT(took < 4.0); // ...after http.requestTimeout (1 s), not the test's 5 s
        assertRoomIntact(1);
    }

    void garbageRequestsDoNotCrash()
    {
        TestClient c = client();
        for (const std::string& junk :
             {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
              std::string("HELLO\r\n\r\n"), std::string("GET\r\n\r\n"),
              std::string("GET / HTTP/9.9\r\n\r\n"),
              std::string("POST /send/") + _room + " HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
              std::string("POST /send/") + _room +
                  " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
              std::string(5000, '\0'),
              std::string("GET /msg/") + _room + "/0 HTTP/1.1\r\nHost: \xFF\xFE\r\n\r\n"})
            c.raw(junk, 0.5);
        assertRoomIntact(1);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BadInputTest);

} // namespace hchat::test
