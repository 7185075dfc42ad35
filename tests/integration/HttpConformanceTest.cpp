#include "support/DaemonTest.h"
#include "support/RawHttpConnection.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

namespace hchat::test
{

class HttpConformanceTest : public DaemonTest
/// Request heads as RFC 9112 has them, over raw sockets: request smuggling
/// shapes are refused and the connection closed, versions other than 1.0
/// and 1.1 get 505, 1.1 needs a Host, and every GET route answers HEAD.
/// A body its request was refused without is skipped: the next request on
/// the connection is answered as itself.
{
    CPPUNIT_TEST_SUITE(HttpConformanceTest);
    CPPUNIT_TEST(smugglingShapesAreRefusedAndClosed);
    CPPUNIT_TEST(unreadableLengthsAreRefusedAndClosed);
    CPPUNIT_TEST(versionsHostAndControlCharacters);
    CPPUNIT_TEST(headAnswersLikeGetWithoutABody);
    CPPUNIT_TEST(refusedBodiesAreSkipped);
    CPPUNIT_TEST_SUITE_END();

    std::string _room;

    std::map<std::string, std::string> configuration() const override
    {
        return {{"longpoll.timeout", "1"}};
    }

    std::string post(const std::string& headers, const std::string& body)
    {
        return http().raw("POST /send/" + _room + " HTTP/1.1\r\nHost: x\r\nContent-Type: " +
                              "text/plain\r\n" + headers + "\r\n" + body,
                          1.5);
    }

    static int answers(const std::string& reply)
    {
        int count = 0;
        for (std::size_t at = reply.find("HTTP/1."); at != std::string::npos;
             at = reply.find("HTTP/1.", at + 1))
            if (at == 0 || reply.compare(at - 2, 2, "\r\n") == 0)
                ++count;
        return count;
    }

    static std::string status(const std::string& reply) { return reply.substr(0, 12); }

    std::uint64_t next()
    {
        return object(http().get("/api/rooms/" + _room).body)->getValue<std::uint64_t>("next");
    }

public:
    void setUp() override
    {
        DaemonTest::setUp();
        _room = http().createRoom("heads", false);
    }

    void smugglingShapesAreRefusedAndClosed()
    {
        const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        const std::vector<std::pair<std::string, std::string>> shapes = {
            {"Content-Length: 1\r\nContent-Length: 40\r\n", "x" + smuggled},
            {"Transfer-Encoding:\r\n chunked\r\nContent-Length: 3\r\n", "1\r\nx\r\n0\r\n\r\n"},
            {"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "1\r\nx\r\n0\r\n\r\n"},
            {"Transfer-Encoding: identity, chunked\r\n", "1\r\nx\r\n0\r\n\r\n" + smuggled},
            {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
            {"Content-Length: +5\r\n", "hello"},
            {"Content-Length: -1\r\n", "hello"}};
        for (const auto& shape : shapes)
        {
            const std::string reply = post(shape.first, shape.second);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(shape.first, std::string("HTTP/1.1 400"), status(reply));
            CPPUNIT_ASSERT_MESSAGE(shape.first,
                                   reply.find("Connection: close") != std::string::npos ||
                                       reply.find("Connection: Close") != std::string::npos);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(shape.first, 1, answers(reply));
        }
        const std::string unknown =
            post("Transfer-Encoding: xchunked\r\nContent-Length: 3\r\n", "abc");
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 501"), status(unknown));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), next()); // nothing was appended
        // The plain forms still work.
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"),
                             status(post("Content-Length: 5\r\n", "hello")));
        CPPUNIT_ASSERT_EQUAL(
            std::string("HTTP/1.1 200"),
            status(post("Transfer-Encoding: chunked\r\n", "5\r\nworld\r\n0\r\n\r\n")));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), next());
    }

    void unreadableLengthsAreRefusedAndClosed()
    {
        // POCO cannot build a request from these: 400 and close, nothing
        // appended, nothing after them served.
        for (const char* length : {"5, 5", "99999999999999999999"})
        {
            const std::string reply =
                post(std::string("Content-Length: ") + length + "\r\n",
                     "hello" + std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(length, std::string("HTTP/1.1 400"), status(reply));
            CPPUNIT_ASSERT_MESSAGE(reply, reply.find("Connection: Close") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(reply,
                                   reply.find("unreadable request head") != std::string::npos);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(length, 1, answers(reply));
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), next());
        CPPUNIT_ASSERT(_daemon->log().find("unhandled exception") == std::string::npos);
    }

    void versionsHostAndControlCharacters()
    {
        TestClient c = http();
        for (const char* version : {"HTTP/9.9", "FOO/1.1", "HTTP/2.0"})
        {
            const std::string reply =
                c.raw(std::string("GET /healthz ") + version + "\r\nHost: x\r\n\r\n", 1.5);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(version, std::string("HTTP/1.1 505"), status(reply));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 400"),
                             status(c.raw("GET /healthz HTTP/1.1\r\n\r\n", 1.5)));
        CPPUNIT_ASSERT_EQUAL(
            std::string("HTTP/1.1 400"),
            status(c.raw("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 1.5)));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.0 200"),
                             status(c.raw("GET /healthz HTTP/1.0\r\n\r\n", 1.5)));
        CPPUNIT_ASSERT_EQUAL(
            std::string("HTTP/1.1 400"),
            status(c.raw(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 45),
                         1.5)));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 400"),
                             status(c.raw("GET /healthz HTTP/1.1\rHost: x\r\n\r\n", 1.5)));
    }

    void headAnswersLikeGetWithoutABody()
    {
        TestClient c = http();
        c.post("/send/" + _room, "hello", "text/plain");
        for (const std::string& path :
             {std::string("/"), "/chat/" + _room, "/msg/" + _room + "/0", "/msg/" + _room + "/9",
              "/events/" + _room, std::string("/api/rooms"), "/api/rooms/" + _room,
              "/api/rooms/" + _room + "/messages", std::string("/healthz"), std::string("/metrics"),
              std::string("/static/chat.js"), std::string("/nope")})
        {
            const std::string get =
                c.raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3);
            const std::string head =
                c.raw("HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path, status(get), status(head));
            const std::size_t end = head.find("\r\n\r\n");
            CPPUNIT_ASSERT_MESSAGE(path, end != std::string::npos);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path + ": " + head, head.size(), end + 4); // no body
            CPPUNIT_ASSERT_MESSAGE(path, head.find("Content-Type:") != std::string::npos ||
                                             status(head) == "HTTP/1.1 204");
        }
        CPPUNIT_ASSERT(
            c.raw("DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1.5).find("Allow: GET, HEAD") !=
            std::string::npos);
    }

    void refusedBodiesAreSkipped()
    {
        RawHttpConnection c(_daemon->host(), _daemon->port());
        const std::string next = "GET /api/rooms/" + _room + " HTTP/1.1\r\nHost: x\r\n\r\n";
        // Refused before the body is read: a GET-only URL, a room that is
        // not there, each followed at once by a request of its own.
        c.send("POST /msg/" + _room + "/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n" +
               "hello" + next);
        CPPUNIT_ASSERT_EQUAL(405, c.read().status);
        Reply room = c.read();
        CPPUNIT_ASSERT_EQUAL(200, room.status);
        CPPUNIT_ASSERT(room.body.find(_room) != std::string::npos);
        c.send("POST /send/00000000000000000000000000000000 HTTP/1.1\r\nHost: x\r\n"
               "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" +
               next);
        CPPUNIT_ASSERT_EQUAL(404, c.read().status);
        CPPUNIT_ASSERT_EQUAL(200, c.read().status);
        // Too much to skip: answered, then closed, never read as a request.
        c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
               std::string(100000, 'x'));
        CPPUNIT_ASSERT_EQUAL(405, c.read().status);
        CPPUNIT_ASSERT(c.closedByServer());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpConformanceTest);

} // namespace hchat::test
