#include "support/Eventually.h"
#include "support/TlsDaemonTest.h"

#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <thread>

namespace hchat::test
{

class TlsTest : public TlsDaemonTest
/// Every transport over TLS (SPEC §9) as over plain text, on real TLS
/// sockets: HTTPS with its kept-alive long poll, WSS, SSE, the line
/// protocol; and what a TLS port does with clients that do not speak it.
{
    CPPUNIT_TEST_SUITE(TlsTest);
    CPPUNIT_TEST(httpsFlowWithKeptAliveLongPoll);
    CPPUNIT_TEST(wssBroadcastAndResume);
    CPPUNIT_TEST(eventStreamOverHttps);
    CPPUNIT_TEST(lineProtocolOverTls);
    CPPUNIT_TEST(ircOverTls);
    CPPUNIT_TEST(aProxyHeaderComesBeforeTheHandshake);
    CPPUNIT_TEST(plainTextToATlsPortIsAnsweredPlainly);
    CPPUNIT_TEST(stalledHandshakesDelayNobody);
    CPPUNIT_TEST(secureCookiesHstsAndRedirect);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> moreConfiguration() const override
    {
        return {{"http.requestTimeout", "2"}, {"tls.hsts", "600"}, {"tls.redirect", "true"}};
    }

    long metric(const std::string& name) const
    {
        const std::string text = http().get("/metrics").body;
        std::smatch m;
        if (!std::regex_search(text, m, std::regex("\n" + name + " ([0-9]+)\n")))
            throw Poco::NotFoundException(name);
        return std::stol(m[1]);
    }

public:
    void httpsFlowWithKeptAliveLongPoll()
    {
        Reply created = https().get("/chat_create?subject=secret");
        CPPUNIT_ASSERT_EQUAL(303, created.status);
        const std::string location = created.header("Location");
        CPPUNIT_ASSERT_MESSAGE(location, location.rfind("/chat/", 0) == 0);
        const std::string id = location.substr(location.rfind('/') + 1);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             https().post("/send/" + id + "?nick=ann", "one", "text/plain").body);

        // One connection, three requests: the second long poll waits on the
        // kept-alive connection until a plain-HTTP sender publishes.
        const long handshakes = metric("hchatd_tls_handshakes_total");
        Poco::Net::HTTPSClientSession session(_daemon->host(), static_cast<Poco::UInt16>(_tlsPort),
                                              _pki->client());
        session.setKeepAlive(true);
        session.setTimeout(Poco::Timespan(10, 0));
        auto poll = [&](const std::string& path)
        {
            Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
            session.sendRequest(request);
            Poco::Net::HTTPResponse response;
            std::string body;
            Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
            return body;
        };
        CPPUNIT_ASSERT_EQUAL(std::string("one"), poll("/msg/" + id + "/0"));
        std::thread sender(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                http().post("/send/" + id + "?nick=bob", "two", "text/plain");
            });
        const std::string waited = poll("/msg/" + id + "/1");
        sender.join();
        CPPUNIT_ASSERT_EQUAL(std::string("two"), waited);
        CPPUNIT_ASSERT_EQUAL(std::string("two"), poll("/msg/" + id + "/1"));
        CPPUNIT_ASSERT_EQUAL(handshakes + 1, metric("hchatd_tls_handshakes_total"));
        CPPUNIT_ASSERT_EQUAL(std::string("first"), session.serverCertificate().commonName());
    }

    void wssBroadcastAndResume()
    {
        const std::string id = https().createRoom("wss", false);
        const int senders = 3, each = 40;
        std::vector<std::unique_ptr<WsClient>> clients;
        for (int i = 0; i < senders; ++i)
            clients.push_back(wss("/ws/" + id + "?nick=w" + std::to_string(i)));
        clients.push_back(ws("/ws/" + id + "?nick=plain")); // the same room in plain text
        // Every TLS client sends while the publishing threads write to the
        // others directly: all see one order, nothing lost or twice.
        std::vector<std::thread> threads;
        for (int i = 0; i < senders; ++i)
            threads.emplace_back(
                [&, i]
                {
                    for (int n = 0; n < each; ++n)
                        clients[i]->sendText(R"({"type":"send","text":"w)" + std::to_string(i) +
                                             "-" + std::to_string(n) + "\"}");
                });
        for (auto& t : threads)
            t.join();
        std::vector<std::vector<int>> seen(clients.size());
        for (std::size_t c = 0; c < clients.size(); ++c)
            for (int n = 0; n < senders * each; ++n)
            {
                const std::string frame = clients[c]->nextChat();
                CPPUNIT_ASSERT_MESSAGE("client " + std::to_string(c) + " got " + std::to_string(n) +
                                           " messages",
                                       !frame.empty());
                seen[c].push_back(object(frame)->getValue<int>("id"));
            }
        for (std::size_t c = 1; c < clients.size(); ++c)
            CPPUNIT_ASSERT(seen[c] == seen[0]);
        CPPUNIT_ASSERT_EQUAL(std::string(""), clients[0]->nextChat(0.3));

        // Away and back over TLS: from the first it missed, exactly once.
        clients[0].reset();
        const std::string away = http().post("/send/" + id, "while away", "text/plain").body;
        http().post("/send/" + id, "and this", "text/plain");
        auto back = wss("/ws/" + id + "?nick=w0&from=" + away);
        CPPUNIT_ASSERT_EQUAL(std::string("while away"),
                             object(back->nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("and this"),
                             object(back->nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), back->nextChat(0.3));
    }

    void eventStreamOverHttps()
    {
        const std::string id = https().createRoom("sse", false);
        http().post("/send/" + id, "before", "text/plain");
        std::thread sender(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
                http().post("/send/" + id, "live", "text/plain");
            });
        const std::string stream =
            https().raw("GET /events/" + id + "?from=0 HTTP/1.1\r\nHost: localhost\r\n\r\n", 1.5);
        sender.join();
        CPPUNIT_ASSERT_MESSAGE(stream, stream.rfind("HTTP/1.1 200", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(stream, stream.find("text/event-stream") != std::string::npos);
        const std::size_t before = stream.find("\"text\":\"before\"");
        const std::size_t live = stream.find("\"text\":\"live\"");
        CPPUNIT_ASSERT_MESSAGE(stream, before != std::string::npos && live != std::string::npos);
        CPPUNIT_ASSERT(before < live);
    }

    void lineProtocolOverTls()
    {
        const std::string id = https().createRoom("line", false);
        auto watcher = ws("/ws/" + id);
        auto line = tlsLine();
        line->say("USERNAME carol");
        CPPUNIT_ASSERT(!line->expect("OK Welcome").empty());
        line->say("JOIN " + id);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());
        line->say("over tls");
        auto m = object(watcher->nextChat());
        CPPUNIT_ASSERT_EQUAL(std::string("carol"), m->getValue<std::string>("author"));
        CPPUNIT_ASSERT_EQUAL(std::string("over tls"), m->getValue<std::string>("text"));
        // A message published elsewhere is written to the TLS client by the
        // publishing thread.
        http().post("/send/" + id + "?nick=dan", "to the terminal", "text/plain");
        CPPUNIT_ASSERT_EQUAL("ROOM " + id + " dan to the terminal",
                             line->expect("ROOM " + id + " dan"));

        // Plain text on the TLS port: one ERROR line that says so.
        LineClient plain(_daemon->host(), _lineTlsPort);
        plain.say("USERNAME eve");
        const std::string answer = plain.line();
        CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("ERROR This port speaks TLS", 0) == 0);
        CPPUNIT_ASSERT(plain.closedByServer());
    }

    void aProxyHeaderComesBeforeTheHandshake()
    {
        // A TCP balancer passing TLS through (HAProxy's send-proxy) writes
        // its PROXY header in plain text, then the client's handshake.
        auto keys = configuration();
        keys["http.trustedProxies"] = "127.0.0.1";
        restart(keys);
        LineClient line(_daemon->host(), _lineTlsPort, _pki->client(),
                        "PROXY TCP4 198.51.100.4 127.0.0.1 40000 " + std::to_string(_lineTlsPort) +
                            "\r\n");
        line.say("HELLO");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command"), line.line());
        CPPUNIT_ASSERT(_daemon->logHas("line client 198.51.100.4:40000 refused"));
        // Without a header, from the same trusted address: the handshake
        // as usual.
        auto own = tlsLine();
        own->say("ROOMS");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST"), own->line());
    }

    void ircOverTls()
    {
        const std::string id = https().createRoom("irc", false);
        auto watcher = ws("/ws/" + id);
        auto irc = tlsIrc();
        irc->say("CAP LS 302");
        irc->say("NICK carol");
        irc->say("USER carol 0 * :Carol");
        irc->say("CAP END");
        CPPUNIT_ASSERT(!irc->expect(":hchatd 376 carol").empty());
        irc->say("JOIN #" + id);
        CPPUNIT_ASSERT(!irc->expect(":hchatd 366 carol").empty());
        irc->say("PRIVMSG #" + id + " :over tls");
        auto m = object(watcher->nextChat());
        CPPUNIT_ASSERT_EQUAL(std::string("carol"), m->getValue<std::string>("author"));
        CPPUNIT_ASSERT_EQUAL(std::string("over tls"), m->getValue<std::string>("text"));
        // Written by the publishing thread to the TLS client.
        http().post("/send/" + id + "?nick=dan", "to the terminal", "text/plain");
        CPPUNIT_ASSERT_EQUAL(":dan!dan@hchat PRIVMSG #" + id + " :to the terminal",
                             irc->expect(":dan!dan@hchat"));
        // Plain text on the TLS port: one ERROR line that says so.
        LineClient plain(_daemon->host(), _ircTlsPort);
        plain.say("NICK eve");
        const std::string answer = plain.line();
        CPPUNIT_ASSERT_MESSAGE(answer,
                               answer.rfind("ERROR :This port speaks IRC over TLS", 0) == 0);
        CPPUNIT_ASSERT(plain.closedByServer());
    }

    void plainTextToATlsPortIsAnsweredPlainly()
    {
        const long failures = metric("hchatd_tls_handshake_failures_total");
        for (int i = 0; i < 3; ++i)
        {
            const std::string answer = TestClient(_daemon->host(), _tlsPort)
                                           .raw("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 400 Bad Request", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(answer,
                                   answer.find("This port speaks HTTPS") != std::string::npos);
        }
        // A broken ClientHello gets an alert and a closed connection.
        const std::string alert =
            TestClient(_daemon->host(), _tlsPort)
                .raw(std::string("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", 10), 3);
        CPPUNIT_ASSERT(!alert.empty() && alert[0] == '\x15');
        CPPUNIT_ASSERT_EQUAL(failures + 4, metric("hchatd_tls_handshake_failures_total"));
        // Logged once a minute for each address, not once per attempt.
        CPPUNIT_ASSERT(_daemon->logHas("TLS handshake failed"));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const std::string log = _daemon->log();
        std::size_t lines = 0;
        for (std::size_t at = log.find("hchatd.tls"); at != std::string::npos;
             at = log.find("hchatd.tls", at + 1))
            ++lines;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log, std::size_t(1), lines);
        CPPUNIT_ASSERT_EQUAL(200, https().get("/healthz").status);
    }

    void stalledHandshakesDelayNobody()
    {
        // Some connect and send nothing, some half a ClientHello; each costs
        // one thread until http.requestTimeout (2 s here), the acceptor none.
        std::vector<std::unique_ptr<Poco::Net::StreamSocket>> stalled;
        const Poco::Net::SocketAddress address(_daemon->host(),
                                               static_cast<Poco::UInt16>(_tlsPort));
        for (int i = 0; i < 40; ++i)
        {
            stalled.push_back(std::make_unique<Poco::Net::StreamSocket>(address));
            if (i % 2)
                stalled.back()->sendBytes("\x16\x03\x01\x02\x00\x01", 6);
        }
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT_EQUAL(200, https().get("/healthz").status);
        const std::string id = https().createRoom("honest", false);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             https().post("/send/" + id, "still here", "text/plain").body);
        const double honest =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CPPUNIT_ASSERT_MESSAGE(std::to_string(honest), honest < 2.0);
        // Every stalled one is closed by the daemon, within the timeout.
        char byte;
        for (auto& socket : stalled)
        {
            socket->setReceiveTimeout(Poco::Timespan(8, 0));
            int n = -1;
            try
            {
                n = socket->receiveBytes(&byte, 1);
            }
            catch (const Poco::Net::ConnectionResetException&)
            {
                n = 0;
            }
            CPPUNIT_ASSERT_EQUAL(0, n);
        }
        const double all =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CPPUNIT_ASSERT_MESSAGE(std::to_string(all), all < 8.0);
    }

    void secureCookiesHstsAndRedirect()
    {
        const std::string id = https().createRoom("cookies", false);
        Reply secure = https().get("/chat/" + id);
        CPPUNIT_ASSERT_EQUAL(200, secure.status);
        CPPUNIT_ASSERT_EQUAL(std::string("max-age=600"),
                             secure.header("Strict-Transport-Security"));
        std::vector<Poco::Net::HTTPCookie> cookies;
        secure.response.getCookies(cookies);
        CPPUNIT_ASSERT(!cookies.empty());
        for (const auto& cookie : cookies)
            CPPUNIT_ASSERT_MESSAGE(cookie.getName(), cookie.getSecure());
        // The session cookie of a login too (SPEC §10).
        Reply registered = https().post("/api/accounts", "name=tess&password=over%20tls%21",
                                        "application/x-www-form-urlencoded");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(registered.body, 201, registered.status);
        cookies.clear();
        registered.response.getCookies(cookies);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), cookies.size());
        CPPUNIT_ASSERT_EQUAL(std::string("hchat_session"), cookies[0].getName());
        CPPUNIT_ASSERT(cookies[0].getSecure() && cookies[0].getHttpOnly());

        // Plain HTTP: pages move to HTTPS; the API and the transports stay.
        Reply moved = http().get("/chat/" + id + "?x=1");
        CPPUNIT_ASSERT_EQUAL(308, moved.status);
        CPPUNIT_ASSERT_EQUAL("https://127.0.0.1:" + std::to_string(_tlsPort) + "/chat/" + id +
                                 "?x=1",
                             moved.header("Location"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), moved.header("Strict-Transport-Security"));
        CPPUNIT_ASSERT_EQUAL(308, http().get("/").status);
        CPPUNIT_ASSERT_EQUAL(200, http().get("/healthz").status);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             http().post("/send/" + id, "plain still works", "text/plain").body);
        CPPUNIT_ASSERT_EQUAL(std::string("plain still works"),
                             http().get("/msg/" + id + "/0").body);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);

} // namespace hchat::test
