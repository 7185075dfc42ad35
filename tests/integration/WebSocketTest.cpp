#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <fstream>
#include <thread>

namespace hchat::test
{

using Poco::Net::WebSocket;

class WebSocketTest : public DaemonTest
/// GET /ws/<id> through POCO's WebSocket client: delivery, resume, RFC 6455
/// behaviour and its close codes, idle clients, a client that never reads.
{
    CPPUNIT_TEST_SUITE(WebSocketTest);
    CPPUNIT_TEST(everyClientGetsEveryMessageInOrder);
    CPPUNIT_TEST(startsAtFromOrRecentHistory);
    CPPUNIT_TEST(fragmentsAreReassembled);
    CPPUNIT_TEST(pingIsAnsweredWithPong);
    CPPUNIT_TEST(closeCodes);
    CPPUNIT_TEST(refusedRequestsKeepTheConnection);
    CPPUNIT_TEST(overTheRateLimitIsToldThenClosed);
    CPPUNIT_TEST(notAnUpgradeOrNoRoom);
    CPPUNIT_TEST(fromPastTheEndAndTheFirstPresence);
    CPPUNIT_TEST(silentClientIsDropped);
    CPPUNIT_TEST(stalledReaderDelaysNobody);
    CPPUNIT_TEST(pausedReaderGetsEverythingOnceInOrder);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> configuration() const override
    {
        return {{"chat.recentOnJoin", "3"},
                {"chat.maxMessageBytes", "1000"},
                {"websocket.pingInterval", "1"}};
    }

public:
    void everyClientGetsEveryMessageInOrder()
    {
        std::string id = http().createRoom("ws", true);
        std::vector<std::unique_ptr<WsClient>> clients;
        for (int i = 0; i < 3; ++i)
            clients.push_back(ws("/ws/" + id));
        clients[0]->sendText(R"({"type":"nick","nick":"wendy"})");
        clients[0]->sendText(R"({"type":"send","text":"from a socket ✓"})");
        // Two senders on two connections have no order between them: the
        // second one sends once the first message is in the log.
        std::vector<Poco::JSON::Object::Ptr> firsts{object(clients[0]->nextChat())};
        CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + id, "from curl", "text/plain").status);
        for (std::size_t i = 1; i < clients.size(); ++i)
            firsts.push_back(object(clients[i]->nextChat()));
        const int firstId = firsts[0]->getValue<int>("id");
        // A notice (a late join) may come between the two: same id for all.
        int secondId = -1;
        for (std::size_t i = 0; i < clients.size(); ++i)
        {
            auto first = firsts[i];
            auto second = object(clients[i]->nextChat());
            CPPUNIT_ASSERT_EQUAL(std::string("message"), first->getValue<std::string>("type"));
            CPPUNIT_ASSERT_EQUAL(firstId, first->getValue<int>("id"));
            CPPUNIT_ASSERT_EQUAL(std::string("from a socket ✓"),
                                 first->getValue<std::string>("text"));
            CPPUNIT_ASSERT_EQUAL(std::string("wendy"), first->getValue<std::string>("author"));
            if (secondId < 0)
                secondId = second->getValue<int>("id");
            CPPUNIT_ASSERT(secondId > firstId);
            CPPUNIT_ASSERT_EQUAL(secondId, second->getValue<int>("id"));
            CPPUNIT_ASSERT_EQUAL(std::string("from curl"), second->getValue<std::string>("text"));
        }
        // The socket's message is in the log for every transport.
        CPPUNIT_ASSERT_EQUAL(std::string("from a socket ✓"),
                             http().get("/msg/" + id + "/" + std::to_string(firstId)).body);
        CPPUNIT_ASSERT(http().get("/metrics").body.find("hchatd_websockets 3\n") !=
                       std::string::npos);
    }

    void startsAtFromOrRecentHistory()
    {
        std::string id = http().createRoom("resume", false);
        for (int i = 0; i < 6; ++i)
            http().post("/send/" + id, "m" + std::to_string(i), "text/plain");
        auto resumed = ws("/ws/" + id + "?from=2");
        for (int i = 2; i < 6; ++i)
            CPPUNIT_ASSERT_EQUAL(i, object(resumed->nextText())->getValue<int>("id"));
        // Its own arrival comes next, as entry 6.
        auto joined = object(resumed->nextText());
        CPPUNIT_ASSERT_EQUAL(6, joined->getValue<int>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("join"), joined->getValue<std::string>("kind"));
        auto fresh = ws("/ws/" + id); // chat.recentOnJoin = 3: entries 4, 5, 6
        CPPUNIT_ASSERT_EQUAL(4, object(fresh->nextText())->getValue<int>("id"));
        // Dropped and resumed: nothing missed, nothing twice.
        resumed.reset();
        const std::string away = http().post("/send/" + id, "while away", "text/plain").body;
        auto back = ws("/ws/" + id + "?from=" + away);
        auto m = object(back->nextText());
        CPPUNIT_ASSERT_EQUAL(std::stoi(away), m->getValue<int>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("while away"), m->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), back->nextChat(0.5));
        CPPUNIT_ASSERT_EQUAL(400, http().get("/ws/" + id + "?from=x").status);
    }

    void fragmentsAreReassembled()
    {
        std::string id = http().createRoom("fragments", false);
        auto c = ws("/ws/" + id);
        c->sendFrame(R"({"type":"send",)", WebSocket::FRAME_OP_TEXT);
        c->sendFrame(R"("text":"in )", WebSocket::FRAME_OP_CONT);
        c->sendFrame(R"(three pieces"})", WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CONT);
        CPPUNIT_ASSERT_EQUAL(std::string("in three pieces"),
                             object(c->nextChat())->getValue<std::string>("text"));
    }

    void pingIsAnsweredWithPong()
    {
        std::string id = http().createRoom("ping", false);
        auto c = ws("/ws/" + id);
        c->sendFrame("are you there", WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PING);
        std::string payload;
        int flags = 0;
        bool pong = false;
        while (!pong && c->receive(payload, flags, 2))
            pong = (flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_PONG &&
                   payload == "are you there";
        CPPUNIT_ASSERT(pong);
    }

    void closeCodes()
    {
        std::string id = http().createRoom("codes", false);
        {
            auto c = ws("/ws/" + id);
            c->socket().shutdown(4321, "bye"); // echoed with the client's code
            CPPUNIT_ASSERT_EQUAL(4321, c->closeCode());
        }
        for (int bad : {0, 999, 1005, 1006, 1015, 5000})
        {
            auto c = ws("/ws/" + id);
            c->socket().shutdown(static_cast<Poco::UInt16>(bad), "");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(bad), 1002, c->closeCode());
        }
        {
            auto c = ws("/ws/" + id);
            c->sendFrame(std::string("{\"type\":\"send\",\"text\":\"\xc3\x28\"}"),
                         WebSocket::FRAME_TEXT);
            CPPUNIT_ASSERT_EQUAL(1007, c->closeCode());
        }
        {
            auto c = ws("/ws/" + id);
            c->sendFrame("\x01\x02", WebSocket::FRAME_BINARY);
            CPPUNIT_ASSERT_EQUAL(1003, c->closeCode());
        }
        {
            auto c = ws("/ws/" + id);
            c->sendText(std::string(7000, 'x')); // over 1000 × 6 + 256
            CPPUNIT_ASSERT_EQUAL(1009, c->closeCode());
        }
        {
            auto c = ws("/ws/" + id); // too big only once reassembled
            for (int i = 0; i < 7; ++i)
                c->sendFrame(std::string(1000, 'x'),
                             i == 0 ? WebSocket::FRAME_OP_TEXT : WebSocket::FRAME_OP_CONT);
            CPPUNIT_ASSERT_EQUAL(1009, c->closeCode());
        }
        // Nothing of all that reached the log (the clients' arrivals did).
        std::string log = http().get("/api/rooms/" + id + "/messages").body;
        CPPUNIT_ASSERT(log.find("\"kind\":\"join\"") != std::string::npos);
        CPPUNIT_ASSERT(log.find("\"kind\":\"message\"") == std::string::npos);
    }

    void refusedRequestsKeepTheConnection()
    {
        std::string id = http().createRoom("refusals", false);
        auto c = ws("/ws/" + id);
        for (const char* bad : {"not json", R"({"type":"send","text":"   "})",
                                R"({"type":"nick","nick":"no spaces"})", R"({"type":"dance"})"})
        {
            c->sendText(bad);
            CPPUNIT_ASSERT_MESSAGE(bad, !c->nextOfType("error").empty());
        }
        c->sendText("{\"type\":\"send\",\"text\":\"" + std::string(1001, 'y') + "\"}");
        CPPUNIT_ASSERT_EQUAL(std::string("too-long"),
                             object(c->nextOfType("error"))->getValue<std::string>("error"));
        c->sendText(R"({"type":"send","text":"still here"})");
        CPPUNIT_ASSERT_EQUAL(std::string("still here"),
                             object(c->nextChat())->getValue<std::string>("text"));
    }

    void overTheRateLimitIsToldThenClosed()
    {
        DaemonProcess limited(std::map<std::string, std::string>{
            {"limits.messagesPerSecond", "0.5"}, {"limits.burst", "2"}});
        std::string id = TestClient(limited.host(), limited.port()).createRoom("limit", false);
        WsClient c(limited.host(), limited.port(), "/ws/" + id);
        for (int i = 0; i < 3; ++i)
            c.sendText(R"({"type":"send","text":"quick"})");
        // Told, like HTTP's 429 and the line protocol's ERROR, and kept.
        CPPUNIT_ASSERT_EQUAL(std::string("rate-limited"),
                             object(c.nextOfType("error"))->getValue<std::string>("error"));
        c.sendText(R"({"type":"nick","nick":"still-here"})"); // no token needed
        // Sustained abuse closes it.
        try
        {
            for (int i = 0; i < 25; ++i)
                c.sendText(R"({"type":"send","text":"quick"})");
        }
        catch (const Poco::Exception&)
        {
            // Closed by the daemon while frames were still going out.
        }
        // The close frame is not lost to a reset: the daemon reads what
        // still comes before it closes the socket.
        CPPUNIT_ASSERT_EQUAL(1008, c.closeCode());
        CPPUNIT_ASSERT(limited.logHas("over the rate limit"));
    }

    void fromPastTheEndAndTheFirstPresence()
    {
        std::string id = http().createRoom("ahead", false);
        http().post("/send/" + id, "zero", "text/plain");
        // A number from before a restart of a memory store, say: the stream
        // goes on from the next message instead of waiting for number 500.
        auto c = ws("/ws/" + id + "?from=500&nick=early");
        auto presence = object(c->nextOfType("presence"));
        auto online = presence->getArray("online");
        bool me = false;
        for (std::size_t i = 0; i < online->size(); ++i)
            me = me || online->getElement<std::string>(i) == "early";
        CPPUNIT_ASSERT_MESSAGE("the first presence frame names the client", me);
        http().post("/send/" + id, "one", "text/plain");
        CPPUNIT_ASSERT_EQUAL(std::string("one"),
                             object(c->nextChat())->getValue<std::string>("text"));
    }

    void notAnUpgradeOrNoRoom()
    {
        std::string id = http().createRoom("plain", false);
        Reply plain = http().get("/ws/" + id);
        CPPUNIT_ASSERT_EQUAL(400, plain.status);
        CPPUNIT_ASSERT(plain.body.find("WebSocket") != std::string::npos);
        CPPUNIT_ASSERT_THROW(ws("/ws/ffffffffffffffffffffffffffffffff"), Poco::Exception);
    }

    void silentClientIsDropped()
    {
        // websocket.pingInterval = 1: pinged after 1 s of silence, dropped
        // when the next second passes without a pong.
        std::string id = http().createRoom("silent", false);
        auto c = ws("/ws/" + id);
        std::string payload;
        int flags = 0;
        bool pinged = false;
        int code = -1;
        auto start = std::chrono::steady_clock::now();
        while (c->receive(payload, flags, 5)) // never answers
        {
            int opcode = flags & WebSocket::FRAME_OP_BITMASK;
            pinged = pinged || opcode == WebSocket::FRAME_OP_PING;
            if (opcode == WebSocket::FRAME_OP_CLOSE)
            {
                code = (static_cast<unsigned char>(payload[0]) << 8) |
                       static_cast<unsigned char>(payload[1]);
                break;
            }
        }
        CPPUNIT_ASSERT(pinged);
        CPPUNIT_ASSERT_EQUAL(1001, code);
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
        // One that answers stays.
        auto polite = ws("/ws/" + id);
        CPPUNIT_ASSERT_EQUAL(std::string(""), polite->nextChat(3)); // answers pings meanwhile
        http().post("/send/" + id, "still connected", "text/plain");
        CPPUNIT_ASSERT_EQUAL(std::string("still connected"),
                             object(polite->nextChat())->getValue<std::string>("text"));
    }

    static long rssKiB(int pid)
    {
        std::ifstream status("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(status, line))
            if (line.compare(0, 6, "VmRSS:") == 0)
                return std::stol(line.substr(6));
        return -1;
    }

    void stalledReaderDelaysNobody()
    {
        // One client never reads while 100 others take a burst of 300
        // messages of 1,000 bytes: they all get every message, in order, and
        // the daemon does not buffer for the stalled one.
        std::string id = http().createRoom("stall", false);
        auto stalled = ws("/ws/" + id);
        stalled->socket().setReceiveBufferSize(4096);
        const int readers = 100, burst = 300;
        std::vector<std::unique_ptr<WsClient>> clients;
        for (int i = 0; i < readers; ++i)
            clients.push_back(ws("/ws/" + id));
        long rssBefore = rssKiB(_daemon->pid());
        std::atomic<int> complete{0};
        std::vector<std::thread> threads;
        for (auto& c : clients)
            threads.emplace_back(
                [&complete, &c, burst]
                {
                    for (int n = 0; n < burst; ++n)
                    {
                        std::string text = c->nextChat(20);
                        if (text.find("\"text\":\"" + std::to_string(n) + ":") == std::string::npos)
                            return;
                    }
                    ++complete;
                });
        TestClient sender = http();
        const std::string padding(990, 'z'); // with "n:", at most chat.maxMessageBytes
        int refused = 0;                     // asserted after the readers are joined
        for (int n = 0; n < burst && refused == 0; ++n)
        {
            Reply sent =
                sender.post("/send/" + id, std::to_string(n) + ":" + padding, "text/plain");
            if (sent.status != 200)
                refused = sent.status;
        }
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_EQUAL(0, refused);
        long rssAfter = rssKiB(_daemon->pid());
        std::cout << "\n[stall] " << complete.load() << " of " << readers << " readers got all "
                  << burst << " messages; daemon RSS " << rssBefore << " -> " << rssAfter << " KiB "
                  << std::flush;
        CPPUNIT_ASSERT_EQUAL(readers, complete.load());
        // 300 KB of messages for the stalled client stay in the room log and
        // the kernel's socket buffers, not in the daemon's heap. (Against the
        // AddressSanitizer build, whose quarantine keeps freed memory, only
        // the deliveries are checked; the plain build checks the memory.)
        if (!_daemon->sanitized())
            CPPUNIT_ASSERT(rssAfter - rssBefore < 20 * 1024);
    }

    void pausedReaderGetsEverythingOnceInOrder()
    {
        // The client reads nothing while 100 messages of 60 KB are sent, more
        // than the socket buffers hold (Linux grows a loopback send buffer
        // to 4 MB), so the daemon's sends stop part way through a frame,
        // whoever makes them; once it reads again every frame is whole and
        // every message comes once, in order.
        restart({{"chat.maxMessageBytes", "60000"}});
        std::string id = http().createRoom("paused", false);
        auto paused = ws("/ws/" + id + "?from=0");
        const int count = 100;
        const std::string padding(59990, 'z');
        TestClient sender = http();
        for (int n = 0; n < count; ++n)
            CPPUNIT_ASSERT_EQUAL(
                200,
                sender.post("/send/" + id, std::to_string(n) + ":" + padding, "text/plain").status);
        int lastId = -1;
        for (int n = 0; n < count; ++n)
        {
            auto message = object(paused->nextChat(10));
            CPPUNIT_ASSERT(message->getValue<int>("id") > lastId);
            lastId = message->getValue<int>("id");
            CPPUNIT_ASSERT_EQUAL(std::to_string(n) + ":" + padding,
                                 message->getValue<std::string>("text"));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebSocketTest);

} // namespace hchat::test
