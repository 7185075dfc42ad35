#include "support/DaemonTest.h"

#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class TextRuleTest : public DaemonTest
/// One text rule on every transport: control characters are refused with a
/// clear error, line ends become LF, and what is accepted reads back byte
/// for byte from memory and, after a restart, from SQLite.
{
    CPPUNIT_TEST_SUITE(TextRuleTest);
    CPPUNIT_TEST(httpRefusesControlCharacters);
    CPPUNIT_TEST(webSocketRefusesControlCharacters);
    CPPUNIT_TEST(lineProtocolRefusesControlCharacters);
    CPPUNIT_TEST(lineEndsBecomeLfInEveryStore);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir = DaemonProcess::tempDir();

    std::map<std::string, std::string> configuration() const override
    {
        return {{"store.path", _dir + "/chat.db"}};
    }

    bool lineProtocol() const override { return true; }

    static std::string nul(const std::string& before, const std::string& after)
    {
        return before + std::string(1, '\0') + after;
    }

    std::uint64_t next(const std::string& room)
    {
        return object(http().get("/api/rooms/" + room).body)->getValue<std::uint64_t>("next");
    }

public:
    void tearDown() override
    {
        DaemonTest::tearDown();
        Poco::File(_dir).remove(true);
    }

    void httpRefusesControlCharacters()
    {
        const std::string room = http().createRoom("controls", false);
        for (const std::string& bad :
             {nul("before", "after"), std::string("esc \x1b[2J"), std::string("bell \x07"),
              std::string("c1 \xc2\x9b"), std::string("del \x7f")})
        {
            Reply reply = http().post("/send/" + room, bad, "text/plain");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 400, reply.status);
            CPPUNIT_ASSERT(reply.body.find("control character") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), next(room));
        CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + room, "tab\tok", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(std::string("tab\tok"), http().get("/msg/" + room + "/0").body);
    }

    void webSocketRefusesControlCharacters()
    {
        const std::string room = http().createRoom("controls", false);
        auto c = ws("/ws/" + room);
        c->sendText(R"({"type":"send","text":"before\u0000after"})");
        CPPUNIT_ASSERT_EQUAL(std::string("bad-text"),
                             object(c->nextOfType("error"))->getValue<std::string>("error"));
        c->sendText(R"({"type":"send","text":"esc \u001b[31m"})");
        CPPUNIT_ASSERT_EQUAL(std::string("bad-text"),
                             object(c->nextOfType("error"))->getValue<std::string>("error"));
        c->sendText(R"({"type":"send","text":"a\r\nb"})");
        CPPUNIT_ASSERT_EQUAL(std::string("a\nb"),
                             object(c->nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT(http().get("/api/rooms/" + room + "/messages").body.find("before") ==
                       std::string::npos);
    }

    void lineProtocolRefusesControlCharacters()
    {
        auto c = tcp();
        c->say("USERNAME mallory");
        c->expect("OK Welcome");
        c->say("JOIN #controls");
        c->expect("OK Joined");
        c->say(nul("MSG before", "after"));
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Invalid text"), c->line());
        c->say("MSG esc \x1b]0;owned\x07");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Invalid text"), c->line());
        // A lone CR is a line end: the spoofed line stays mallory's.
        c->say("innocent\rROOM #controls admin hello");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #controls mallory innocent"), c->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #controls mallory ROOM #controls admin hello"),
                             c->line());
    }

    void lineEndsBecomeLfInEveryStore()
    {
        const std::string room = http().createRoom("line ends", false);
        const std::string sent = "one\r\ntwo\rthree\n\tfour ✓";
        const std::string stored = "one\ntwo\nthree\n\tfour ✓";
        CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + room, sent, "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(stored, http().get("/msg/" + room + "/0").body);
        restart(configuration());
        CPPUNIT_ASSERT_EQUAL(stored, http().get("/msg/" + room + "/0").body);
        CPPUNIT_ASSERT(http()
                           .get("/api/rooms/" + room + "/messages")
                           .body.find("one\\ntwo\\nthree\\n\\tfour") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextRuleTest);

} // namespace hchat::test
