#include "support/ControlDaemonTest.h"
#include "support/Eventually.h"
#include "support/Haproxy.h"
#include "support/LineClient.h"
#include "support/RawHttpConnection.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace hchat::test
{

class TrustedProxyTest : public ControlDaemonTest
/// Behind a balancer (http.trustedProxies = 127.0.0.1, where the tests
/// connect from), each request is the client's that X-Forwarded-For names:
/// address bans refuse it and close its streams, its address has its own
/// message budget, and the balancer is not limited per address. Without
/// the setting, the header is anyone's and changes nothing.
{
    CPPUNIT_TEST_SUITE(TrustedProxyTest);
    CPPUNIT_TEST(bansAndLimitsApplyToTheForwardedClient);
    CPPUNIT_TEST(aBanClosesTheForwardedClientsWebSocket);
    CPPUNIT_TEST(throughHaproxyTheClientIsBannedNotTheBalancer);
    CPPUNIT_TEST(withoutTrustTheHeaderChangesNothing);
    CPPUNIT_TEST(lineAndIrcClientsAreNamedByAProxyHeader);
    CPPUNIT_TEST(throughHaproxySendProxyNamesTheLineClient);
    CPPUNIT_TEST(aFloodThroughHaproxyIsLimitedPerClient);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> configuration() const override
    {
        auto keys = ControlDaemonTest::configuration();
        keys["http.trustedProxies"] = "127.0.0.1";
        keys["limits.connectionsPerAddress"] = "2";
        keys["limits.messagesPerSecond"] = "1";
        keys["limits.burst"] = "4";
        return keys;
    }

    static std::string healthFor(const std::string& forwardedFor)
    {
        return "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + forwardedFor +
               "\r\nConnection: close\r\n\r\n";
    }

    // Messages stored out of 10 sent with no cookie (a person known only by
    // the address) for the client forwardedFor names.
    int storedOfTen(const std::string& room, const std::string& forwardedFor)
    {
        int stored = 0;
        for (int i = 0; i < 10; ++i)
            stored +=
                http()
                    .post("/send/" + room, "hi", "text/plain", {{"X-Forwarded-For", forwardedFor}})
                    .status == 200;
        return stored;
    }

public:
    void bansAndLimitsApplyToTheForwardedClient()
    {
        // Three connections at once from the balancer, two allowed per address.
        std::vector<std::unique_ptr<RawHttpConnection>> held;
        for (int i = 0; i < 3; ++i)
        {
            held.push_back(std::make_unique<RawHttpConnection>(_daemon->host(), _daemon->port()));
            held.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            CPPUNIT_ASSERT_EQUAL(200, held.back()->read().status);
        }

        ctlOk({"ban-address", "203.0.113.0/24"});
        std::string answer = http().raw(healthFor("203.0.113.5"));
        CPPUNIT_ASSERT_MESSAGE(answer, has(answer, "HTTP/1.1 403 Forbidden"));
        CPPUNIT_ASSERT_MESSAGE(answer, has(answer, "your address is banned from this server"));
        // The client, then another trusted hop: still the client's.
        CPPUNIT_ASSERT(has(http().raw(healthFor("203.0.113.5, 127.0.0.1")), " 403 "));
        // What a client writes in front of the balancer's entry is not believed.
        CPPUNIT_ASSERT(has(http().raw(healthFor("203.0.113.5, 198.51.100.9")), " 200 "));
        CPPUNIT_ASSERT(has(http().raw(healthFor("198.51.100.10")), " 200 "));
        // The balancer itself is not banned: its other requests go on.
        CPPUNIT_ASSERT_EQUAL(200, http().get("/healthz").status);
        CPPUNIT_ASSERT(_daemon->logHas(
            "203.0.113.5 (through a trusted proxy) refused: the address is banned"));

        // Each forwarded address has its own budget (limits.burst, 4).
        const std::string room = http().createRoom("budgets", false);
        const int first = storedOfTen(room, "198.51.100.1");
        CPPUNIT_ASSERT_MESSAGE(std::to_string(first), first >= 4 && first < 10);
        const int second = storedOfTen(room, "198.51.100.2");
        CPPUNIT_ASSERT_MESSAGE(std::to_string(second), second >= 4 && second < 10);
    }

    void aBanClosesTheForwardedClientsWebSocket()
    {
        const std::string room = http().createRoom("closing", false);
        Poco::Net::HTTPClientSession session(_daemon->host(),
                                             static_cast<Poco::UInt16>(_daemon->port()));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws/" + room,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("X-Forwarded-For", "192.0.2.77");
        Poco::Net::HTTPResponse response;
        Poco::Net::WebSocket socket(session, request, response);
        socket.setReceiveTimeout(Poco::Timespan(0, 200000));
        auto other = ws("/ws/" + room); // from the balancer's own address

        const std::string said = ctlOk({"ban-address", "192.0.2.77"});
        CPPUNIT_ASSERT_MESSAGE(said, has(said, "closed 1 "));
        char buffer[4096];
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                try
                {
                    int flags = 0;
                    return socket.receiveFrame(buffer, sizeof buffer, flags) == 0 ||
                           (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) ==
                               Poco::Net::WebSocket::FRAME_OP_CLOSE;
                }
                catch (const Poco::TimeoutException&)
                {
                    return false; // still open
                }
                catch (const Poco::Exception&)
                {
                    return true; // reset
                }
            }));
        // Everyone else stays.
        CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + room, "still here", "text/plain").status);
        CPPUNIT_ASSERT(has(other->nextChat(), "still here"));
    }

    void throughHaproxyTheClientIsBannedNotTheBalancer()
    {
        // A real HAProxy (option forwardfor) in front; one client comes from
        // 127.0.0.2, the balancer and everyone else from 127.0.0.1.
        Haproxy proxy({_daemon->port()});
        auto healthFrom = [&](const std::string& source)
        { return exchangeFrom(source, proxy.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); };
        CPPUNIT_ASSERT(has(healthFrom("127.0.0.2"), " 200 "));
        ctlOk({"ban-address", "127.0.0.2"});
        const std::string refused = healthFrom("127.0.0.2");
        CPPUNIT_ASSERT_MESSAGE(refused, has(refused, " 403 "));
        CPPUNIT_ASSERT_MESSAGE(refused, has(refused, "your address is banned"));
        CPPUNIT_ASSERT(has(healthFrom("127.0.0.1"), " 200 "));
        CPPUNIT_ASSERT(_daemon->logHas("127.0.0.2 (through a trusted proxy) refused"));
    }

    void lineAndIrcClientsAreNamedByAProxyHeader()
    {
        // A TCP balancer in front of the line and IRC ports (HAProxy's
        // send-proxy) names each client in a PROXY header; the tests
        // connect from 127.0.0.1, the trusted proxy, and write it by hand.
        auto keys = configuration();
        const int linePort = LineClient::freePort();
        const int ircPort = LineClient::freePort();
        keys["line.port"] = std::to_string(linePort);
        keys["irc.port"] = std::to_string(ircPort);
        keys["http.requestTimeout"] = "2"; // the wait for a whole header
        restart(keys);
        const std::string port = " 127.0.0.1 40000 " + std::to_string(linePort);
        {
            LineClient client(_daemon->host(), linePort);
            client.send("PROXY TCP4 198.51.100.4" + port + "\r\nHELLO\r\nROOMS\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command"), client.line());
            CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), client.line());
            CPPUNIT_ASSERT(_daemon->logHas("line client 198.51.100.4:40000 refused"));
            // A ban on its client closes the connection, not the proxy's others.
            LineClient own(_daemon->host(), linePort);
            own.say("ROOMS");
            CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), own.line());
            ctlOk({"ban-address", "198.51.100.0/24"});
            CPPUNIT_ASSERT(client.closedByServer());
            own.say("ROOMS");
            CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), own.line());
        }
        {
            LineClient banned(_daemon->host(), linePort);
            banned.send("PROXY TCP4 198.51.100.9" + port + "\r\nROOMS\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Banned"), banned.line());
            CPPUNIT_ASSERT(banned.closedByServer());
            ctlOk({"ban-address", "2001:db8::/32"});
            LineClient irc(_daemon->host(), ircPort);
            irc.send("PROXY TCP6 2001:db8::8 ::1 4000 6667\r\nNICK bob\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR :Closing link: banned"), irc.line());
        }
        CPPUNIT_ASSERT(_daemon->logHas("198.51.100.9 (through a trusted proxy) refused"));
        // The balancer's own connections: no header, or UNKNOWN.
        for (const std::string& first : {std::string(), std::string("PROXY UNKNOWN\r\n")})
        {
            LineClient own(_daemon->host(), linePort);
            own.send(first + "ROOMS\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), own.line());
        }
        // A header that is none: told, logged, closed.
        LineClient bad(_daemon->host(), linePort);
        bad.send("PROXY TCP4 999.0.0.1" + port + "\r\nROOMS\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Bad PROXY header"), bad.line());
        CPPUNIT_ASSERT(bad.closedByServer());
        CPPUNIT_ASSERT(_daemon->logHas("a bad PROXY header from trusted proxy 127.0.0.1"));
        // Version 2 (binary): 198.51.100.4 is banned above; 192.0.2.9 is not.
        auto binary = [](unsigned versionCommand, unsigned a, unsigned b, unsigned c, unsigned d)
        {
            std::string h("\r\n\r\n\0\r\nQUIT\n", 12);
            for (unsigned byte : {versionCommand, 0x11u, 0u, 12u, a, b, c, d, 127u, 0u, 0u, 1u,
                                  0x9Cu, 0x40u, 0x1Au, 0x0Bu})
                h += static_cast<char>(byte);
            return h;
        };
        {
            LineClient banned(_daemon->host(), ircPort);
            banned.send(binary(0x21, 198, 51, 100, 4) + "NICK bob\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR :Closing link: banned"), banned.line());
            LineClient client(_daemon->host(), linePort);
            client.send(binary(0x21, 192, 0, 2, 9) + "HELLO\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command"), client.line());
            CPPUNIT_ASSERT(_daemon->logHas("line client 192.0.2.9:40000"));
            LineClient local(_daemon->host(), linePort); // LOCAL: the balancer's own
            local.send(binary(0x20, 0, 0, 0, 0) + "ROOMS\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), local.line());
            LineClient wrong(_daemon->host(), linePort); // version 3
            wrong.send(binary(0x31, 192, 0, 2, 9) + "ROOMS\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Bad PROXY header"), wrong.line());
        }
        // Each client behind the balancer has its own
        // limits.connectionsPerAddress (2), the balancer none.
        {
            std::vector<std::unique_ptr<LineClient>> same;
            for (int i = 0; i < 3; ++i)
            {
                same.push_back(std::make_unique<LineClient>(_daemon->host(), linePort));
                same.back()->send("PROXY TCP4 192.0.2.44" + port + "\r\nROOMS\r\n");
            }
            // Their threads read the headers in any order: two are served,
            // whichever, and one is told why it is not.
            std::size_t refused = same.size();
            int served = 0;
            for (std::size_t i = 0; i < same.size(); ++i)
            {
                const std::string first = same[i]->line();
                if (first == "ROOMLIST")
                    ++served;
                else if (first == "ERROR Too many connections from your address")
                    refused = i;
            }
            CPPUNIT_ASSERT_EQUAL(2, served);
            CPPUNIT_ASSERT(refused < same.size());
            CPPUNIT_ASSERT(same[refused]->closedByServer());
            same[refused == 0 ? 1 : 0].reset(); // a served one closes: the client may open another
            CPPUNIT_ASSERT(eventually(
                [&]
                {
                    LineClient next(_daemon->host(), linePort);
                    next.send("PROXY TCP4 192.0.2.44" + port + "\r\nROOMS\r\n");
                    return next.line() == "ROOMLIST";
                }));
        }
        // Half a header, then nothing until http.requestTimeout: a bad
        // header too, never read as the client's first line.
        LineClient half(_daemon->host(), linePort);
        half.send("PROXY TCP4 198.51.100.4 127.0.0.1");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Bad PROXY header"), half.line());
        CPPUNIT_ASSERT(half.closedByServer());
        // Empty lines, the start of a v2 signature as well, are a client's.
        LineClient blank(_daemon->host(), linePort);
        blank.send("\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(2500)); // past the wait
        blank.send("ROOMS\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), blank.line());
    }

    void throughHaproxySendProxyNamesTheLineClient()
    {
        // A real HAProxy in TCP mode with send-proxy in front of the line
        // port; one client comes from 127.0.0.2, the balancer from 127.0.0.1.
        auto keys = configuration();
        const int linePort = LineClient::freePort();
        keys["line.port"] = std::to_string(linePort);
        restart(keys);
        // Both versions of the header: send-proxy, then send-proxy-v2.
        for (int version : {1, 2})
        {
            const std::string client = version == 1 ? "127.0.0.2" : "127.0.0.3";
            Haproxy proxy({_daemon->port()}, {linePort}, version);
            auto firstLineFrom = [&](const std::string& source)
            { return exchangeFrom(source, proxy.linePort(), "HELLO\r\n"); };
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command\r\n"), firstLineFrom(client));
            CPPUNIT_ASSERT(
                eventually([&] { return _daemon->logHas("line client " + client + ":"); }));
            ctlOk({"ban-address", client});
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Banned\r\n"), firstLineFrom(client));
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command\r\n"),
                                 firstLineFrom("127.0.0.1"));
        }
    }

    void aFloodThroughHaproxyIsLimitedPerClient()
    {
        // Twenty clients (127.0.0.10 to .29) open three line connections
        // each through a real HAProxy with send-proxy: each gets two
        // (limits.connectionsPerAddress), the balancer carries all forty.
        auto keys = configuration();
        const int linePort = LineClient::freePort();
        keys["line.port"] = std::to_string(linePort);
        restart(keys);
        Haproxy proxy({_daemon->port()}, {linePort});
        std::vector<std::unique_ptr<Poco::Net::StreamSocket>> open;
        int served = 0, refused = 0;
        for (int client = 10; client < 30; ++client)
            for (int i = 0; i < 3; ++i)
            {
                auto socket = std::make_unique<Poco::Net::StreamSocket>();
                socket->impl()->bind(
                    Poco::Net::SocketAddress("127.0.0." + std::to_string(client), 0), false);
                socket->connect(Poco::Net::SocketAddress(
                    "127.0.0.1", static_cast<Poco::UInt16>(proxy.linePort())));
                const std::string rooms = "ROOMS\r\n";
                socket->sendBytes(rooms.data(), static_cast<int>(rooms.size()));
                socket->setReceiveTimeout(Poco::Timespan(5, 0));
                char buffer[256];
                const int n = socket->receiveBytes(buffer, sizeof buffer);
                const std::string first(buffer, static_cast<std::size_t>(std::max(n, 0)));
                if (first.rfind("ROOMLIST", 0) == 0)
                    ++served;
                else if (first == "ERROR Too many connections from your address\r\n")
                    ++refused;
                open.push_back(std::move(socket)); // held open, as a flood would
            }
        CPPUNIT_ASSERT_EQUAL(40, served);
        CPPUNIT_ASSERT_EQUAL(20, refused);
        CPPUNIT_ASSERT(_daemon->logHas("(through a trusted proxy) has 2 connections open"));
    }

    void withoutTrustTheHeaderChangesNothing()
    {
        auto keys = configuration();
        keys.erase("http.trustedProxies");
        const int linePort = LineClient::freePort();
        keys["line.port"] = std::to_string(linePort);
        restart(keys);
        {
            // Not from a trusted proxy: a PROXY line is a line like any other.
            LineClient client(_daemon->host(), linePort);
            client.send("PROXY TCP4 198.51.100.4 127.0.0.1 40000 1\r\n");
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command"), client.line());
        }
        ctlOk({"ban-address", "203.0.113.5"});
        CPPUNIT_ASSERT(has(http().raw(healthFor("203.0.113.5")), " 200 "));
        // One address: its limits count every request, whatever the header says.
        const std::string room = http().createRoom("one budget", false);
        const int first = storedOfTen(room, "198.51.100.1");
        const int second = storedOfTen(room, "198.51.100.2");
        CPPUNIT_ASSERT_MESSAGE(std::to_string(first) + "+" + std::to_string(second),
                               first >= 3 && second < 3); // the room took one too
        // Two connections are served, a third is not. The connections
        // closed just before count until their threads end, a moment after
        // the client had its answer (longer under ASan): until then, fewer.
        std::vector<std::unique_ptr<RawHttpConnection>> held;
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                held.clear();
                for (int i = 0; i < 2; ++i)
                {
                    held.push_back(
                        std::make_unique<RawHttpConnection>(_daemon->host(), _daemon->port()));
                    held.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
                    if (held.back()->read().status != 200)
                        return false;
                }
                return true;
            },
            10, 100));
        CPPUNIT_ASSERT(has(http().raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), " 503 "));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrustedProxyTest);

} // namespace hchat::test
