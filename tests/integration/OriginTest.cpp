#include "support/DaemonTest.h"

#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>

namespace hchat::test
{

class OriginTest : public DaemonTest
/// A page of another site (another port of the same host included) may not
/// post, create rooms or open a WebSocket in a visitor's name; hchatd's own
/// pages, the origins of http.allowedOrigins and clients that are no browser
/// (no Origin, Sec-Fetch-Site or Referer: curl, bots) may.
{
    CPPUNIT_TEST_SUITE(OriginTest);
    CPPUNIT_TEST(sendAndCreateFromAnotherSiteAreRefused);
    CPPUNIT_TEST(webSocketFromAnotherSiteIsRefused);
    CPPUNIT_TEST(allowedOriginsAndBadOnes);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> configuration() const override
    {
        return {{"http.allowedOrigins", "https://chat.example.org, http://127.0.0.2:8080"}};
    }

    std::string own() const { return "http://127.0.0.1:" + std::to_string(_daemon->port()); }

    std::string upgrade(const std::string& path, const std::string& origin)
    {
        return http()
            .raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(_daemon->port()) +
                     "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                     "dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " +
                     origin + "\r\n\r\n",
                 1)
            .substr(0, 12);
    }

public:
    void sendAndCreateFromAnotherSiteAreRefused()
    {
        TestClient c = http();
        const std::string room = c.createRoom("origins", false);
        const std::string port = std::to_string(_daemon->port());
        const std::vector<std::map<std::string, std::string>> foreign = {
            {{"Origin", "http://127.0.0.1:9999"}}, // another port: same site, another origin
            {{"Origin", "http://evil.example"}},      {{"Origin", "null"}},
            {{"Sec-Fetch-Site", "same-site"}},        {{"Sec-Fetch-Site", "cross-site"}},
            {{"Referer", "http://evil.example/page"}}};
        for (const auto& headers : foreign)
        {
            const std::string what = headers.begin()->first + ": " + headers.begin()->second;
            Reply sent = c.post("/send/" + room, "forged", "text/plain", headers);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, 403, sent.status);
            CPPUNIT_ASSERT(sent.body.find("another site") != std::string::npos);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, 403,
                                         c.get("/chat_create?subject=forged", headers).status);
        }
        CPPUNIT_ASSERT(c.get("/api/rooms/" + room + "/messages").body.find("forged") ==
                       std::string::npos);
        // Its own pages, and clients that are no browser.
        for (const std::map<std::string, std::string>& headers :
             std::vector<std::map<std::string, std::string>>{
                 {},
                 {{"Origin", own()}},
                 {{"Sec-Fetch-Site", "same-origin"}},
                 {{"Sec-Fetch-Site", "none"}},
                 {{"Referer", own() + "/chat/" + room}}})
        {
            CPPUNIT_ASSERT_EQUAL(200,
                                 c.post("/send/" + room, "fine", "text/plain", headers).status);
            CPPUNIT_ASSERT_EQUAL(303, c.get("/chat_create?subject=fine", headers).status);
        }
        // Reading is anyone's.
        CPPUNIT_ASSERT_EQUAL(
            200, c.get("/msg/" + room + "/0", {{"Origin", "http://evil.example"}}).status);
    }

    void webSocketFromAnotherSiteIsRefused()
    {
        const std::string room = http().createRoom("sockets", false);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 403"),
                             upgrade("/ws/" + room, "http://127.0.0.1:1"));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 403"),
                             upgrade("/ws/" + room, "http://evil.example"));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 101"), upgrade("/ws/" + room, own()));
    }

    void allowedOriginsAndBadOnes()
    {
        const std::string room = http().createRoom("allowed", false);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 101"),
                             upgrade("/ws/" + room, "https://chat.example.org"));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 101"),
                             upgrade("/ws/" + room, "http://127.0.0.2:8080"));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 403"),
                             upgrade("/ws/" + room, "http://chat.example.org"));
        std::string out;
        std::string dir = DaemonProcess::tempDir();
        {
            std::ofstream(dir + "/h.conf")
                << "http.address = 127.0.0.1\nhttp.allowedOrigins = chat.example.org\n";
        }
        CPPUNIT_ASSERT(
            DaemonProcess::run(
                {"-c", dir + "/h.conf", "-p", std::to_string(LineClient::freePort())}, out) != 0);
        CPPUNIT_ASSERT_MESSAGE(out, out.find("http.allowedOrigins") != std::string::npos);
        Poco::File(dir).remove(true);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OriginTest);

} // namespace hchat::test
