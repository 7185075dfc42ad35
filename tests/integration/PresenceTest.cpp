#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/RawHttpConnection.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPCookie.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <thread>

namespace hchat::test
{

class PresenceTest : public DaemonTest
/// People across transports, over real sockets: join and leave entries with
/// the reload grace period, presence frames and /api/rooms/<id> "online",
/// names unique among everyone online, nick entries, private messages.
{
    CPPUNIT_TEST_SUITE(PresenceTest);
    CPPUNIT_TEST(joinThenLeaveAfterGrace);
    CPPUNIT_TEST(reloadIsNoLeaveAndJoin);
    CPPUNIT_TEST(presenceFramesFollowTheRoom);
    CPPUNIT_TEST(namesAreUniqueAcrossTransports);
    CPPUNIT_TEST(privateMessagesReachOnlyTheTwo);
    CPPUNIT_TEST(eventStreamCarriesPresenceAndPrivate);
    CPPUNIT_TEST(typingIsToldButNeverLogged);
    CPPUNIT_TEST(noticesCanBeTurnedOff);
    CPPUNIT_TEST(aCrowdArrivingCostsTwoEntriesASecond);
    CPPUNIT_TEST(aPollerStaysWhileItPollsOnOneConnection);
    CPPUNIT_TEST_SUITE_END();

    /// "kind:text" of every entry of the room log, in order.
    std::vector<std::string> entries(const std::string& id)
    {
        auto page = object(http().get("/api/rooms/" + id + "/messages?from=0&limit=1000").body);
        std::vector<std::string> out;
        auto messages = page->getArray("messages");
        for (std::size_t i = 0; i < messages->size(); ++i)
            out.push_back(messages->getObject(i)->getValue<std::string>("kind") + ":" +
                          messages->getObject(i)->getValue<std::string>("text"));
        return out;
    }
    std::string online(const std::string& id)
    {
        auto names = object(http().get("/api/rooms/" + id).body)->getArray("online");
        std::string out;
        for (std::size_t i = 0; i < names->size(); ++i)
            out += (i ? "," : "") + names->getElement<std::string>(i);
        return out;
    }
    static int count(const std::vector<std::string>& list, const std::string& prefix)
    {
        int n = 0;
        for (const auto& e : list)
            n += e.compare(0, prefix.size(), prefix) == 0;
        return n;
    }

    std::map<std::string, std::string> configuration() const override
    {
        return {{"chat.leaveGrace", "1"}, {"longpoll.timeout", "2"}};
    }

public:
    void joinThenLeaveAfterGrace()
    {
        std::string id = http().createRoom("comings and goings", false);
        auto watcher = ws("/ws/" + id + "?nick=watcher");
        {
            auto alice = ws("/ws/" + id + "?nick=alice");
            auto joined = object(watcher->nextOfType("message"));
            while (joined->getValue<std::string>("author") != "alice")
                joined = object(watcher->nextOfType("message"));
            CPPUNIT_ASSERT_EQUAL(std::string("join"), joined->getValue<std::string>("kind"));
            CPPUNIT_ASSERT_EQUAL(std::string("alice joined"),
                                 joined->getValue<std::string>("text"));
            CPPUNIT_ASSERT_EQUAL(std::string("alice,watcher"), online(id));
        }
        // Gone for longer than chat.leaveGrace (1 s): a leave entry, seen live
        // (after the watcher's own join, if its session started later).
        auto left = object(watcher->nextOfType("message", 5));
        if (left->getValue<std::string>("text") == "watcher joined")
            left = object(watcher->nextOfType("message", 5));
        CPPUNIT_ASSERT_EQUAL(std::string("leave"), left->getValue<std::string>("kind"));
        CPPUNIT_ASSERT_EQUAL(std::string("alice left"), left->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("watcher"), online(id));
        // The same entries for every transport: /msg gives the notice's text and kind.
        Reply notice = http().get("/msg/" + id + "/" + std::to_string(left->getValue<int>("id")));
        CPPUNIT_ASSERT_EQUAL(std::string("alice left"), notice.body);
        CPPUNIT_ASSERT_EQUAL(std::string("leave"), notice.header("X-Chat-Kind"));
        // A curl script that sends and polls is online, but never announced.
        http().post("/send/" + id + "?nick=script", "beep", "text/plain");
        CPPUNIT_ASSERT_EQUAL(std::string("script,watcher"), online(id));
        auto log = entries(id);
        CPPUNIT_ASSERT_EQUAL(2, count(log, "join:"));
        CPPUNIT_ASSERT_EQUAL(1, count(log, "leave:"));
        CPPUNIT_ASSERT_EQUAL(0, count(log, "join:script"));
    }

    void reloadIsNoLeaveAndJoin()
    {
        std::string id = http().createRoom("reloads", false);
        const std::string cookie = personCookie(id);
        auto watcher = ws("/ws/" + id + "?nick=watcher");
        for (int i = 0; i < 3; ++i) // three page loads in quick succession
        {
            auto page = ws("/ws/" + id + "?nick=alice", cookie);
            CPPUNIT_ASSERT(!page->nextOfType("presence").empty());
        }
        auto back = ws("/ws/" + id + "?nick=alice", cookie);
        std::this_thread::sleep_for(std::chrono::milliseconds(2500)); // past the grace period
        auto log = entries(id);
        CPPUNIT_ASSERT_EQUAL(1, count(log, "join:alice"));
        CPPUNIT_ASSERT_EQUAL(0, count(log, "leave:"));
        CPPUNIT_ASSERT_EQUAL(std::string("alice,watcher"), online(id));
        // Two tabs of one browser are one person: one name in the list.
        auto secondTab = ws("/ws/" + id, cookie);
        CPPUNIT_ASSERT_EQUAL(std::string("alice,watcher"), online(id));
    }

    void presenceFramesFollowTheRoom()
    {
        std::string id = http().createRoom("presence", false);
        auto first = ws("/ws/" + id + "?nick=first");
        auto frame = object(first->nextOfType("presence"));
        CPPUNIT_ASSERT_EQUAL(1, frame->getValue<int>("count"));
        CPPUNIT_ASSERT_EQUAL(std::string("first"),
                             frame->getArray("online")->getElement<std::string>(0));
        auto second = ws("/ws/" + id + "?nick=Second");
        // The next presence frame of the first client names both.
        eventually(
            [&]
            {
                frame = object(first->nextOfType("presence", 3));
                return frame->getValue<int>("count") == 2;
            });
        CPPUNIT_ASSERT_EQUAL(2, frame->getValue<int>("count"));
        CPPUNIT_ASSERT_EQUAL(std::string("Second"),
                             frame->getArray("online")->getElement<std::string>(1));
        second.reset();
        eventually(
            [&]
            {
                frame = object(first->nextOfType("presence", 3));
                return frame->getValue<int>("count") == 1;
            });
        CPPUNIT_ASSERT_EQUAL(1, frame->getValue<int>("count"));
        // Presence frames are not log entries.
        for (const auto& e : entries(id))
            CPPUNIT_ASSERT(e.compare(0, 5, "join:") == 0 || e.compare(0, 6, "leave:") == 0);
    }

    void namesAreUniqueAcrossTransports()
    {
        std::string id = http().createRoom("names", false);
        auto alice = ws("/ws/" + id + "?nick=alice");
        CPPUNIT_ASSERT(!alice->nextOfType("presence").empty());
        // curl, another WebSocket, the WebSocket nick message: all refused.
        CPPUNIT_ASSERT_EQUAL(409,
                             http().post("/send/" + id + "?nick=Alice", "hi", "text/plain").status);
        auto impostor = ws("/ws/" + id + "?nick=ALICE");
        auto refused = object(impostor->nextOfType("error"));
        CPPUNIT_ASSERT_EQUAL(std::string("nick-taken"), refused->getValue<std::string>("error"));
        impostor->sendText(R"({"type":"nick","nick":"alice"})");
        CPPUNIT_ASSERT_EQUAL(std::string("nick-taken"),
                             object(impostor->nextOfType("error"))->getValue<std::string>("error"));
        impostor->sendText(R"({"type":"send","text":"who am I"})");
        CPPUNIT_ASSERT(
            object(impostor->nextChat())->getValue<std::string>("author").find("guest-") == 0);
        // alice renames herself: a nick entry, and her old name is free.
        alice->sendText(R"({"type":"nick","nick":"alicia"})");
        auto renamed = object(alice->nextOfType("message"));
        while (renamed->getValue<std::string>("kind") != "nick")
            renamed = object(alice->nextOfType("message"));
        CPPUNIT_ASSERT_EQUAL(std::string("alice is now known as alicia"),
                             renamed->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("alicia"), renamed->getValue<std::string>("author"));
        alice->sendText(R"({"type":"send","text":"new name"})");
        CPPUNIT_ASSERT_EQUAL(std::string("alicia"),
                             object(alice->nextChat())->getValue<std::string>("author"));
        CPPUNIT_ASSERT_EQUAL(
            200, http().post("/send/" + id + "?nick=alice", "mine now", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(400, http().get("/ws/" + id + "?nick=no%20spaces").status);
    }

    void privateMessagesReachOnlyTheTwo()
    {
        std::string id = http().createRoom("whispers", false);
        std::string other = http().createRoom("elsewhere", false);
        auto alice = ws("/ws/" + id + "?nick=alice");
        auto bob = ws("/ws/" + other + "?nick=bob"); // in another room: still reachable
        auto carol = ws("/ws/" + id + "?nick=carol");
        // Online once their rooms show them (the upgrade's answer comes first).
        CPPUNIT_ASSERT(!bob->nextOfType("presence").empty());
        CPPUNIT_ASSERT(!carol->nextOfType("presence").empty());
        alice->sendText(R"({"type":"privmsg","to":"BOB","text":"just for you <3"})");
        for (auto* c : {&bob, &alice}) // the recipient, and the echo to the sender
        {
            auto letter = object((*c)->nextOfType("private"));
            CPPUNIT_ASSERT_EQUAL(std::string("alice"), letter->getValue<std::string>("from"));
            CPPUNIT_ASSERT_EQUAL(std::string("bob"), letter->getValue<std::string>("to"));
            CPPUNIT_ASSERT_EQUAL(std::string("just for you <3"),
                                 letter->getValue<std::string>("text"));
            CPPUNIT_ASSERT(!letter->getValue<std::string>("time").empty());
        }
        CPPUNIT_ASSERT_EQUAL(std::string(""), carol->nextOfType("private", 1));
        for (const auto& room : {id, other})
            for (const auto& e : entries(room))
                CPPUNIT_ASSERT(e.find("just for you") == std::string::npos);
        alice->sendText(R"({"type":"privmsg","to":"nobody","text":"hello?"})");
        CPPUNIT_ASSERT_EQUAL(std::string("not-online"),
                             object(alice->nextOfType("error"))->getValue<std::string>("error"));
        alice->sendText(R"({"type":"privmsg","to":"bob","text":" "})");
        CPPUNIT_ASSERT_EQUAL(std::string("empty"),
                             object(alice->nextOfType("error"))->getValue<std::string>("error"));
    }

    void eventStreamCarriesPresenceAndPrivate()
    {
        std::string id = http().createRoom("sse people", false);
        std::thread whisper(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(700));
                auto alice = ws("/ws/" + id + "?nick=alice");
                alice->sendText(R"({"type":"privmsg","to":"reader","text":"over SSE"})");
                alice->nextOfType("private");
            });
        std::string stream = http().raw(
            "GET /events/" + id + "?nick=reader HTTP/1.1\r\nHost: localhost\r\n\r\n", 2.5);
        whisper.join();
        CPPUNIT_ASSERT(stream.find("event: join\ndata: ") != std::string::npos);
        CPPUNIT_ASSERT(
            stream.find("event: presence\ndata: {\"type\":\"presence\",\"online\":[\"reader\"]") !=
            std::string::npos);
        CPPUNIT_ASSERT(
            stream.find("event: private\ndata: {\"type\":\"private\",\"from\":\"alice\"") !=
            std::string::npos);
        // Presence and private events carry no id: Last-Event-ID stays a message number.
        for (const char* kind : {"\nevent: private", "\nevent: presence"})
            for (auto at = stream.find(kind); at != std::string::npos;
                 at = stream.find(kind, at + 1))
            {
                const auto lineStart = stream.rfind('\n', at - 1);
                CPPUNIT_ASSERT(stream.compare(lineStart + 1, 4, "id: ") != 0);
            }
    }

    void typingIsToldButNeverLogged()
    {
        std::string id = http().createRoom("typing", false);
        auto alice = ws("/ws/" + id + "?nick=alice");
        auto bob = ws("/ws/" + id + "?nick=bob");
        std::thread reader(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
                alice->sendText(R"({"type":"typing"})");
                alice->sendText(R"({"type":"typing"})"); // within 3 s: no news
                alice->sendText(R"({"type":"typing"})");
            });
        std::string stream =
            http().raw("GET /events/" + id + "?nick=reader HTTP/1.1\r\nHost: localhost\r\n\r\n", 2);
        reader.join();
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"typing","names":["alice"]})"),
                             bob->nextOfType("typing"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), bob->nextOfType("typing", 0.5)); // one frame
        const std::string event =
            "event: typing\ndata: {\"type\":\"typing\",\"names\":[\"alice\"]}";
        CPPUNIT_ASSERT_MESSAGE(stream, stream.find(event) != std::string::npos);
        CPPUNIT_ASSERT(stream.find(event) == stream.rfind(event));
        // Sending ends it; nothing of it is in the log.
        alice->sendText(R"({"type":"send","text":"done typing"})");
        CPPUNIT_ASSERT(!bob->nextChat().empty());
        const std::string log = http().get("/api/rooms/" + id + "/messages?from=0").body;
        CPPUNIT_ASSERT(log.find("\"type\":\"typing") == std::string::npos);
    }

    void aCrowdArrivingCostsTwoEntriesASecond()
    {
        // 150 people arriving as fast as they connect: the watcher gets a
        // few join entries whose counts add up to everyone, not 150.
        std::string id = http().createRoom("crowd", true);
        auto watcher = ws("/ws/" + id + "?nick=watcher");
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::unique_ptr<WsClient>> crowd;
        for (int i = 0; i < 150; ++i)
            crowd.push_back(ws("/ws/" + id));
        CPPUNIT_ASSERT(eventually(
            [&] {
                return object(http().get("/api/rooms/" + id).body)->getArray("online")->size() ==
                       151;
            },
            10));
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + id, "barrier", "text/plain").status);
        // The barrier comes after nearly every join: one whose person is
        // online (People) may reach the Announcer a moment after the
        // barrier flushed what it had heard of (1 in a full run on a loaded
        // machine), and is told right after it.
        std::uint64_t joined = 0;
        int entries = 0;
        std::int64_t last = -1;
        bool barrier = false;
        while (!barrier || joined < 151)
        {
            auto entry = object(watcher->nextOfType("message"));
            const std::int64_t n = entry->getValue<std::int64_t>("id");
            CPPUNIT_ASSERT_EQUAL(last + 1, n); // one continuous numbering
            last = n;
            if (entry->getValue<std::string>("kind") == "message")
            {
                CPPUNIT_ASSERT_EQUAL(std::string("barrier"), entry->getValue<std::string>("text"));
                CPPUNIT_ASSERT(!barrier);
                barrier = true;
                continue;
            }
            CPPUNIT_ASSERT_EQUAL(std::string("join"), entry->getValue<std::string>("kind"));
            ++entries;
            joined += entry->has("count") ? entry->getValue<std::uint64_t>("count") : 1;
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(151), joined);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(entries) + " entries in " + std::to_string(seconds) +
                                   " s",
                               entries <= 2 * (static_cast<int>(seconds) + 2));
    }

    void aPollerStaysWhileItPollsOnOneConnection()
    {
        // The polls after the first on a kept-alive connection, sent as
        // curl sends them, are served without POCO (KeptAlivePoll), and
        // still keep their person online past the poll window
        // (longpoll.timeout + 5 s: 7 s here).
        std::string id = http().createRoom("polling", false);
        std::vector<Poco::Net::HTTPCookie> cookies;
        http().get("/chat/" + id).response.getCookies(cookies);
        std::string person;
        for (const auto& cookie : cookies)
            if (cookie.getName() == "hchat_person")
                person = cookie.getValue();
        CPPUNIT_ASSERT(!person.empty());
        auto talker = ws("/ws/" + id + "?nick=talker");
        RawHttpConnection poller(_daemon->host(), _daemon->port());
        const auto start = std::chrono::steady_clock::now();
        for (int n = 0; std::chrono::steady_clock::now() - start < std::chrono::seconds(9); ++n)
        {
            poller.send("GET /msg/" + id + "/" + std::to_string(n) +
                        " HTTP/1.1\r\nHost: x\r\nCookie: hchat_person=" + person + "\r\n\r\n");
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            talker->sendText(R"({"type":"send","text":"tick"})");
            CPPUNIT_ASSERT_EQUAL(200, poller.read().status);
        }
        CPPUNIT_ASSERT_EQUAL("guest-" + person.substr(0, 6) + ",talker", online(id));
    }

    void noticesCanBeTurnedOff()
    {
        DaemonProcess quiet(std::map<std::string, std::string>{{"chat.notices", "false"},
                                                               {"chat.leaveGrace", "0"}});
        TestClient c(quiet.host(), quiet.port());
        std::string id = c.createRoom("broadcast", true);
        {
            WsClient reader(quiet.host(), quiet.port(), "/ws/" + id + "?nick=reader");
            CPPUNIT_ASSERT(!reader.nextOfType("presence").empty());
            CPPUNIT_ASSERT(c.get("/api/rooms/" + id).body.find("\"online\":[\"reader\"]") !=
                           std::string::npos);
            reader.sendText(R"({"type":"nick","nick":"renamed"})");
            reader.sendText(R"({"type":"send","text":"only this"})");
            CPPUNIT_ASSERT(!reader.nextChat().empty());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // past the grace
        std::string log = c.get("/api/rooms/" + id + "/messages").body;
        CPPUNIT_ASSERT(log.find("\"id\":0,\"kind\":\"message\"") != std::string::npos);
        CPPUNIT_ASSERT(log.find("\"next\":1}") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PresenceTest);

} // namespace hchat::test
