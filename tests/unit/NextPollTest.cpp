#include "http/NextPoll.h"

#include <Poco/String.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class NextPollTest : public CppUnit::TestFixture
/// The plain long poll a kept-alive client sends next: read whole, or left
/// to POCO (0) for anything POCO might read or answer differently.
{
    CPPUNIT_TEST_SUITE(NextPollTest);
    CPPUNIT_TEST(plainPollIsReadWithItsLength);
    CPPUNIT_TEST(acceptAndCookieAreKeptTrimmed);
    CPPUNIT_TEST(headerNamesAreCaseInsensitive);
    CPPUNIT_TEST(incompleteHeadIsLeft);
    CPPUNIT_TEST(otherRequestsAreLeft);
    CPPUNIT_TEST(headersThatChangeTheAnswerAreLeft);
    CPPUNIT_TEST(malformedHeadersAreLeft);
    CPPUNIT_TEST(pocoLimitsAreLeftToPoco);
    CPPUNIT_TEST(hostAndControlCharactersAreLeftToPoco);
    CPPUNIT_TEST_SUITE_END();

    static const std::string& room()
    {
        static const std::string id = "c5aa782c264be6a4b9b2df5909205828";
        return id;
    }

    static std::size_t parse(const std::string& bytes, NextPoll& out)
    {
        return out.parse(bytes.data(), bytes.size());
    }

    static std::size_t parse(const std::string& bytes)
    {
        NextPoll out;
        return parse(bytes, out);
    }

    static std::string poll(const std::string& headers)
    /// A poll with these headers, and a Host unless they have one.
    {
        const bool hosted = Poco::toLower(headers).find("host:") != std::string::npos;
        return "GET /msg/" + room() + "/7 HTTP/1.1\r\n" + (hosted ? "" : "Host: x\r\n") + headers +
               "\r\n";
    }

public:
    void plainPollIsReadWithItsLength()
    {
        const std::string head = poll("Host: localhost:1234\r\nUser-Agent: curl/7.88.1\r\n");
        NextPoll next; // its fields point into the bytes parsed: those stay
        // What follows (a pipelined request) is not part of it.
        const std::string pipelined = head + "GET /msg/";
        CPPUNIT_ASSERT_EQUAL(head.size(), parse(pipelined, next));
        CPPUNIT_ASSERT_EQUAL(room(), std::string(next.room));
        CPPUNIT_ASSERT_EQUAL(std::string("7"), std::string(next.number));
        CPPUNIT_ASSERT(!next.hasAccept);
        CPPUNIT_ASSERT(!next.hasCookie);
        // No header but Host.
        const std::string bare = "GET /msg/r/12345678901234567890 HTTP/1.1\r\nHost: x\r\n\r\n";
        CPPUNIT_ASSERT_EQUAL(bare.size(), parse(bare, next));
        CPPUNIT_ASSERT_EQUAL(std::string("r"), std::string(next.room));
        CPPUNIT_ASSERT_EQUAL(std::string("12345678901234567890"),
                             std::string(next.number)); // checked later
    }

    void acceptAndCookieAreKeptTrimmed()
    {
        NextPoll next;
        next.accept = "left over";
        const std::string head =
            poll("Accept:  application/json \t\r\nCookie:\thchat_person=ab; x=1 \r\nHost: x\r\n");
        CPPUNIT_ASSERT_EQUAL(head.size(), parse(head, next));
        CPPUNIT_ASSERT(next.hasAccept);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), std::string(next.accept));
        CPPUNIT_ASSERT(next.hasCookie);
        CPPUNIT_ASSERT_EQUAL(std::string("hchat_person=ab; x=1"), std::string(next.cookie));
        // A second parse forgets the first's headers.
        const std::string plain = poll("");
        CPPUNIT_ASSERT(parse(plain, next) > 0);
        CPPUNIT_ASSERT(!next.hasAccept && next.accept.empty());
        CPPUNIT_ASSERT(!next.hasCookie && next.cookie.empty());
        // Present but empty is not absent.
        const std::string emptyAccept = poll("Accept:\r\n");
        CPPUNIT_ASSERT(parse(emptyAccept, next) > 0);
        CPPUNIT_ASSERT(next.hasAccept && next.accept.empty());
    }

    void headerNamesAreCaseInsensitive()
    {
        NextPoll next;
        const std::string head = poll("aCCEPT: text/plain\r\ncookie: a=b\r\n");
        CPPUNIT_ASSERT(parse(head, next) > 0);
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), std::string(next.accept));
        CPPUNIT_ASSERT_EQUAL(std::string("a=b"), std::string(next.cookie));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll("CONNECTION: close\r\n")));
    }

    void incompleteHeadIsLeft()
    {
        const std::string head = poll("Host: x\r\n");
        for (std::size_t cut = 0; cut < head.size(); ++cut)
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(head.substr(0, cut)));
        CPPUNIT_ASSERT_EQUAL(head.size(), parse(head));
    }

    void otherRequestsAreLeft()
    {
        const std::string id = room();
        for (const std::string& line :
             {"POST /msg/" + id + "/7 HTTP/1.1", "get /msg/" + id + "/7 HTTP/1.1",
              "GET /msg/" + id + "/7 HTTP/1.0", "GET /msg/" + id + "/7 HTTP/1.10",
              "GET /msg/" + id + "/7?x=1 HTTP/1.1", "GET /msg/" + id + "/%37 HTTP/1.1",
              "GET /msg/" + id + "/7/ HTTP/1.1", "GET /msg/" + id + "/ HTTP/1.1",
              std::string("GET /msg//7 HTTP/1.1"), "GET /msg/" + id + " HTTP/1.1",
              "GET /msg/" + id + "/7  HTTP/1.1", "GET  /msg/" + id + "/7 HTTP/1.1",
              "GET http://x/msg/" + id + "/7 HTTP/1.1", "GET /chat/" + id + " HTTP/1.1",
              "GET /events/" + id + " HTTP/1.1", "GET /msg/" + id + "/7 HTTP/1.1 "})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(line, std::size_t(0), parse(line + "\r\nHost: x\r\n\r\n"));
    }

    void headersThatChangeTheAnswerAreLeft()
    {
        for (const char* header :
             {"Connection: keep-alive", "Connection: close", "Content-Length: 0",
              "Transfer-Encoding: chunked", "Expect: 100-continue", "Upgrade: websocket"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(header, std::size_t(0),
                                         parse(poll(std::string(header) + "\r\n")));
        // Twice the same header the answer depends on: which one counts is POCO's call.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll("Accept: a\r\nAccept: b\r\n")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll("Cookie: a=1\r\nCookie: b=2\r\n")));
    }

    void malformedHeadersAreLeft()
    {
        for (const std::string& headers :
             {std::string("Host x\r\n"), std::string(": x\r\n"), std::string("Ho st: x\r\n"),
              std::string("Host: x\r\n continued\r\n"), std::string("Host: x\n"),
              std::string("Host: x\rY: z\r\n"), std::string("Host: a\0b\r\n", 12)})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(headers, std::size_t(0), parse(poll(headers)));
        // The request line with a bare LF.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse("GET /msg/" + room() + "/7 HTTP/1.1\n\r\n"));
    }

    void hostAndControlCharactersAreLeftToPoco()
    {
        const std::string bare = "GET /msg/" + room() + "/7 HTTP/1.1\r\n";
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(bare + "\r\n"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(bare + "Host: a\r\nHost: b\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll(std::string("Accept: a\0b\r\n", 13))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll("Cookie: a=b\rX: y\r\n")));
        CPPUNIT_ASSERT(parse(poll("Cookie: a=\tb\r\n")) > 0);
    }

    void pocoLimitsAreLeftToPoco()
    {
        // POCO answers 400 past 100 fields or a 256-byte name; so must it stay.
        std::string fields;
        for (int i = 1; i < 100; ++i) // and Host
            fields += "X-" + std::to_string(i) + ": y\r\n";
        CPPUNIT_ASSERT(parse(poll(fields)) > 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll(fields + "X-100: y\r\n")));
        CPPUNIT_ASSERT(parse(poll(std::string(256, 'n') + ": y\r\n")) > 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), parse(poll(std::string(257, 'n') + ": y\r\n")));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NextPollTest);

} // namespace hchat::test
