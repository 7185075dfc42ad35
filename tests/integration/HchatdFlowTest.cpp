#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/RawHttpConnection.h"
#include "support/TestClient.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <cppunit/extensions/HelperMacros.h>

#include <set>

#include <atomic>
#include <chrono>
#include <thread>

namespace hchat::test
{

class HchatdFlowTest : public DaemonTest
/// The original hchatd's flow against the real daemon: create, redirect,
/// cookie, send, long poll that hangs then returns, 204 on timeout, listing.
{
    CPPUNIT_TEST_SUITE(HchatdFlowTest);
    CPPUNIT_TEST(createRedirectsToRoom);
    CPPUNIT_TEST(chatPageIssuesNewCookieEachTime);
    CPPUNIT_TEST(sendThenReadBack);
    CPPUNIT_TEST(longPollHangsUntilMessageExists);
    CPPUNIT_TEST(longPollTimesOutWith204);
    CPPUNIT_TEST(longPollsOnOneConnectionGetEveryMessageInOrder);
    CPPUNIT_TEST(longPollEndsWhenItsClientLeaves);
    CPPUNIT_TEST(pipelinedLongPollsAreAnsweredInOrder);
    CPPUNIT_TEST(requestsAfterAnAnsweredPollAreAnsweredAsAsked);
    CPPUNIT_TEST(aPollAndOtherRequestsInOneWrite);
    CPPUNIT_TEST(aWaitAfterTheRequestAnswersAsPocoWould);
    CPPUNIT_TEST(badNumberAfterAnAnsweredPollIs400);
    CPPUNIT_TEST(jsonMessagesAndRoomObject);
    CPPUNIT_TEST(listingShowsPublicNeverUnlisted);
    CPPUNIT_TEST(formSendWithNickAndCookie);
    CPPUNIT_TEST(retentionAnswers410);
    CPPUNIT_TEST(healthAndMetrics);
    CPPUNIT_TEST(roomListIsPaged);
    CPPUNIT_TEST_SUITE_END();

    TestClient client() { return http(); }

    static Poco::Dynamic::Var json(const std::string& text)
    {
        return Poco::JSON::Parser().parse(text);
    }

    int waitingLongPolls() { return waitingLongPolls(client()); }

    static int waitingLongPolls(TestClient c)
    {
        Reply metrics = c.get("/metrics");
        const std::string key = "\nhchatd_longpoll_waiting ";
        auto at = metrics.body.find(key);
        return at == std::string::npos ? -1 : std::stoi(metrics.body.substr(at + key.size()));
    }

    std::map<std::string, std::string> configuration() const override
    {
        return {{"longpoll.timeout", "2"}, {"chat.historyLimit", "5"}, {"chat.recentOnJoin", "3"}};
    }

public:
    void createRedirectsToRoom()
    {
        Reply r = client().get("/chat_create?subject=Team%20sync&public=1");
        CPPUNIT_ASSERT_EQUAL(303, r.status);
        std::string location = r.header("Location");
        CPPUNIT_ASSERT_EQUAL(std::string("/chat/"), location.substr(0, 6));
        std::string id = location.substr(6);
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), id.size());
        Reply page = client().get(location);
        CPPUNIT_ASSERT_EQUAL(200, page.status);
        CPPUNIT_ASSERT(page.body.find("Team sync") != std::string::npos);
        CPPUNIT_ASSERT(page.header("Content-Security-Policy").find("script-src 'self'") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("nosniff"), page.header("X-Content-Type-Options"));
        // Two rooms never share an id.
        CPPUNIT_ASSERT(client().createRoom("Team sync", true) != id);
    }

    static std::string cookieValue(const Reply& reply, const std::string& name)
    {
        std::vector<Poco::Net::HTTPCookie> cookies;
        reply.response.getCookies(cookies);
        for (const auto& cookie : cookies)
            if (cookie.getName() == name)
            {
                CPPUNIT_ASSERT(cookie.getHttpOnly());
                CPPUNIT_ASSERT_EQUAL(std::string("/"), cookie.getPath());
                return cookie.getValue();
            }
        return "";
    }

    void chatPageIssuesNewCookieEachTime()
    {
        std::string id = client().createRoom("cookies", false);
        std::vector<std::string> clients;
        for (int i = 0; i < 2; ++i)
        {
            Reply page = client().get("/chat/" + id);
            clients.push_back(cookieValue(page, "hchat_client"));
            CPPUNIT_ASSERT(IdGenerator::isValid(clients.back()));
            CPPUNIT_ASSERT(page.header("Set-Cookie").find("SameSite=Lax") != std::string::npos);
        }
        CPPUNIT_ASSERT(clients[0] != clients[1]);
        // The person cookie is issued once and then kept: a reload is the same person.
        Reply first = client().get("/chat/" + id);
        const std::string person = cookieValue(first, "hchat_person");
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), person.size());
        Reply reload = client().get("/chat/" + id, {{"Cookie", "hchat_person=" + person}});
        CPPUNIT_ASSERT_EQUAL(std::string(""), cookieValue(reload, "hchat_person"));
        CPPUNIT_ASSERT(!cookieValue(reload, "hchat_client").empty());
        CPPUNIT_ASSERT(reload.body.find("guest-" + person.substr(0, 6)) != std::string::npos);
    }

    void sendThenReadBack()
    {
        TestClient c = client();
        std::string id = c.createRoom("flow", false);
        const std::string text = "Hello, world! Grüße 👋\nsecond line";
        Reply sent = c.post("/send/" + id, text, "text/plain; charset=utf-8");
        CPPUNIT_ASSERT_EQUAL(200, sent.status);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), sent.body);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), c.post("/send/" + id, "again", "text/plain").body);

        Reply got = c.get("/msg/" + id + "/0");
        CPPUNIT_ASSERT_EQUAL(200, got.status);
        CPPUNIT_ASSERT_EQUAL(text, got.body);
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain; charset=utf-8"),
                             got.response.getContentType());
        CPPUNIT_ASSERT_EQUAL(std::string("anonymous"), got.header("X-Chat-Author"));
        CPPUNIT_ASSERT_EQUAL(std::string("message"), got.header("X-Chat-Kind"));
        std::string time = got.header("X-Chat-Time");
        CPPUNIT_ASSERT_EQUAL(std::size_t(24), time.size()); // 2026-11-22T03:01:08.123Z
        CPPUNIT_ASSERT_EQUAL('Z', time.back());
        CPPUNIT_ASSERT_EQUAL(std::string("again"), c.get("/msg/" + id + "/1").body);
    }

    void longPollHangsUntilMessageExists()
    {
        std::string id = client().createRoom("wait", false);
        std::atomic<bool> sent{false};
        Reply got;
        bool sentBeforeAnswer = false;
        std::thread poller(
            [&]
            {
                got = client().get("/msg/" + id + "/0");
                sentBeforeAnswer = sent;
            });
        // It is waiting in the daemon (not answered) until the message is sent.
        eventually([&] { return waitingLongPolls() >= 1; });
        CPPUNIT_ASSERT_EQUAL(1, waitingLongPolls());
        sent = true;
        CPPUNIT_ASSERT_EQUAL(200, client().post("/send/" + id, "finally", "text/plain").status);
        poller.join();
        CPPUNIT_ASSERT(sentBeforeAnswer);
        CPPUNIT_ASSERT_EQUAL(200, got.status);
        CPPUNIT_ASSERT_EQUAL(std::string("finally"), got.body);
    }

    void waitUntilPollsWait(int count)
    {
        eventually([&] { return waitingLongPolls() == count; });
        CPPUNIT_ASSERT_EQUAL(count, waitingLongPolls());
    }

    void longPollsOnOneConnectionGetEveryMessageInOrder()
    {
        // A keep-alive client's polls are answered by the thread that
        // publishes the message; each answer must be whole, so that the
        // next request on the connection is read right.
        std::string id = client().createRoom("keep", false);
        Poco::Net::HTTPClientSession session(_daemon->host(), _daemon->port());
        session.setKeepAlive(true);
        session.setTimeout(Poco::Timespan(5, 0));
        int localPort = -1;
        for (int n = 0; n < 20; ++n)
        {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET,
                                           "/msg/" + id + "/" + std::to_string(n),
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            const bool asJson = n % 2 == 1;
            if (asJson)
                request.set("Accept", "application/json");
            session.sendRequest(request).flush(); // POCO sends it only then
            if (n == 0)
                localPort = session.socket().address().port();
            waitUntilPollsWait(1);
            const std::string text = "message " + std::to_string(n) + " \xc3\xa9";
            CPPUNIT_ASSERT_EQUAL(200, client().post("/send/" + id, text, "text/plain").status);

            Poco::Net::HTTPResponse response;
            std::istream& in = session.receiveResponse(response);
            std::string body;
            Poco::StreamCopier::copyToString(in, body);
            CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(response.getStatus()));
            CPPUNIT_ASSERT_EQUAL(std::to_string(n), response.get("X-Chat-Id"));
            CPPUNIT_ASSERT_EQUAL(std::string("message"), response.get("X-Chat-Kind"));
            CPPUNIT_ASSERT(response.has("Date"));
            CPPUNIT_ASSERT(response.getKeepAlive());
            CPPUNIT_ASSERT_EQUAL(static_cast<std::streamsize>(body.size()),
                                 response.getContentLength64());
            if (asJson)
            {
                CPPUNIT_ASSERT_EQUAL(std::string("application/json"), response.getContentType());
                CPPUNIT_ASSERT_EQUAL(
                    text,
                    json(body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("text"));
            }
            else
            {
                CPPUNIT_ASSERT_EQUAL(std::string("text/plain; charset=utf-8"),
                                     response.getContentType());
                CPPUNIT_ASSERT_EQUAL(text, body);
            }
            // Still the first connection: the daemon kept it open.
            CPPUNIT_ASSERT_EQUAL(localPort, static_cast<int>(session.socket().address().port()));
        }
        waitUntilPollsWait(0);
    }

    void longPollEndsWhenItsClientLeaves()
    {
        // Its own daemon, with a timeout far beyond the test: the poll must
        // end because the client left, not because it timed out.
        DaemonProcess daemon(std::map<std::string, std::string>{{"longpoll.timeout", "60"}});
        TestClient c(daemon.host(), daemon.port());
        std::string id = c.createRoom("leaving", false);
        {
            Poco::Net::StreamSocket socket(
                Poco::Net::SocketAddress(daemon.host(), static_cast<Poco::UInt16>(daemon.port())));
            const std::string poll = "GET /msg/" + id + "/0 HTTP/1.1\r\nHost: x\r\n\r\n";
            socket.sendBytes(poll.data(), static_cast<int>(poll.size()));
            eventually([&] { return waitingLongPolls(c) == 1; });
            CPPUNIT_ASSERT_EQUAL(1, waitingLongPolls(c));
        } // closed
        eventually([&] { return waitingLongPolls(c) == 0; });
        CPPUNIT_ASSERT_EQUAL(0, waitingLongPolls(c));
        // Nothing was sent or lost on its account.
        CPPUNIT_ASSERT_EQUAL(200, c.post("/send/" + id, "after", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(std::string("after"), c.get("/msg/" + id + "/0").body);
    }

    void pipelinedLongPollsAreAnsweredInOrder()
    {
        // The second request arrives with the first, before either has an
        // answer: both are answered, in order, on the one connection.
        std::string id = client().createRoom("pipelined", false);
        std::thread sender(
            [&]
            {
                eventually([&] { return waitingLongPolls() == 1; });
                client().post("/send/" + id, "first", "text/plain");
                client().post("/send/" + id, "second", "text/plain");
            });
        const std::string path = "/msg/" + id + "/";
        std::string answer =
            client().raw("GET " + path + "0 HTTP/1.1\r\nHost: x\r\n\r\n" + "GET " + path +
                         "1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        sender.join();
        const auto first = answer.find("X-Chat-Id: 0\r\n");
        const auto second = answer.find("X-Chat-Id: 1\r\n");
        CPPUNIT_ASSERT_MESSAGE(answer, first != std::string::npos && second != std::string::npos);
        CPPUNIT_ASSERT(first < second);
        CPPUNIT_ASSERT(answer.find("\r\n\r\nfirst") < second);
        CPPUNIT_ASSERT(answer.find("\r\n\r\nsecond") > second);
    }

    // A poll for n on the raw connection, which a publisher then answers.
    Reply pollAnsweredByPublisher(RawHttpConnection& connection, const std::string& request,
                                  const std::string& room, const std::string& text)
    {
        connection.send(request);
        waitUntilPollsWait(1);
        CPPUNIT_ASSERT_EQUAL(200, client().post("/send/" + room, text, "text/plain").status);
        return connection.read();
    }

    static std::string pollRequest(const std::string& room, int n, const std::string& person,
                                   const std::string& moreHeaders = "")
    {
        return "GET /msg/" + room + "/" + std::to_string(n) +
               " HTTP/1.1\r\nHost: x\r\nCookie: hchat_person=" + person + "\r\n" + moreHeaders +
               "\r\n";
    }

    static void assertMessage(const Reply& r, int id, const std::string& text, bool asJson)
    {
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::to_string(id), r.header("X-Chat-Id"));
        if (asJson)
        {
            CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.response.getContentType());
            auto m = json(r.body).extract<Poco::JSON::Object::Ptr>();
            CPPUNIT_ASSERT_EQUAL(id, m->getValue<int>("id"));
            CPPUNIT_ASSERT_EQUAL(text, m->getValue<std::string>("text"));
        }
        else
        {
            CPPUNIT_ASSERT_EQUAL(std::string("text/plain; charset=utf-8"),
                                 r.response.getContentType());
            CPPUNIT_ASSERT_EQUAL(text, r.body);
        }
    }

    void aPollAndOtherRequestsInOneWrite()
    {
        // After an answered poll, the poll's thread reads what the client
        // sent next and keeps only a poll it serves: the bytes behind it
        // (here a send and a page) are given back whole for POCO to read.
        const std::string a = client().createRoom("one write", false);
        const std::string alice = personCookie(a).substr(13);
        RawHttpConnection c(_daemon->host(), _daemon->port());
        assertMessage(pollAnsweredByPublisher(c, pollRequest(a, 0, alice), a, "one"), 0, "one",
                      false);
        c.send(pollRequest(a, 0, alice) + "POST /send/" + a +
               " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n" +
               "hello" + "GET /api/rooms/" + a + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertMessage(c.read(), 0, "one", false);
        Reply sent = c.read();
        CPPUNIT_ASSERT_EQUAL(200, sent.status);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), Poco::trim(sent.body));
        Reply room = c.read();
        CPPUNIT_ASSERT_EQUAL(200, room.status);
        CPPUNIT_ASSERT(room.body.find("\"one write\"") != std::string::npos);
        // And a poll, then the next one, in one write: both served in order.
        c.send(pollRequest(a, 1, alice) + pollRequest(a, 2, alice, "Connection: close\r\n"));
        assertMessage(c.read(), 1, "hello", false);
        CPPUNIT_ASSERT_EQUAL(200, client().post("/send/" + a, "two", "text/plain").status);
        assertMessage(c.read(), 2, "two", false);
        CPPUNIT_ASSERT(c.closedByServer());
    }

    void aWaitAfterTheRequestAnswersAsPocoWould()
    {
        // A kept-alive poll waits after POCO's request is gone and writes
        // its own answers: a 204 at the timeout, a 410 when the room is
        // deleted meanwhile; the connection serves on after each.
        Reply made = client().get("/chat_create?subject=parked");
        const std::string id = made.header("Location").substr(6);
        RawHttpConnection c(_daemon->host(), _daemon->port());
        c.send("GET /msg/" + id + "/0 HTTP/1.1\r\nHost: x\r\n\r\n");
        Reply quiet = c.read(5);
        CPPUNIT_ASSERT_EQUAL(204, quiet.status);
        CPPUNIT_ASSERT(quiet.body.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("hchatd"), quiet.header("Server"));
        CPPUNIT_ASSERT(!quiet.header("Date").empty());
        CPPUNIT_ASSERT_EQUAL(std::string("0"), quiet.header("Content-Length"));
        CPPUNIT_ASSERT(quiet.header("Content-Type").empty());
        // The same connection, the next poll: answered by the publisher.
        c.send("GET /msg/" + id + "/0 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n");
        waitUntilPollsWait(1);
        CPPUNIT_ASSERT_EQUAL(200, client().post("/send/" + id, "here", "text/plain").status);
        assertMessage(c.read(), 0, "here", true);
        // Deleted while a poll waits: 410 with the reason; the connection
        // serves on (the room now answers 410 everywhere).
        c.send("GET /msg/" + id + "/1 HTTP/1.1\r\nHost: x\r\n\r\n");
        waitUntilPollsWait(1);
        CPPUNIT_ASSERT_EQUAL(
            204, client()
                     .request("DELETE", "/api/rooms/" + id, "", "",
                              {{"Cookie", "hchat_owner_" + id + "=" + made.header("X-Chat-Owner")}})
                     .status);
        Reply gone = c.read();
        CPPUNIT_ASSERT_EQUAL(410, gone.status);
        CPPUNIT_ASSERT_EQUAL(std::string("this room was deleted\n"), gone.body);
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain; charset=utf-8"),
                             gone.response.getContentType());
        c.send("GET /api/rooms/" + id + " HTTP/1.1\r\nHost: x\r\n\r\n");
        CPPUNIT_ASSERT_EQUAL(410, c.read().status);
    }

    void requestsAfterAnAnsweredPollAreAnsweredAsAsked()
    {
        // Once a publisher has answered a poll, the poll's own thread reads
        // the client's next request when it is the same poll asked the same
        // way (NextPoll). Every request that differs (format, room, person,
        // method, Connection) must be answered exactly as if POCO had read it.
        const std::string a = client().createRoom("next a", false);
        const std::string b = client().createRoom("next b", false);
        const std::string alice = personCookie(a).substr(13), bob = personCookie(a).substr(13);
        const std::string asJson = "Accept: application/json\r\n";
        RawHttpConnection c(_daemon->host(), _daemon->port());

        assertMessage(pollAnsweredByPublisher(c, pollRequest(a, 0, alice), a, "one"), 0, "one",
                      false);
        // The same poll again: read by the poll's thread.
        assertMessage(pollAnsweredByPublisher(c, pollRequest(a, 1, alice), a, "two"), 1, "two",
                      false);
        // Now as JSON.
        assertMessage(pollAnsweredByPublisher(c, pollRequest(a, 2, alice, asJson), a, "three"), 2,
                      "three", true);
        assertMessage(pollAnsweredByPublisher(c, pollRequest(a, 3, alice, asJson), a, "four"), 3,
                      "four", true);
        // Another room.
        assertMessage(pollAnsweredByPublisher(c, pollRequest(b, 0, alice, asJson), b, "in b"), 0,
                      "in b", true);
        // Another person: seen in the room under their own name.
        assertMessage(pollAnsweredByPublisher(c, pollRequest(b, 1, bob, asJson), b, "by bob"), 1,
                      "by bob", true);
        auto online = json(client().get("/api/rooms/" + b).body)
                          .extract<Poco::JSON::Object::Ptr>()
                          ->getArray("online");
        bool bobSeen = false;
        for (std::size_t i = 0; i < online->size(); ++i)
            bobSeen = bobSeen || online->getElement<std::string>(i) == Nickname::guestName(bob);
        CPPUNIT_ASSERT(bobSeen);
        // A send on the same connection.
        c.send("POST /send/" + b + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" +
               "Content-Length: 5\r\n\r\nhello");
        Reply sent = c.read();
        CPPUNIT_ASSERT_EQUAL(200, sent.status);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), Poco::trim(sent.body));
        c.send(pollRequest(b, 2, bob));
        assertMessage(c.read(), 2, "hello", false); // there already: answered at once
        // A poll that asks to close the connection after its answer.
        assertMessage(pollAnsweredByPublisher(c, pollRequest(b, 3, bob), b, "five"), 3, "five",
                      false);
        assertMessage(
            pollAnsweredByPublisher(c, pollRequest(b, 4, bob, "Connection: close\r\n"), b, "six"),
            4, "six", false);
        CPPUNIT_ASSERT(c.closedByServer());
    }

    void badNumberAfterAnAnsweredPollIs400()
    {
        const std::string a = client().createRoom("next bad", false);
        const std::string alice = personCookie(a).substr(13);
        RawHttpConnection c(_daemon->host(), _daemon->port());
        assertMessage(pollAnsweredByPublisher(c, pollRequest(a, 0, alice), a, "one"), 0, "one",
                      false);
        c.send("GET /msg/" + a + "/-1 HTTP/1.1\r\nHost: x\r\nCookie: hchat_person=" + alice +
               "\r\n\r\n");
        CPPUNIT_ASSERT_EQUAL(400, c.read().status);
        CPPUNIT_ASSERT(c.closedByServer());
    }

    void longPollTimesOutWith204()
    {
        std::string id = client().createRoom("quiet", false);
        auto start = std::chrono::steady_clock::now();
        Reply r = client().get("/msg/" + id + "/0");
        double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CPPUNIT_ASSERT_EQUAL(204, r.status);
        CPPUNIT_ASSERT(r.body.empty());
        CPPUNIT_ASSERT(took >= 1.9); // longpoll.timeout = 2
        // Asking again for the same number still works, and nothing was appended.
        client().post("/send/" + id, "now", "text/plain");
        CPPUNIT_ASSERT_EQUAL(std::string("now"), client().get("/msg/" + id + "/0").body);
    }

    void jsonMessagesAndRoomObject()
    {
        TestClient c = client();
        std::string id = c.createRoom("json", false);
        for (int i = 0; i < 4; ++i)
            c.post("/send/" + id, "m" + std::to_string(i), "text/plain");
        Reply one = c.get("/msg/" + id + "/2", {{"Accept", "application/json"}});
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), one.response.getContentType());
        auto m = json(one.body).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(2, m->getValue<int>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("m2"), m->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("message"), m->getValue<std::string>("type"));

        auto page = json(c.get("/api/rooms/" + id + "/messages?from=1&limit=2").body)
                        .extract<Poco::JSON::Object::Ptr>();
        auto list = page->getArray("messages");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), list->size());
        CPPUNIT_ASSERT_EQUAL(1, list->getObject(0)->getValue<int>("id"));
        CPPUNIT_ASSERT_EQUAL(4, page->getValue<int>("next"));
        // Without from: the last `limit` messages.
        page = json(c.get("/api/rooms/" + id + "/messages?limit=3").body)
                   .extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(1, page->getArray("messages")->getObject(0)->getValue<int>("id"));
        // With wait, an empty page waits for the next message.
        std::thread later(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                client().post("/send/" + id, "late", "text/plain");
            });
        page = json(c.get("/api/rooms/" + id + "/messages?from=4&wait=5").body)
                   .extract<Poco::JSON::Object::Ptr>();
        later.join();
        CPPUNIT_ASSERT_EQUAL(
            std::string("late"),
            page->getArray("messages")->getObject(0)->getValue<std::string>("text"));

        auto room = json(c.get("/api/rooms/" + id).body).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(id, room->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("json"), room->getValue<std::string>("subject"));
        CPPUNIT_ASSERT_EQUAL(false, room->getValue<bool>("public"));
        CPPUNIT_ASSERT_EQUAL(5, room->getValue<int>("next"));
        CPPUNIT_ASSERT(room->get("name").isEmpty());
        CPPUNIT_ASSERT(room->getArray("online"));
    }

    void listingShowsPublicNeverUnlisted()
    {
        TestClient c = client();
        std::string open = c.createRoom("Open <house>", true);
        std::string secret = c.createRoom("Secret plans", false);
        Reply index = c.get("/");
        CPPUNIT_ASSERT(index.body.find(open) != std::string::npos);
        CPPUNIT_ASSERT(index.body.find("Open &lt;house&gt;") != std::string::npos);
        CPPUNIT_ASSERT(index.body.find(secret) == std::string::npos);
        CPPUNIT_ASSERT(index.body.find("Secret plans") == std::string::npos);
        Reply api = c.get("/api/rooms");
        CPPUNIT_ASSERT(api.body.find(open) != std::string::npos);
        CPPUNIT_ASSERT(api.body.find(secret) == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             json(api.body).extract<Poco::JSON::Array::Ptr>()->size());
        // The unlisted room works for whoever has its URL.
        CPPUNIT_ASSERT_EQUAL(200, c.get("/chat/" + secret).status);
        CPPUNIT_ASSERT_EQUAL(200, c.get("/api/rooms/" + secret).status);
        // public=yes and public=no are understood, as on and off are.
        CPPUNIT_ASSERT_EQUAL(303, c.get("/chat_create?subject=said-yes&public=yes").status);
        CPPUNIT_ASSERT_EQUAL(303, c.get("/chat_create?subject=said-no&public=no").status);
        const std::string listed = c.get("/api/rooms").body;
        CPPUNIT_ASSERT(listed.find("said-yes") != std::string::npos);
        CPPUNIT_ASSERT(listed.find("said-no") == std::string::npos);
    }

    void roomListIsPaged()
    {
        TestClient c = client();
        std::set<std::string> made;
        for (int i = 0; i < 250; ++i)
            made.insert(c.createRoom("room " + std::to_string(i), true));
        c.createRoom("unlisted", false);
        std::set<std::string> seen;
        std::string next = "/api/rooms";
        int pages = 0;
        while (!next.empty())
        {
            Reply page = c.get(next);
            CPPUNIT_ASSERT_EQUAL(200, page.status);
            auto list = json(page.body).extract<Poco::JSON::Array::Ptr>();
            CPPUNIT_ASSERT(list->size() <= 100);
            for (std::size_t i = 0; i < list->size(); ++i)
                CPPUNIT_ASSERT(seen.insert(list->getObject(i)->getValue<std::string>("id")).second);
            const std::string link = page.header("Link");
            next = link.empty() ? "" : link.substr(1, link.find('>') - 1);
            ++pages;
        }
        CPPUNIT_ASSERT_EQUAL(3, pages);
        CPPUNIT_ASSERT(made == seen);
        Reply all = c.get("/api/rooms?limit=5000"); // at most 1000
        CPPUNIT_ASSERT_EQUAL(std::size_t(250),
                             json(all.body).extract<Poco::JSON::Array::Ptr>()->size());
        CPPUNIT_ASSERT(all.header("Link").empty());
        CPPUNIT_ASSERT_EQUAL(400, c.get("/api/rooms?limit=ten").status);
        // The index shows the 200 most active and counts them all.
        Reply index = c.get("/");
        CPPUNIT_ASSERT(index.body.find(">250</span>") != std::string::npos);
    }

    void formSendWithNickAndCookie()
    {
        TestClient c = client();
        std::string id = c.createRoom("form", false);
        const std::string cookie =
            "hchat_person=" + cookieValue(c.get("/chat/" + id), "hchat_person");
        Reply sent = c.post("/send/" + id, "text=a%20%26%20b%3D%2B&nick=alice",
                            "application/x-www-form-urlencoded", {{"Cookie", cookie}});
        CPPUNIT_ASSERT_EQUAL(200, sent.status);
        Reply got = c.get("/msg/" + id + "/0");
        CPPUNIT_ASSERT_EQUAL(std::string("a & b=+"), got.body);
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), got.header("X-Chat-Author"));
        // Without a nick the person keeps the name they have.
        c.post("/send/" + id, "text=hi", "application/x-www-form-urlencoded", {{"Cookie", cookie}});
        CPPUNIT_ASSERT_EQUAL(std::string("alice"),
                             c.get("/msg/" + id + "/1").header("X-Chat-Author"));
        // Someone new without a nick is a guest named after their cookie.
        const std::string other = cookieValue(c.get("/chat/" + id), "hchat_person");
        c.post("/send/" + id, "text=hello", "application/x-www-form-urlencoded",
               {{"Cookie", "hchat_person=" + other}});
        CPPUNIT_ASSERT_EQUAL("guest-" + other.substr(0, 6),
                             c.get("/msg/" + id + "/2").header("X-Chat-Author"));
        // curl -d 'text' sends a form content type with a body that is no form.
        c.post("/send/" + id, "100% sure", "application/x-www-form-urlencoded");
        CPPUNIT_ASSERT_EQUAL(std::string("100% sure"), c.get("/msg/" + id + "/3").body);
        c.post("/send/" + id + "?nick=bot", "from a bot", "text/plain");
        CPPUNIT_ASSERT_EQUAL(std::string("bot"),
                             c.get("/msg/" + id + "/4").header("X-Chat-Author"));
        // alice is online: nobody else may take her name, in any case.
        Reply taken = c.post("/send/" + id + "?nick=ALICE", "me too", "text/plain");
        CPPUNIT_ASSERT_EQUAL(409, taken.status);
        CPPUNIT_ASSERT(taken.body.find("taken") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(5, json(c.get("/api/rooms/" + id).body)
                                    .extract<Poco::JSON::Object::Ptr>()
                                    ->getValue<int>("next"));
    }

    void retentionAnswers410()
    {
        // The memory store keeps only chat.historyLimit messages per room.
        DaemonProcess memory(std::map<std::string, std::string>{
            {"store.kind", "memory"}, {"chat.historyLimit", "5"}, {"chat.recentOnJoin", "3"}});
        TestClient c(memory.host(), memory.port());
        std::string id = c.createRoom("retention", false);
        for (int i = 0; i < 8; ++i)
            c.post("/send/" + id, std::to_string(i), "text/plain");
        CPPUNIT_ASSERT_EQUAL(410, c.get("/msg/" + id + "/0").status);
        CPPUNIT_ASSERT_EQUAL(410, c.get("/msg/" + id + "/2").status);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), c.get("/msg/" + id + "/3").body);
        auto page = json(c.get("/api/rooms/" + id + "/messages?from=0").body)
                        .extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(3, page->getArray("messages")->getObject(0)->getValue<int>("id"));
    }

    void healthAndMetrics()
    {
        Reply health = client().get("/healthz");
        CPPUNIT_ASSERT_EQUAL(200, health.status);
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"), health.body);
        std::string id = client().createRoom("m", false);
        client().post("/send/" + id, "x", "text/plain");
        Reply metrics = client().get("/metrics");
        CPPUNIT_ASSERT(metrics.body.find("hchatd_messages_total 1\n") != std::string::npos);
        CPPUNIT_ASSERT(metrics.body.find("hchatd_rooms 1\n") != std::string::npos);
        CPPUNIT_ASSERT(metrics.body.find("hchatd_connections{transport=\"http\"}") !=
                       std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HchatdFlowTest);

} // namespace hchat::test
