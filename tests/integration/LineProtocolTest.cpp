#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/LineClient.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

namespace hchat::test
{

class LineProtocolTest : public DaemonTest
/// The line protocol (SPEC §5) over real TCP: the session of the issue with
/// two clients, every error, framing, one room shared with HTTP and
/// WebSocket, private messages across transports, limits, and 200 clients
/// receiving 2,000 messages in one order.
{
    CPPUNIT_TEST_SUITE(LineProtocolTest);
    CPPUNIT_TEST(aliceAndBob);
    CPPUNIT_TEST(everyError);
    CPPUNIT_TEST(framing);
    CPPUNIT_TEST(oneRoomForEveryTransport);
    CPPUNIT_TEST(idleAndPerAddressLimits);
    CPPUNIT_TEST(twoHundredClientsOneOrder);
    CPPUNIT_TEST(listsAreCappedAndNonReadersClosed);
    CPPUNIT_TEST(aClientNotInARoomHasJoinTimeout);
    CPPUNIT_TEST(whatIsSaidBeforeLeavingIsEchoedFirst);
    CPPUNIT_TEST(aNameIsFreeOnceItsClientIsGone);
    CPPUNIT_TEST_SUITE_END();

    std::unique_ptr<LineClient> named(const std::string& name)
    {
        auto c = tcp();
        c->say("USERNAME " + name);
        CPPUNIT_ASSERT_EQUAL("OK Welcome, " + name + "!", c->line());
        return c;
    }

    bool lineProtocol() const override { return true; }
    std::map<std::string, std::string> configuration() const override
    {
        return {{"chat.maxMessageBytes", "100"}, {"chat.recentOnJoin", "5"}};
    }

public:
    void aliceAndBob()
    {
        // The session of the issue, typed into nc by two people.
        auto bob = named("bob");
        bob->say("JOIN #general");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #general (0 users)"), bob->line());
        auto alice = named("alice");
        alice->say("JOIN #general");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #general (1 user)"), alice->line());
        CPPUNIT_ASSERT_EQUAL(std::string("JOIN #general alice"), bob->line());
        alice->say("Hello everyone!");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #general alice Hello everyone!"), alice->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #general alice Hello everyone!"), bob->line());
        alice->say("PRIVMSG bob Hey");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Sent"), alice->line());
        CPPUNIT_ASSERT_EQUAL(std::string("PRIVMSG alice Hey"), bob->line());
        alice->say("USERS");
        CPPUNIT_ASSERT_EQUAL(std::string("USERLIST alice bob"), alice->line());
        alice->say("ROOMS");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOMLIST #general"), alice->line());
        alice->say("LEAVE");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Left #general"), alice->line());
        CPPUNIT_ASSERT_EQUAL(std::string("LEAVE #general alice"), bob->line(3));
        alice->say("QUIT");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Goodbye!"), alice->line());
        CPPUNIT_ASSERT(alice->closedByServer());
        // MSG works like a bare line; a newcomer gets the recent history.
        bob->say("MSG with the command");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #general bob with the command"), bob->line());
        auto carol = named("carol");
        carol->say("JOIN #GENERAL"); // names are case-insensitive
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #general (1 user)"), carol->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #general alice Hello everyone!"), carol->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #general bob with the command"), carol->line());
        // The named room is a public room of the web too.
        CPPUNIT_ASSERT(http().get("/api/rooms").body.find("\"name\":\"#general\"") !=
                       std::string::npos);
    }

    void everyError()
    {
        auto c = tcp();
        c->say("JOIN #general");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Set a username first: USERNAME <name>"), c->line());
        c->say("hello?");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Unknown command"), c->line());
        c->say("USERNAME no!good");
        CPPUNIT_ASSERT(c->line().find("ERROR Invalid username") == 0);
        // A second word is a password (SPEC §10): a log-in, to no account here.
        c->say("USERNAME not valid");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Wrong name or password"), c->line());
        auto taken = named("Dora");
        c->say("USERNAME dora");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Username taken"), c->line());
        c->say("USERNAME eve");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, eve!"), c->line());
        c->say("MSG hi");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not in a room"), c->line());
        c->say("LEAVE");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not in a room"), c->line());
        c->say("USERS");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not in a room"), c->line());
        c->say("no command"); // a message, as MSG is
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not in a room"), c->line());
        c->say("JOIN general");
        CPPUNIT_ASSERT_EQUAL(
            std::string("ERROR Room not found: JOIN #general joins or creates the room #general"),
            c->line());
        c->say("PRIVMSG nobody hello");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR User not found"), c->line());
        c->say("JOIN " + std::string(32, 'f'));
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Room not found"), c->line());
        c->say("JOIN #no spaces");
        CPPUNIT_ASSERT(c->line().find("ERROR Invalid room name") == 0);
        c->say("JOIN #errors");
        CPPUNIT_ASSERT(c->line().find("OK Joined #errors") == 0);
        c->say(std::string(300, 'x')); // chat.maxMessageBytes = 100
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Message too long"), c->line());
        c->say("MSG " + std::string(101, 'y')); // fits the line, not the message
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Message too long"), c->line());
        c->send("caf\xc3\x28\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Invalid UTF-8"), c->line());
        // The connection was kept through all of it, and nothing reached the log.
        c->say("still here");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #errors eve still here"), c->line());
        std::string log = http().get("/api/rooms").body;
        CPPUNIT_ASSERT(log.find("#errors") != std::string::npos);
    }

    void framing()
    {
        auto c = named("framer");
        // One byte at a time.
        for (char ch : std::string("JOIN #frames\r\n"))
        {
            c->send(std::string(1, ch));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        CPPUNIT_ASSERT(c->line().find("OK Joined #frames") == 0);
        // Many lines in one write, LF or CRLF.
        c->send("one\ntwo\r\nMSG three\r\n\r\nfour\n");
        for (const char* text : {"one", "two", "three", "four"})
            CPPUNIT_ASSERT_EQUAL("ROOM #frames framer " + std::string(text), c->line());
        // A line over the limit, in many pieces: one error, never two messages.
        for (int i = 0; i < 10; ++i)
            c->send(std::string(100, 'z'));
        c->send("\r\nafter\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Message too long"), c->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #frames framer after"), c->line());
        c->say("USERS");
        CPPUNIT_ASSERT_EQUAL(std::string("USERLIST framer"), c->line());
    }

    void oneRoomForEveryTransport()
    {
        // An unlisted web room, joined by id from TCP.
        const std::string id = http().createRoom("web room", false);
        auto ws = std::make_unique<WsClient>(_daemon->host(), _daemon->port(),
                                             "/ws/" + id + "?nick=wendy");
        // In the room once her first presence frame comes (it is sent
        // after her arrival is counted), not as soon as the socket opens.
        CPPUNIT_ASSERT(!ws->nextOfType("presence").empty());
        auto t = named("tina");
        t->say("JOIN " + id);
        CPPUNIT_ASSERT_EQUAL("OK Joined " + id + " (1 user)", t->line());
        t->say("from the terminal");
        // (wendy's arrival may come first: her socket opened just before)
        CPPUNIT_ASSERT_EQUAL("ROOM " + id + " tina from the terminal", t->expect("ROOM"));
        auto m = object(ws->nextChat());
        CPPUNIT_ASSERT_EQUAL(std::string("tina"), m->getValue<std::string>("author"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("from the terminal"),
            http().get("/msg/" + id + "/" + std::to_string(m->getValue<int>("id"))).body);
        // From the web to the terminal: WebSocket and curl.
        ws->sendText(R"({"type":"send","text":"from the browser"})");
        CPPUNIT_ASSERT_EQUAL("ROOM " + id + " wendy from the browser", t->expect("ROOM"));
        http().post("/send/" + id + "?nick=curly", "two\nlines", "text/plain");
        CPPUNIT_ASSERT_EQUAL("ROOM " + id + " curly two", t->expect("ROOM"));
        CPPUNIT_ASSERT_EQUAL("ROOM " + id + " curly lines", t->line());
        // Private messages both ways.
        t->say("PRIVMSG WENDY psst");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Sent"), t->line());
        auto letter = object(ws->nextOfType("private"));
        CPPUNIT_ASSERT_EQUAL(std::string("tina"), letter->getValue<std::string>("from"));
        CPPUNIT_ASSERT_EQUAL(std::string("psst"), letter->getValue<std::string>("text"));
        ws->sendText(R"({"type":"privmsg","to":"tina","text":"got it"})");
        CPPUNIT_ASSERT_EQUAL(std::string("PRIVMSG wendy got it"), t->expect("PRIVMSG"));
        // Names are shared: the web cannot take tina's.
        CPPUNIT_ASSERT_EQUAL(409,
                             http().post("/send/" + id + "?nick=Tina", "x", "text/plain").status);
        // Everyone in one list: curl's sender, the terminal, the browser.
        CPPUNIT_ASSERT(
            http().get("/api/rooms/" + id).body.find("\"online\":[\"curly\",\"tina\",\"wendy\"]") !=
            std::string::npos);
    }

    void idleAndPerAddressLimits()
    {
        const int port = LineClient::freePort();
        DaemonProcess limited(
            std::map<std::string, std::string>{{"line.port", std::to_string(port)},
                                               {"line.idleTimeout", "1"},
                                               {"limits.connectionsPerAddress", "2"}});
        {
            LineClient first(limited.host(), port), second(limited.host(), port);
            LineClient third(limited.host(), port);
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Too many connections from your address"),
                                 third.line());
            CPPUNIT_ASSERT(third.closedByServer());
            // Silent for line.idleTimeout: told, then closed (clients close
            // too when they see it; the daemon waits up to 1 s for that).
            CPPUNIT_ASSERT_EQUAL(std::string("ERROR Idle timeout, closing"), first.line(3));
            CPPUNIT_ASSERT(first.closedByServer());
            second.closedByServer(3);
        }
        // The slots are free again, once the daemon has ended the sessions
        // (just after the client saw them close, so asked a few times).
        std::string answer;
        const auto roomsAnswered = [&]
        {
            try
            {
                LineClient again(limited.host(), port);
                again.say("ROOMS");
                answer = again.line();
            }
            catch (const Poco::Exception& e)
            {
                answer = e.displayText();
            }
            return answer == "ROOMLIST";
        };
        CPPUNIT_ASSERT_MESSAGE(answer, eventually(roomsAnswered, 5, 100));
    }

    void whatIsSaidBeforeLeavingIsEchoedFirst()
    {
        // A script that says something and quits in one write gets its
        // echo before the goodbye, as it would had it waited; so with LEAVE
        // and with JOIN of another room.
        auto bot = tcp();
        bot->send("USERNAME quick\r\nJOIN #one\r\nlast words\r\nJOIN #two\r\nhi two\r\n"
                  "LEAVE\r\nJOIN #one\r\nback\r\nQUIT\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, quick!"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #one (0 users)"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #one quick last words"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #two (0 users)"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #two quick hi two"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("OK Left #two"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #one (0 users)"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #one quick last words"), bot->line()); // history
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #one quick back"), bot->line());
        CPPUNIT_ASSERT_EQUAL(std::string("OK Goodbye!"), bot->line());
    }

    void aNameIsFreeOnceItsClientIsGone()
    {
        // Held from USERNAME on, in a room or not; given up when the client
        // closes its end without a QUIT (a dropped connection), as when
        // it quits.
        auto lurker = named("lurker");
        auto talker = named("talker");
        talker->say("JOIN #free");
        talker->expect("OK Joined");
        auto other = named("other");
        other->say("USERNAME lurker");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Username taken"), other->line());
        lurker.reset();
        talker.reset();
        for (const std::string name : {"lurker", "talker"})
            CPPUNIT_ASSERT_MESSAGE(name, eventually(
                                             [&]
                                             {
                                                 other->say("USERNAME " + name);
                                                 return other->line() ==
                                                        "OK Welcome, " + name + "!";
                                             },
                                             15, 100)); // the talker's after chat.leaveGrace
    }

    void aClientNotInARoomHasJoinTimeout()
    {
        // Connections that only send USERNAME (or nothing) cannot hold the
        // threads for line.idleTimeout: they have line.joinTimeout.
        const int port = LineClient::freePort();
        DaemonProcess d(std::map<std::string, std::string>{{"line.port", std::to_string(port)},
                                                           {"line.joinTimeout", "1"}});
        LineClient named(d.host(), port), silent(d.host(), port), joined(d.host(), port);
        named.say("USERNAME lurker");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, lurker!"), named.line());
        joined.say("USERNAME member");
        joined.line();
        joined.say("JOIN #kept");
        CPPUNIT_ASSERT_EQUAL(0, static_cast<int>(joined.line().find("OK Joined")));
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR No room joined within 1 s, closing"),
                             named.line(3));
        CPPUNIT_ASSERT(named.closedByServer());
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR No room joined within 1 s, closing"),
                             silent.line(3));
        joined.say("still here");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #kept member still here"), joined.line());
    }

    void listsAreCappedAndNonReadersClosed()
    {
        const int port = LineClient::freePort();
        DaemonProcess d(std::map<std::string, std::string>{{"line.port", std::to_string(port)},
                                                           {"line.sendTimeout", "1"}});
        TestClient web(d.host(), d.port());
        for (int i = 0; i < 150; ++i) // 32-character names: 3 KiB per answer
            web.createRoom("#r" + std::to_string(i) + std::string(28, 'x'), true);
        LineClient reader(d.host(), port);
        reader.say("ROOMS");
        const std::string list = reader.line();
        CPPUNIT_ASSERT_EQUAL(0, static_cast<int>(list.find("ROOMLIST #r")));
        CPPUNIT_ASSERT_EQUAL(100L, static_cast<long>(std::count(list.begin(), list.end(), ' ')));
        CPPUNIT_ASSERT_EQUAL(std::string("OK 100 of 150 rooms listed, the most recently active"),
                             reader.line());

        // 5,000 ROOMS (16 MB of answers) in one write from a client that never reads: it is
        // closed after line.sendTimeout, counted, and nobody else notices.
        LineClient flood(d.host(), port);
        flood.socket().setReceiveBufferSize(4096);
        std::string asks;
        for (int i = 0; i < 5000; ++i)
            asks += "ROOMS\r\n";
        flood.send(asks);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                return web.get("/metrics").body.find("\nhchatd_slow_clients_closed_total 1\n") !=
                       std::string::npos;
            },
            10));
        // The line names the client by its address, as its socket remembers it.
        CPPUNIT_ASSERT(d.logHas("line client " + flood.socket().address().toString() +
                                " stopped reading: closed after 1 s"));
        reader.say("ROOMS");
        CPPUNIT_ASSERT_EQUAL(0, static_cast<int>(reader.line().find("ROOMLIST")));
    }

    void twoHundredClientsOneOrder()
    {
        // 200 clients in one room each send 10 messages at once; every one
        // of them receives all 2,000, in the same order. One more client
        // never reads: it delays nobody.
        const int clients = 200, each = 10, total = clients * each;
        auto stalled = named("stalled");
        stalled->socket().setReceiveBufferSize(4096);
        stalled->say("JOIN #load");
        std::vector<std::unique_ptr<LineClient>> all;
        for (int i = 0; i < clients; ++i)
        {
            all.push_back(named("c" + std::to_string(i)));
            all.back()->say("JOIN #load");
            CPPUNIT_ASSERT(all.back()->line().find("OK Joined #load") == 0);
        }
        std::vector<std::vector<std::string>> received(clients);
        std::vector<std::thread> readers;
        for (int i = 0; i < clients; ++i)
            readers.emplace_back(
                [&, i]
                {
                    while (static_cast<int>(received[i].size()) < total)
                    {
                        std::string line = all[i]->expect("ROOM #load ", 30);
                        if (line.empty())
                            return;
                        received[i].push_back(line);
                    }
                });
        std::vector<std::thread> senders;
        for (int i = 0; i < clients; ++i)
            senders.emplace_back(
                [&, i]
                {
                    std::string burst;
                    for (int k = 0; k < each; ++k)
                        burst += "m" + std::to_string(k) + " from c" + std::to_string(i) + "\r\n";
                    all[i]->send(burst);
                });
        for (auto& t : senders)
            t.join();
        for (auto& t : readers)
            t.join();
        int complete = 0, sameOrder = 0;
        for (int i = 0; i < clients; ++i)
        {
            complete += static_cast<int>(received[i].size()) == total;
            sameOrder += received[i] == received[0];
        }
        std::cout << "\n[line] " << complete << " of " << clients << " clients got all " << total
                  << " messages, " << sameOrder << " in the first client's order " << std::flush;
        CPPUNIT_ASSERT_EQUAL(clients, complete);
        CPPUNIT_ASSERT_EQUAL(clients, sameOrder);
        // Each sender's own messages are in the order it sent them.
        std::vector<int> nextOf(clients, 0);
        for (const std::string& line : received[0])
        {
            auto from = line.rfind(" from c");
            int who = std::stoi(line.substr(from + 7));
            CPPUNIT_ASSERT(line.find(" m" + std::to_string(nextOf[who]++) + " from") !=
                           std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LineProtocolTest);

} // namespace hchat::test
