#include "support/ControlDaemonTest.h"
#include "support/Eventually.h"

#include <Poco/File.h>
#include <Poco/Net/WebSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <future>
#include <thread>

namespace hchat::test
{

class ControlTest : public ControlDaemonTest
/// hchatd --ctl against a running daemon (SPEC §13): the operator's list
/// and counts, deleting a room while people are in it on every transport,
/// and banning an address on every port, each kept over a restart.
{
    CPPUNIT_TEST_SUITE(ControlTest);
    CPPUNIT_TEST(roomsAndStatsShowWhatIsThere);
    CPPUNIT_TEST(deleteRoomReachesEveryTransport);
    CPPUNIT_TEST(aDeletedRoomStaysGoneAfterARestart);
    CPPUNIT_TEST(banAddressClosesAndRefusesEveryPort);
    CPPUNIT_TEST(bansEndByThemselvesOrWhenLifted);
    CPPUNIT_TEST(badCommandsAnswerClearly);
    CPPUNIT_TEST_SUITE_END();

    bool lineProtocol() const override { return true; }
    std::map<std::string, std::string> configuration() const override
    {
        auto keys = ControlDaemonTest::configuration();
        keys["longpoll.timeout"] = "20";
        return keys;
    }

public:
    void roomsAndStatsShowWhatIsThere()
    {
        const std::string open = http().createRoom("Open <room>", true);
        const std::string hidden = http().createRoom("hidden", false);
        for (int i = 0; i < 3; ++i)
            http().post("/send/" + open, "m" + std::to_string(i), "text/plain");
        auto line = tcp();
        line->say("USERNAME ann");
        line->say("JOIN " + hidden);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());

        const std::string rooms = ctlOk({"rooms"});
        CPPUNIT_ASSERT_MESSAGE(rooms, has(rooms, "# id listing messages online"));
        CPPUNIT_ASSERT_MESSAGE(rooms, has(rooms, "\n" + open + " public   3 1 "));
        CPPUNIT_ASSERT_MESSAGE(rooms, has(rooms, " Open <room>\n"));
        // The line client's arrival is entry 0 of the hidden room.
        CPPUNIT_ASSERT_MESSAGE(rooms, has(rooms, "\n" + hidden + " unlisted 1 1 "));
        // Most recent activity first.
        CPPUNIT_ASSERT(rooms.find(hidden) < rooms.find(open));

        const std::string stats = ctlOk({"stats"});
        CPPUNIT_ASSERT_MESSAGE(stats, has(stats, "\nrooms 2\n"));
        CPPUNIT_ASSERT_MESSAGE(stats, has(stats, "\nrooms_public 1\n"));
        CPPUNIT_ASSERT_MESSAGE(stats, has(stats, "\nline_sessions 1\n"));
        CPPUNIT_ASSERT_MESSAGE(stats, has(stats, "\nmessages_appended 3\n"));
        CPPUNIT_ASSERT_MESSAGE(stats, has(stats, "store sqlite "));
        CPPUNIT_ASSERT(_daemon->logHas("control client uid " + std::to_string(::geteuid())));
    }

    void deleteRoomReachesEveryTransport()
    {
        const std::string id = http().createRoom("doomed", true);
        const std::string other = http().createRoom("other", true);
        http().post("/send/" + id, "before", "text/plain");
        auto socket = ws("/ws/" + id + "?from=0");
        CPPUNIT_ASSERT(has(socket->nextChat(), "before"));
        auto line = tcp();
        line->say("USERNAME lin");
        line->say("JOIN " + id);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());
        auto events = std::async(
            std::launch::async,
            [&] { return http().raw("GET /events/" + id + " HTTP/1.1\r\nHost: x\r\n\r\n", 15); });
        auto poll =
            std::async(std::launch::async, [&] { return http().get("/msg/" + id + "/50"); });
        CPPUNIT_ASSERT(eventually([&] { return has(ctlOk({"stats"}), "\nsse_streams 1\n"); }));
        CPPUNIT_ASSERT(eventually([&] { return has(ctlOk({"stats"}), "\nlongpoll_waiting 1\n"); }));

        CPPUNIT_ASSERT_EQUAL("deleted room " + id + " (doomed)\n", ctlOk({"delete-room", id}));

        // WebSocket: an error frame, then a normal close.
        const std::string frame = socket->nextOfType("error");
        CPPUNIT_ASSERT_MESSAGE(frame, has(frame, "\"error\":\"room-deleted\""));
        CPPUNIT_ASSERT_EQUAL(1000, socket->closeCode());
        // SSE: an error event, and the stream ends (long before 15 s).
        const std::string stream = events.get();
        CPPUNIT_ASSERT_MESSAGE(stream, has(stream, "event: error\ndata: {\"type\":\"error\","
                                                   "\"error\":\"room-deleted\""));
        // The long poll: 410 at once.
        CPPUNIT_ASSERT_EQUAL(410, poll.get().status);
        // The line protocol: told, out of the room, still connected.
        CPPUNIT_ASSERT_EQUAL("ERROR Room " + id + " was deleted", line->expect("ERROR Room"));
        line->say("hello?");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not in a room"), line->line());
        line->say("JOIN " + other);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());

        // Every URL of the room answers 410; the lists forget it.
        for (const std::string& path : {"/chat/" + id, "/msg/" + id + "/0", "/api/rooms/" + id,
                                        "/api/rooms/" + id + "/messages", "/events/" + id})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 410, http().get(path).status);
        CPPUNIT_ASSERT_EQUAL(410, http().post("/send/" + id, "late", "text/plain").status);
        CPPUNIT_ASSERT(!has(http().get("/api/rooms").body, id));
        CPPUNIT_ASSERT(!has(http().get("/").body, id));
        CPPUNIT_ASSERT(!has(ctlOk({"rooms"}), id));
        line->say("JOIN " + id);
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Room not found"), line->expect("ERROR"));
    }

    void aDeletedRoomStaysGoneAfterARestart()
    {
        const std::string id = http().createRoom("gone", false);
        http().post("/send/" + id, "secret words", "text/plain");
        ctlOk({"delete-room", id});
        double took = 0;
        CPPUNIT_ASSERT_EQUAL(0, _daemon->stop(SIGTERM, 5, took));
        restart(configuration());
        CPPUNIT_ASSERT_EQUAL(410, http().get("/chat/" + id).status);
        CPPUNIT_ASSERT_EQUAL(410, http().get("/msg/" + id + "/0").status);
        std::string output;
        CPPUNIT_ASSERT_EQUAL(1, ctl({"delete-room", id}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "was deleted already"));
        CPPUNIT_ASSERT_EQUAL(1, ctl({"delete-room", std::string(32, 'f')}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "no room ffff"));
    }

    void banAddressClosesAndRefusesEveryPort()
    {
        const std::string id = http().createRoom("banned", true);
        auto socket = ws("/ws/" + id);
        auto line = tcp();
        line->say("USERNAME bea");
        CPPUNIT_ASSERT(!line->expect("OK Welcome").empty());

        const std::string said = ctlOk({"ban-address", "127.0.0.0/8"});
        CPPUNIT_ASSERT_MESSAGE(said, has(said, "banned 127.0.0.0/8 for good; closed "));
        // Live connections end ...
        CPPUNIT_ASSERT(line->closedByServer());
        std::string payload;
        int flags = 0;
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                try
                {
                    return !socket->receive(payload, flags, 0.2) ||
                           (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) ==
                               Poco::Net::WebSocket::FRAME_OP_CLOSE;
                }
                catch (const Poco::Exception&)
                {
                    return true;
                }
            }));
        // ... and new ones are refused with a reason, on each port.
        const std::string refused = http().raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        CPPUNIT_ASSERT_MESSAGE(refused, has(refused, "HTTP/1.1 403 Forbidden"));
        CPPUNIT_ASSERT_MESSAGE(refused, has(refused, "your address is banned"));
        LineClient again("127.0.0.1", _linePort);
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Your address is banned from this server"),
                             again.line());
        CPPUNIT_ASSERT(_daemon->logHas("127.0.0.1 refused: the address is banned"));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.0/8 for good\n"), ctlOk({"bans"}));
        CPPUNIT_ASSERT(has(ctlOk({"stats"}), "\naddress_bans 1\n"));

        // Kept over a restart.
        double took = 0;
        CPPUNIT_ASSERT_EQUAL(0, _daemon->stop(SIGTERM, 5, took));
        restart(configuration());
        CPPUNIT_ASSERT(has(http().raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), " 403 "));
        CPPUNIT_ASSERT_EQUAL(std::string("lifted the ban of 127.0.0.0/8\n"),
                             ctlOk({"unban-address", "127.0.0.9/8"}));
        CPPUNIT_ASSERT_EQUAL(200, http().get("/healthz").status);
        CPPUNIT_ASSERT_EQUAL(std::string(""), ctlOk({"bans"}));
    }

    void bansEndByThemselvesOrWhenLifted()
    {
        const std::string said = ctlOk({"ban-address", "127.0.0.1", "1"});
        CPPUNIT_ASSERT_MESSAGE(said, has(said, "banned 127.0.0.1 until "));
        CPPUNIT_ASSERT(has(http().raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), " 403 "));
        CPPUNIT_ASSERT(eventually([&] { return ctlOk({"bans"}).empty(); }, 3));
        CPPUNIT_ASSERT_EQUAL(200, http().get("/healthz").status);
        std::string output;
        CPPUNIT_ASSERT_EQUAL(1, ctl({"unban-address", "127.0.0.1"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "127.0.0.1 is not banned"));
    }

    void badCommandsAnswerClearly()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(64, ctl({"frobnicate"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "unknown command 'frobnicate'"));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "delete-room ID"));
        CPPUNIT_ASSERT_EQUAL(64, ctl({"delete-room"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "usage: delete-room ID"));
        CPPUNIT_ASSERT_EQUAL(1, ctl({"delete-room", "../etc"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "is no room id"));
        CPPUNIT_ASSERT_EQUAL(1, ctl({"ban-address", "192.0.2"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "is no address"));
        CPPUNIT_ASSERT_EQUAL(1, ctl({"ban-address", "192.0.2.1", "soon"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "bad SECONDS 'soon'"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), ctlOk({"bans"})); // nothing half-done

        // No daemon on the socket.
        double took = 0;
        CPPUNIT_ASSERT_EQUAL(0, _daemon->stop(SIGTERM, 5, took));
        CPPUNIT_ASSERT_EQUAL(69, ctl({"stats"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, has(output, "is hchatd running"));
        CPPUNIT_ASSERT(!Poco::File(_state + "/ctl.sock").exists()); // removed at the stop
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ControlTest);

} // namespace hchat::test
