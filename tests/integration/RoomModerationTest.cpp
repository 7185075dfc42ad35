#include "support/DaemonTest.h"

#include <Poco/File.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Thread.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class RoomModerationTest : public DaemonTest
/// What a room's owner and moderators do to the room and its people, on
/// real sockets (SPEC §11): delete the room; name moderators; kick (live
/// connections end on every transport); ban (kept out of posting and
/// joining on every transport, under another name too, over a restart,
/// until lifted or over); posting rules, slow mode, subject and listing;
/// everyone else refused.
{
    CPPUNIT_TEST_SUITE(RoomModerationTest);
    CPPUNIT_TEST(ownersDeleteTheirRoom);
    CPPUNIT_TEST(ownersNameModerators);
    CPPUNIT_TEST(aKickEndsEveryLiveConnection);
    CPPUNIT_TEST(aBanKeepsSomeoneOutEverywhere);
    CPPUNIT_TEST(postingRulesSlowModeAndSettings);
    CPPUNIT_TEST_SUITE_END();

    bool lineProtocol() const override { return true; }
    std::map<std::string, std::string> configuration() const override
    {
        return {{"store.path", _state + "/hchatd.db"}, {"admin.accounts", "root"}};
    }

    static bool has(const std::string& text, const std::string& part)
    {
        return text.find(part) != std::string::npos;
    }

    Reply call(const std::string& method, const std::string& path, const std::string& cookie,
               const std::string& body = "")
    {
        std::map<std::string, std::string> headers;
        if (!cookie.empty())
            headers["Cookie"] = cookie;
        return http().request(method, path, body, "application/x-www-form-urlencoded", headers);
    }

    std::string send(const std::string& room, const std::string& text, const std::string& cookie,
                     int expected = 200)
    {
        const Reply sent = http().post("/send/" + room, text, "text/plain", {{"Cookie", cookie}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, expected, sent.status);
        return sent.body;
    }

    std::string history(const std::string& room)
    {
        return http().get("/api/rooms/" + room + "/messages").body;
    }

    Reply deleteRoom(const std::string& room, const std::string& cookie)
    {
        return http().request("DELETE", "/api/rooms/" + room, "", "",
                              cookie.empty()
                                  ? std::map<std::string, std::string>()
                                  : std::map<std::string, std::string>{{"Cookie", cookie}});
    }

public:
    void ownersDeleteTheirRoom()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        CPPUNIT_ASSERT_EQUAL(200, http().post("/send/" + room, "hi", "text/plain").status);
        auto socket = ws("/ws/" + room + "?from=0");
        CPPUNIT_ASSERT(!socket->nextChat().empty());

        CPPUNIT_ASSERT_EQUAL(403, deleteRoom(room, "").status);
        CPPUNIT_ASSERT_EQUAL(403, deleteRoom(room, personCookie(room)).status);
        CPPUNIT_ASSERT_EQUAL(
            403, deleteRoom(room, "hchat_owner_" + room + "=" + std::string(32, 'a')).status);
        CPPUNIT_ASSERT_EQUAL(404, deleteRoom(std::string(32, 'f'), owner).status);
        CPPUNIT_ASSERT_EQUAL(403,
                             http()
                                 .request("DELETE", "/api/rooms/" + room, "", "",
                                          {{"Cookie", owner}, {"Origin", "https://evil.example"}})
                                 .status);
        CPPUNIT_ASSERT_EQUAL(204, deleteRoom(room, owner).status);
        // Gone for everyone: its URLs answer 410, its live connections are told.
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"room-deleted\""));
        CPPUNIT_ASSERT_EQUAL(410, http().get("/chat/" + room).status);
        CPPUNIT_ASSERT_EQUAL(410, deleteRoom(room, owner).status);
        CPPUNIT_ASSERT(!has(http().get("/api/rooms").body, room));

        // An account owns its rooms by name; the operator may delete any room.
        const std::string ava = accountSession("Ava");
        const std::string avas =
            http().get("/chat_create?subject=avas", {{"Cookie", ava}}).header("Location").substr(6);
        const std::string other =
            http().get("/chat_create?subject=other").header("Location").substr(6);
        CPPUNIT_ASSERT_EQUAL(403, deleteRoom(other, ava).status);
        CPPUNIT_ASSERT_EQUAL(204, deleteRoom(avas, ava).status);
        CPPUNIT_ASSERT_EQUAL(204, deleteRoom(other, accountSession("root")).status);
        CPPUNIT_ASSERT_EQUAL(410, http().get("/msg/" + other + "/0").status);
    }

    void ownersNameModerators()
    {
        const std::string olga = accountSession("Olga");
        const std::string mo = accountSession("Mo");
        const std::string room =
            http()
                .get("/chat_create?subject=modded&public=1", {{"Cookie", olga}})
                .header("Location")
                .substr(6);
        const std::string guest = personCookie(room);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(room, "spam", guest));
        CPPUNIT_ASSERT_EQUAL(403, call("DELETE", "/api/rooms/" + room + "/messages/0", mo).status);

        CPPUNIT_ASSERT_EQUAL(403, call("PUT", "/api/rooms/" + room + "/moderators/Mo", mo).status);
        CPPUNIT_ASSERT_EQUAL(404,
                             call("PUT", "/api/rooms/" + room + "/moderators/nobody", olga).status);
        const Reply named = call("PUT", "/api/rooms/" + room + "/moderators/mo", olga);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(named.body, 200, named.status);
        const std::string info = http().get("/api/rooms/" + room).body;
        CPPUNIT_ASSERT_MESSAGE(info, has(info, "\"owner\":\"Olga\"") &&
                                         has(info, "\"moderators\":[\"Mo\"]"));
        CPPUNIT_ASSERT(has(history(room), "\"kind\":\"moderation\",\"author\":\"Olga\""));
        CPPUNIT_ASSERT(has(history(room), "Olga made Mo a moderator"));
        CPPUNIT_ASSERT(
            has(http().get("/chat/" + room, {{"Cookie", mo}}).body, "data-role=\"moderator\""));

        // A moderator deletes others' messages, but names no moderators and
        // does not touch the owner's.
        CPPUNIT_ASSERT_EQUAL(200, call("DELETE", "/api/rooms/" + room + "/messages/0", mo).status);
        CPPUNIT_ASSERT_EQUAL(403,
                             call("PUT", "/api/rooms/" + room + "/moderators/Olga", mo).status);
        const std::string own = send(room, "the owner speaks", olga);
        CPPUNIT_ASSERT_EQUAL(403,
                             call("DELETE", "/api/rooms/" + room + "/messages/" + own, mo).status);
        CPPUNIT_ASSERT_EQUAL(403, call("PATCH", "/api/rooms/" + room, mo, "subject=mine").status);

        CPPUNIT_ASSERT_EQUAL(200,
                             call("DELETE", "/api/rooms/" + room + "/moderators/Mo", olga).status);
        CPPUNIT_ASSERT(has(history(room), "Olga removed Mo as a moderator"));
        const std::string again = send(room, "spam again", guest);
        CPPUNIT_ASSERT_EQUAL(
            403, call("DELETE", "/api/rooms/" + room + "/messages/" + again, mo).status);
        // Moderators outlive a restart.
        CPPUNIT_ASSERT_EQUAL(200,
                             call("PUT", "/api/rooms/" + room + "/moderators/Mo", olga).status);
        restart(configuration());
        const std::string mo2 = session2("Mo");
        CPPUNIT_ASSERT_EQUAL(
            200, call("DELETE", "/api/rooms/" + room + "/messages/" + again, mo2).status);
    }

    /// A session after a restart (sessions are kept; this logs in again).
    std::string session2(const std::string& name)
    {
        const Reply in =
            http().post("/login", "name=" + name + "&password=long%20enough",
                        "application/x-www-form-urlencoded", {{"Accept", "application/json"}});
        CPPUNIT_ASSERT_EQUAL(200, in.status);
        std::vector<Poco::Net::HTTPCookie> cookies;
        in.response.getCookies(cookies);
        for (const auto& cookie : cookies)
            if (cookie.getName() == "hchat_session")
                return "hchat_session=" + cookie.getValue();
        CPPUNIT_FAIL("no session cookie");
        return "";
    }

    void aKickEndsEveryLiveConnection()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string bob = personCookie(room);
        auto socket = ws("/ws/" + room + "?nick=bob", bob);
        CPPUNIT_ASSERT(!socket->nextOfType("presence").empty());
        auto watcher = ws("/ws/" + room + "?nick=wendy", personCookie(room));
        CPPUNIT_ASSERT(!watcher->nextOfType("presence").empty());
        auto line = tcp();
        line->say("USERNAME carl");
        line->line();
        line->say("JOIN " + room);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());

        CPPUNIT_ASSERT_EQUAL(
            403,
            call("POST", "/api/rooms/" + room + "/kick", personCookie(room), "name=bob").status);
        CPPUNIT_ASSERT_EQUAL(
            404, call("POST", "/api/rooms/" + room + "/kick", owner, "name=nobody").status);
        CPPUNIT_ASSERT_EQUAL(400, call("POST", "/api/rooms/" + room + "/kick", owner, "").status);
        const Reply kicked = call("POST", "/api/rooms/" + room + "/kick", owner, "name=BOB");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(kicked.body, 200, kicked.status);
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"kicked\""));
        CPPUNIT_ASSERT_EQUAL(1008, socket->closeCode());
        const std::string entry = watcher->nextOfKind("moderation");
        CPPUNIT_ASSERT_MESSAGE(entry, has(entry, "kicked bob"));
        CPPUNIT_ASSERT(!line->expect("ROOM " + room + " * ").empty());

        // The line protocol's moderators kick too; the kicked stay connected.
        const std::string olga = accountSession("Olga");
        const std::string olgas =
            http().get("/chat_create?subject=o", {{"Cookie", olga}}).header("Location").substr(6);
        auto mod = tcp();
        mod->say("USERNAME Olga long enough");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, Olga!"), mod->line());
        mod->say("JOIN " + olgas);
        CPPUNIT_ASSERT(!mod->expect("OK Joined").empty());
        line->say("JOIN " + olgas);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());
        line->say("KICK Olga");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not allowed"), line->line());
        mod->say("KICK carl");
        CPPUNIT_ASSERT(!mod->expect("OK Kicked carl").empty());
        CPPUNIT_ASSERT(!line->expect("ERROR Kicked from " + olgas).empty());
        line->say("hello?");
        CPPUNIT_ASSERT(!line->expect("ERROR Not in a room").empty());
        line->say("JOIN " + olgas); // a kick is no ban
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());
    }

    void aBanKeepsSomeoneOutEverywhere()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string bob = personCookie(room);
        auto socket = ws("/ws/" + room + "?nick=bob", bob);
        CPPUNIT_ASSERT(!socket->nextOfType("presence").empty());
        send(room, "before", bob);

        CPPUNIT_ASSERT_EQUAL(
            400, call("PUT", "/api/rooms/" + room + "/bans/bob", owner, "seconds=soon").status);
        CPPUNIT_ASSERT_EQUAL(
            403, call("PUT", "/api/rooms/" + room + "/bans/bob", personCookie(room)).status);
        const Reply banned = call("PUT", "/api/rooms/" + room + "/bans/bob", owner);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(banned.body, 200, banned.status);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"bans\":[{\"name\":\"bob\",\"until\":null}]}"),
                             http().get("/api/rooms/" + room + "/bans", {{"Cookie", owner}}).body);
        CPPUNIT_ASSERT_EQUAL(403,
                             http().get("/api/rooms/" + room + "/bans", {{"Cookie", bob}}).status);
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"kicked\""));
        CPPUNIT_ASSERT(has(history(room), "banned bob for good"));

        // Refused on every transport, under another name too.
        const Reply sent = http().post("/send/" + room + "?nick=robert", "let me in", "text/plain",
                                       {{"Cookie", bob}});
        CPPUNIT_ASSERT_EQUAL(403, sent.status);
        CPPUNIT_ASSERT_MESSAGE(sent.body, has(sent.body, "banned"));
        CPPUNIT_ASSERT_THROW(ws("/ws/" + room, bob), Poco::Exception);
        CPPUNIT_ASSERT_EQUAL(403, http().get("/msg/" + room + "/0", {{"Cookie", bob}}).status);
        CPPUNIT_ASSERT(has(http().raw("GET /events/" + room +
                                          " HTTP/1.1\r\nHost: x\r\nCookie: " + bob + "\r\n\r\n",
                                      1),
                           "403"));
        CPPUNIT_ASSERT_EQUAL(
            200, call("PUT", "/api/rooms/" + room + "/bans/zed", owner, "seconds=3600").status);
        CPPUNIT_ASSERT(has(history(room), "banned zed for 1 hour"));
        auto line = tcp();
        line->say("USERNAME zed");
        line->line();
        line->say("JOIN " + room);
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Banned"), line->line());
        CPPUNIT_ASSERT(!has(history(room), "let me in"));
        // Someone else may still post.
        send(room, "still open", personCookie(room));

        // A ban outlives a restart; lifting it lets them back.
        restart(configuration());
        CPPUNIT_ASSERT_EQUAL(403, http()
                                      .post("/send/" + room + "?nick=bob", "x", "text/plain",
                                            {{"Cookie", personCookie(room)}})
                                      .status);
        CPPUNIT_ASSERT_EQUAL(404,
                             call("DELETE", "/api/rooms/" + room + "/bans/nobody", owner).status);
        CPPUNIT_ASSERT_EQUAL(200, call("DELETE", "/api/rooms/" + room + "/bans/BOB", owner).status);
        CPPUNIT_ASSERT(has(history(room), "lifted the ban on BOB"));
        CPPUNIT_ASSERT_EQUAL(200, http()
                                      .post("/send/" + room + "?nick=bob", "back", "text/plain",
                                            {{"Cookie", personCookie(room)}})
                                      .status);

        // A ban for a time ends by itself; the line protocol bans too.
        accountSession("root"); // the operator's account (admin.accounts)
        auto mod = tcp();
        mod->say("USERNAME root long enough");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, root!"), mod->line());
        mod->say("JOIN " + room);
        CPPUNIT_ASSERT(!mod->expect("OK Joined").empty());
        mod->say("BAN dave 1");
        CPPUNIT_ASSERT(!mod->expect("OK Banned dave").empty());
        const std::string dave = personCookie(room);
        CPPUNIT_ASSERT_EQUAL(
            403, http()
                     .post("/send/" + room + "?nick=dave", "x", "text/plain", {{"Cookie", dave}})
                     .status);
        Poco::Thread::sleep(1100);
        CPPUNIT_ASSERT_EQUAL(
            200, http()
                     .post("/send/" + room + "?nick=dave", "x", "text/plain", {{"Cookie", dave}})
                     .status);
    }

    void postingRulesSlowModeAndSettings()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string guest = personCookie(room);
        const std::string ava = accountSession("Ava");
        CPPUNIT_ASSERT_EQUAL(403,
                             call("PATCH", "/api/rooms/" + room, guest, "posting=accounts").status);
        CPPUNIT_ASSERT_EQUAL(400,
                             call("PATCH", "/api/rooms/" + room, owner, "posting=some").status);
        CPPUNIT_ASSERT_EQUAL(400, call("PATCH", "/api/rooms/" + room, owner, "slowMode=-1").status);
        CPPUNIT_ASSERT_EQUAL(400, call("PATCH", "/api/rooms/" + room, owner, "colour=red").status);
        CPPUNIT_ASSERT_EQUAL(400,
                             call("PATCH", "/api/rooms/" + room, owner, "public=maybe").status);

        const Reply changed = call("PATCH", "/api/rooms/" + room, owner, "posting=accounts");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(changed.body, 200, changed.status);
        CPPUNIT_ASSERT(has(changed.body, "\"posting\":\"accounts\""));
        const Reply refused = http().post("/send/" + room, "x", "text/plain", {{"Cookie", guest}});
        CPPUNIT_ASSERT_EQUAL(403, refused.status);
        CPPUNIT_ASSERT_MESSAGE(refused.body, has(refused.body, "logged in to an account"));
        send(room, "members only", ava);
        send(room, "the owner may", owner);

        CPPUNIT_ASSERT_EQUAL(200, http()
                                      .request("PATCH", "/api/rooms/" + room,
                                               "{\"posting\":\"moderators\",\"slowMode\":0}",
                                               "application/json", {{"Cookie", owner}})
                                      .status);
        send(room, "x", ava, 403);
        send(room, "announcement", owner);

        CPPUNIT_ASSERT_EQUAL(
            200, call("PATCH", "/api/rooms/" + room, owner, "posting=everyone&slowMode=30").status);
        send(room, "first", guest);
        const Reply slow =
            http().post("/send/" + room, "second", "text/plain", {{"Cookie", guest}});
        CPPUNIT_ASSERT_EQUAL(429, slow.status);
        CPPUNIT_ASSERT(!slow.header("Retry-After").empty());
        CPPUNIT_ASSERT_MESSAGE(slow.body, has(slow.body, "slow mode"));
        send(room, "no slow mode for me", owner);
        send(room, "no slow mode for me either", owner);
        CPPUNIT_ASSERT(has(history(room), "set slow mode to one message every 30 seconds"));

        // Subject and listing: the index and the API follow.
        CPPUNIT_ASSERT(has(http().get("/api/rooms").body, room));
        const Reply hidden =
            call("PATCH", "/api/rooms/" + room, owner, "subject=Quiet%20corner&public=0");
        CPPUNIT_ASSERT_EQUAL(200, hidden.status);
        CPPUNIT_ASSERT(
            has(hidden.body, "\"subject\":\"Quiet corner\",\"name\":null,\"public\":false"));
        CPPUNIT_ASSERT(!has(http().get("/api/rooms").body, room));
        CPPUNIT_ASSERT(!has(http().get("/").body, "Quiet corner"));
        CPPUNIT_ASSERT(has(http().get("/chat/" + room).body, "Quiet corner"));
        CPPUNIT_ASSERT(
            has(history(room), "changed the subject to Quiet corner and made the room unlisted"));
        // Kept over a restart.
        restart(configuration());
        const std::string info = http().get("/api/rooms/" + room).body;
        CPPUNIT_ASSERT_MESSAGE(info, has(info, "\"subject\":\"Quiet corner\"") &&
                                         has(info, "\"slowMode\":30"));
        CPPUNIT_ASSERT(!has(http().get("/api/rooms").body, room));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RoomModerationTest);

} // namespace hchat::test
