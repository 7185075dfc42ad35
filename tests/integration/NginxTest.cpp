#include "support/Nginx.h"
#include "support/ControlDaemonTest.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <thread>

namespace hchat::test
{

class NginxTest : public ControlDaemonTest
/// hchatd behind a real nginx running contrib/nginx/hchatd.conf as shipped
/// (ports changed): the page, sends, long polls, event streams and
/// WebSockets work through it, the stream and the poll as each message
/// comes, and the client nginx names in X-Forwarded-For is the one banned;
/// IRC through contrib/nginx/hchatd-irc.conf (the stream module with
/// proxy_protocol) likewise.
{
    CPPUNIT_TEST_SUITE(NginxTest);
    CPPUNIT_TEST(everyHttpTransportWorksThroughIt);
    CPPUNIT_TEST(theClientBehindItIsBannedNotNginx);
    CPPUNIT_TEST(ircThroughItNamesTheClient);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> configuration() const override
    {
        auto keys = ControlDaemonTest::configuration();
        keys["http.trustedProxies"] = "127.0.0.1";
        keys["chat.notices"] = "false"; // message numbers are the test's own
        return keys;
    }

    // Reads from an open stream until `part` has come or `seconds` passed.
    static bool readUntil(Poco::Net::StreamSocket& socket, const std::string& part, double seconds,
                          std::string& seen)
    {
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::milliseconds(static_cast<long>(seconds * 1000));
        char buffer[4096];
        socket.setReceiveTimeout(Poco::Timespan(0, 100000));
        while (seen.find(part) == std::string::npos && std::chrono::steady_clock::now() < deadline)
        {
            try
            {
                const int n = socket.receiveBytes(buffer, sizeof buffer);
                if (n <= 0)
                    return false;
                seen.append(buffer, static_cast<std::size_t>(n));
            }
            catch (const Poco::TimeoutException&)
            {
            }
        }
        return seen.find(part) != std::string::npos;
    }

public:
    void everyHttpTransportWorksThroughIt()
    {
        Nginx nginx({_daemon->port()});
        TestClient through(nginx.host(), nginx.port());
        const Reply index = through.get("/");
        CPPUNIT_ASSERT_EQUAL(200, index.status);
        const std::string room = through.createRoom("behind nginx", false);

        // A WebSocket upgraded through it, a long poll and an event stream
        // waiting through it for message 0.
        WsClient ws(nginx.host(), nginx.port(), "/ws/" + room);
        auto poll = std::async(std::launch::async,
                               [&]
                               {
                                   TestClient poller(nginx.host(), nginx.port());
                                   return poller.get("/msg/" + room + "/0");
                               });
        Poco::Net::StreamSocket events(
            Poco::Net::SocketAddress(nginx.host(), static_cast<Poco::UInt16>(nginx.port())));
        const std::string open = "GET /events/" + room + " HTTP/1.1\r\nHost: chat\r\n\r\n";
        events.sendBytes(open.data(), static_cast<int>(open.size()));
        std::string stream;
        CPPUNIT_ASSERT_MESSAGE(stream, readUntil(events, "text/event-stream", 5, stream));
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the poll is waiting

        CPPUNIT_ASSERT_EQUAL(
            200, through.post("/send/" + room, "first through nginx", "text/plain").status);
        CPPUNIT_ASSERT(has(ws.nextChat(), "first through nginx"));
        // Not held back in nginx's buffers: the event comes as it is sent.
        CPPUNIT_ASSERT_MESSAGE(stream, readUntil(events, "first through nginx", 3, stream));
        CPPUNIT_ASSERT(poll.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
        const Reply polled = poll.get();
        CPPUNIT_ASSERT_EQUAL(200, polled.status);
        CPPUNIT_ASSERT_MESSAGE(polled.body, has(polled.body, "first through nginx"));

        // A message sent over the WebSocket reaches the others through it.
        ws.sendText(R"({"type":"send","text":"second, over the socket"})");
        CPPUNIT_ASSERT_MESSAGE(stream, readUntil(events, "second, over the socket", 3, stream));
        // Resuming through it: from message 0, both, in order.
        WsClient resumed(nginx.host(), nginx.port(), "/ws/" + room + "?from=0");
        CPPUNIT_ASSERT(has(resumed.nextChat(), "first through nginx"));
        CPPUNIT_ASSERT(has(resumed.nextChat(), "second, over the socket"));
    }

    void theClientBehindItIsBannedNotNginx()
    {
        // nginx names each client in X-Forwarded-For; one comes from
        // 127.0.0.2, nginx and everyone else from 127.0.0.1.
        Nginx nginx({_daemon->port()});
        auto healthFrom = [&](const std::string& source)
        { return exchangeFrom(source, nginx.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); };
        CPPUNIT_ASSERT(has(healthFrom("127.0.0.2"), " 200 "));
        ctlOk({"ban-address", "127.0.0.2"});
        const std::string refused = healthFrom("127.0.0.2");
        CPPUNIT_ASSERT_MESSAGE(refused, has(refused, " 403 "));
        CPPUNIT_ASSERT(has(healthFrom("127.0.0.1"), " 200 "));
        CPPUNIT_ASSERT(_daemon->logHas("127.0.0.2 (through a trusted proxy) refused"));
    }

    void ircThroughItNamesTheClient()
    {
        auto keys = configuration();
        const int ircPort = LineClient::freePort();
        keys["irc.port"] = std::to_string(ircPort);
        restart(keys);
        Nginx nginx({_daemon->port()}, {ircPort});
        const std::string hello = "NICK ada\r\nUSER ada 0 * :Ada\r\n";
        CPPUNIT_ASSERT(has(exchangeFrom("127.0.0.2", nginx.ircPort(), hello), " 001 ada "));
        ctlOk({"ban-address", "127.0.0.2"});
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR :Closing link: banned\r\n"),
                             exchangeFrom("127.0.0.2", nginx.ircPort(), hello));
        CPPUNIT_ASSERT(has(exchangeFrom("127.0.0.1", nginx.ircPort(), hello), " 001 ada "));
        CPPUNIT_ASSERT(_daemon->logHas("127.0.0.2 (through a trusted proxy) refused"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NginxTest);

} // namespace hchat::test
