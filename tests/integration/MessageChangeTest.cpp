#include "support/DaemonTest.h"
#include "support/Eventually.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/StreamCopier.h>
#include <Poco/Thread.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class MessageChangeTest : public DaemonTest
/// Edits and deletions on real sockets (SPEC §11): authors edit and delete
/// their own messages, the room's owner (by account or owner link) and the
/// operator delete anyone's, everyone else is refused; every transport
/// learns the change in the log's order; the edit window ends; what was
/// deleted is gone from the SQLite file and its WAL, and stays gone after
/// a restart.
{
    CPPUNIT_TEST_SUITE(MessageChangeTest);
    CPPUNIT_TEST(authorsEditAndDeleteTheirOwn);
    CPPUNIT_TEST(ownersAndTheOperatorDeleteAnyMessage);
    CPPUNIT_TEST(everyTransportLearnsTheChangeInOrder);
    CPPUNIT_TEST(theEditWindowEnds);
    CPPUNIT_TEST(deletedTextIsGoneFromTheFile);
    CPPUNIT_TEST_SUITE_END();

    bool lineProtocol() const override { return true; }
    std::map<std::string, std::string> configuration() const override
    {
        return {{"store.path", _state + "/hchatd.db"}, {"admin.accounts", "Root, Ops"}};
    }

    static bool has(const std::string& text, const std::string& part)
    {
        return text.find(part) != std::string::npos;
    }

    Reply change(const std::string& method, const std::string& room, const std::string& n,
                 const std::string& cookie, const std::string& body = "")
    {
        std::map<std::string, std::string> headers;
        if (!cookie.empty())
            headers["Cookie"] = cookie;
        return http().request(method, "/api/rooms/" + room + "/messages/" + n, body,
                              "application/x-www-form-urlencoded", headers);
    }

    std::string send(const std::string& room, const std::string& text, const std::string& cookie)
    {
        return http().post("/send/" + room, text, "text/plain", {{"Cookie", cookie}}).body;
    }

    static std::string fileText(const std::string& path)
    {
        if (!Poco::File(path).exists())
            return "";
        Poco::FileInputStream in(path);
        std::string text;
        Poco::StreamCopier::copyToString(in, text);
        return text;
    }

public:
    void authorsEditAndDeleteTheirOwn()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string alice = personCookie(room);
        const std::string bob = personCookie(room);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(room, "helo wrold", alice));

        CPPUNIT_ASSERT_EQUAL(403, change("PATCH", room, "0", bob, "text=mine%20now").status);
        const Reply edited = change("PATCH", room, "0", alice, "text=hello%20world");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(edited.body, 200, edited.status);
        const auto entry = object(edited.body);
        CPPUNIT_ASSERT_EQUAL(std::string("edit"), entry->getValue<std::string>("kind"));
        CPPUNIT_ASSERT_EQUAL(0, entry->getValue<int>("target"));
        CPPUNIT_ASSERT_EQUAL(std::string("hello world"), entry->getValue<std::string>("text"));
        const std::string entryId = std::to_string(entry->getValue<int>("id"));

        // Message 0 now reads as edited, everywhere it is read.
        const Reply plain = http().get("/msg/" + room + "/0");
        CPPUNIT_ASSERT_EQUAL(std::string("hello world"), plain.body);
        CPPUNIT_ASSERT_EQUAL(std::string("message"), plain.header("X-Chat-Kind"));
        const auto json =
            object(http().get("/msg/" + room + "/0", {{"Accept", "application/json"}}).body);
        CPPUNIT_ASSERT(json->has("edited"));
        // Text/plain works too; a bad text and a bad number are refused.
        CPPUNIT_ASSERT_EQUAL(200, http()
                                      .request("PATCH", "/api/rooms/" + room + "/messages/0",
                                               "hello, world", "text/plain", {{"Cookie", alice}})
                                      .status);
        CPPUNIT_ASSERT_EQUAL(400, change("PATCH", room, "0", alice, "text=%20%20").status);
        CPPUNIT_ASSERT_EQUAL(400, change("PATCH", room, "0", alice, "nottext=x").status);
        CPPUNIT_ASSERT_EQUAL(400, change("PATCH", room, "zero", alice, "text=x").status);
        CPPUNIT_ASSERT_EQUAL(404, change("PATCH", room, "99", alice, "text=x").status);
        // An edit entry is no message to edit or delete.
        CPPUNIT_ASSERT_EQUAL(404, change("DELETE", room, entryId, alice).status);

        CPPUNIT_ASSERT_EQUAL(403, change("DELETE", room, "0", bob).status);
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", room, "0", alice).status);
        const Reply gone = http().get("/msg/" + room + "/0");
        CPPUNIT_ASSERT_EQUAL(200, gone.status);
        CPPUNIT_ASSERT_EQUAL(std::string("deleted"), gone.header("X-Chat-Kind"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), gone.body);
        // Its edits lost their text with it.
        const std::string history = http().get("/api/rooms/" + room + "/messages").body;
        CPPUNIT_ASSERT_MESSAGE(history, !has(history, "hello") && !has(history, "helo"));
        CPPUNIT_ASSERT_EQUAL(404, change("PATCH", room, "0", alice, "text=back").status);
        CPPUNIT_ASSERT_EQUAL(404, change("DELETE", room, "0", alice).status);

        // Someone known only by an address is everyone behind it: curl
        // without a cookie may not change what it sent.
        const std::string anonymous = http().post("/send/" + room, "from curl", "text/plain").body;
        CPPUNIT_ASSERT_EQUAL(403, change("DELETE", room, anonymous, "").status);
        // Another site's page may not change anything.
        CPPUNIT_ASSERT_EQUAL(
            403, http()
                     .request("DELETE", "/api/rooms/" + room + "/messages/0", "", "text/plain",
                              {{"Cookie", alice}, {"Origin", "https://evil.example"}})
                     .status);
    }

    void ownersAndTheOperatorDeleteAnyMessage()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string bob = personCookie(room);
        const std::string stranger = personCookie(room);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(room, "spam", bob));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), send(room, "more spam", bob));
        CPPUNIT_ASSERT_EQUAL(403, change("DELETE", room, "0", stranger).status);
        // The owner may delete, not edit, someone else's message.
        CPPUNIT_ASSERT_EQUAL(403, change("PATCH", room, "0", owner, "text=x").status);
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", room, "0", owner).status);

        // The owner link makes another browser an owner; a wrong secret does not.
        const std::string secret = owner.substr(owner.find('=') + 1);
        std::vector<Poco::Net::HTTPCookie> cookies;
        http().get("/chat/" + room + "?owner=" + std::string(32, '0')).response.getCookies(cookies);
        for (const auto& cookie : cookies)
            CPPUNIT_ASSERT(cookie.getName() != "hchat_owner_" + room);
        cookies.clear();
        const Reply page = http().get("/chat/" + room + "?owner=" + secret);
        CPPUNIT_ASSERT(has(page.body, "data-role=\"owner\""));
        CPPUNIT_ASSERT(has(page.body, "data-owner-link=\"/chat/" + room + "?owner=" + secret));
        page.response.getCookies(cookies);
        std::string second;
        for (const auto& cookie : cookies)
            if (cookie.getName() == "hchat_owner_" + room)
                second = cookie.getName() + "=" + cookie.getValue();
        CPPUNIT_ASSERT_EQUAL(owner, second);
        CPPUNIT_ASSERT(has(http().get("/chat/" + room).body, "data-role=\"person\""));

        // An account owns the rooms it creates, by name: no link.
        const std::string ava = accountSession("Ava");
        const Reply made = http().get("/chat_create?subject=avas", {{"Cookie", ava}});
        CPPUNIT_ASSERT_EQUAL(std::string(""), made.header("X-Chat-Owner"));
        const std::string avas = made.header("Location").substr(6);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(avas, "spam", bob));
        CPPUNIT_ASSERT(has(http().get("/chat/" + avas, {{"Cookie", ava}}).body,
                           "data-role=\"owner\" data-edit-window=\"900\" data-owner-link=\"\""));
        // The operator (admin.accounts) deletes in every room, also the owner's messages.
        const std::string root = accountSession("root");
        CPPUNIT_ASSERT_EQUAL(std::string("1"), send(avas, "mine", ava));
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", avas, "1", root).status);
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", avas, "0", ava).status);
        // ... and no owner deletes the operator's.
        CPPUNIT_ASSERT_EQUAL(std::string("4"), send(avas, "from the operator", root));
        CPPUNIT_ASSERT_EQUAL(403, change("DELETE", avas, "4", ava).status);
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", room, "1", root).status);
    }

    void everyTransportLearnsTheChangeInOrder()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string alice = personCookie(room);
        auto socket = ws("/ws/" + room + "?nick=alice", alice);
        CPPUNIT_ASSERT(!socket->nextOfType("presence").empty());
        auto line = tcp();
        line->say("USERNAME carol");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, carol!"), line->line());
        line->say("JOIN " + room);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());

        socket->sendText("{\"type\":\"send\",\"text\":\"first try\"}");
        const auto sent = object(socket->nextChat());
        const std::string n = std::to_string(sent->getValue<int>("id"));
        socket->sendText("{\"type\":\"edit\",\"id\":" + n + ",\"text\":\"second try\"}");
        const std::string edit = socket->nextOfKind("edit");
        CPPUNIT_ASSERT_MESSAGE(edit, has(edit, "\"kind\":\"edit\"") &&
                                         has(edit, "\"text\":\"second try\",\"target\":" + n));
        CPPUNIT_ASSERT(!line->expect("ROOM " + room + " alice first try").empty());
        CPPUNIT_ASSERT(
            !line->expect("ROOM " + room + " * alice edited message " + n + ": second try")
                 .empty());

        // Nobody edits another's message, on any transport.
        line->say("EDIT " + n + " carol's now");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not allowed"), line->line());
        line->say("DELETE " + n);
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Not allowed"), line->line());
        line->say("DELETE 999");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR No such message"), line->line());
        // "DELETE" without a number is just something said.
        line->say("DELETE it all");
        CPPUNIT_ASSERT(!line->expect("ROOM " + room + " carol DELETE it all").empty());
        const auto said = object(socket->nextChat());
        const std::string m = std::to_string(said->getValue<int>("id"));
        socket->sendText("{\"type\":\"delete\",\"id\":" + m + "}");
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"not-allowed\""));
        socket->sendText("{\"type\":\"delete\"}");
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"bad-request\""));

        // carol edits and deletes her own over the line protocol.
        line->say("EDIT " + m + " DELETE nothing");
        CPPUNIT_ASSERT(!line->expect("OK Edited " + m).empty());
        line->say("DELETE " + m);
        CPPUNIT_ASSERT(!line->expect("OK Deleted " + m).empty());
        const std::string carolEdit = socket->nextOfKind("edit");
        CPPUNIT_ASSERT_MESSAGE(carolEdit, has(carolEdit, "\"kind\":\"edit\",\"author\":\"carol\""));
        const std::string carolDelete = socket->nextOfKind("delete");
        CPPUNIT_ASSERT_MESSAGE(carolDelete, has(carolDelete, "\"kind\":\"delete\"") &&
                                                has(carolDelete, "\"target\":" + m));

        // An event stream from the start sees the same log: the messages as
        // they read now, then the changes in their order.
        const std::string stream =
            http().raw("GET /events/" + room + "?from=0 HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        const std::size_t first = stream.find("data: {\"type\":\"message\",\"id\":" + n);
        const std::size_t editAt = stream.find("event: edit\n");
        const std::size_t deletedAt = stream.find("event: deleted\n");
        const std::size_t deleteAt = stream.find("event: delete\n");
        CPPUNIT_ASSERT_MESSAGE(stream, first != std::string::npos && editAt != std::string::npos &&
                                           deletedAt != std::string::npos &&
                                           deleteAt != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(stream, first < editAt && deletedAt < deleteAt);
        CPPUNIT_ASSERT_MESSAGE(stream, has(stream, "\"text\":\"second try\",\"edited\":"));
        // The line protocol's history shows the last text and not what was deleted.
        auto late = tcp();
        late->say("USERNAME dave");
        late->line();
        late->say("JOIN " + room);
        CPPUNIT_ASSERT(!late->expect("OK Joined").empty());
        CPPUNIT_ASSERT_EQUAL("ROOM " + room + " alice second try", late->line());
        late->say("USERS");
        CPPUNIT_ASSERT_EQUAL(std::string("USERLIST"), late->line().substr(0, 8));
    }

    void theEditWindowEnds()
    {
        auto keys = configuration();
        keys["chat.editWindow"] = "1s";
        restart(keys);
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string alice = personCookie(room);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(room, "quick", alice));
        CPPUNIT_ASSERT_EQUAL(200, change("PATCH", room, "0", alice, "text=quicker").status);
        Poco::Thread::sleep(1100);
        const Reply late = change("PATCH", room, "0", alice, "text=too%20late");
        CPPUNIT_ASSERT_EQUAL(403, late.status);
        CPPUNIT_ASSERT_MESSAGE(late.body,
                               has(late.body, "can be edited for 1 seconds after it was sent"));
        // Deleting one's own has no window.
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", room, "0", alice).status);
    }

    void deletedTextIsGoneFromTheFile()
    {
        std::string owner;
        const std::string room = ownedRoom(owner);
        const std::string alice = personCookie(room);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(room, "first-secret-9f1c", alice));
        CPPUNIT_ASSERT_EQUAL(200,
                             change("PATCH", room, "0", alice, "text=second-secret-7d2e").status);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), send(room, "kept-text-4b1a", alice));
        CPPUNIT_ASSERT_EQUAL(200, change("PATCH", room, "2", alice, "text=kept-edit-5c3b").status);
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", room, "0", owner).status);

        const std::string db = fileText(_state + "/hchatd.db");
        const std::string wal = fileText(_state + "/hchatd.db-wal");
        for (const std::string& file : {db, wal})
        {
            CPPUNIT_ASSERT(!has(file, "first-secret-9f1c"));
            CPPUNIT_ASSERT(!has(file, "second-secret-7d2e"));
        }
        // Nor, once the writer has merged them out, its words in the search index.
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                const std::string both =
                    fileText(_state + "/hchatd.db") + fileText(_state + "/hchatd.db-wal");
                return !has(both, "9f1c") && !has(both, "7d2e");
            }));
        const std::string found = http().get("/api/rooms/" + room + "/search?q=secret").body;
        CPPUNIT_ASSERT_EQUAL(std::string("{\"results\":[],\"searchedFrom\":0}"), found);
        CPPUNIT_ASSERT(has(db + wal, "kept-edit-5c3b"));

        // After a restart: still deleted, still edited.
        restart(configuration());
        CPPUNIT_ASSERT_EQUAL(std::string("deleted"),
                             http().get("/msg/" + room + "/0").header("X-Chat-Kind"));
        CPPUNIT_ASSERT_EQUAL(std::string("kept-edit-5c3b"), http().get("/msg/" + room + "/2").body);
        const std::string history = http().get("/api/rooms/" + room + "/messages").body;
        CPPUNIT_ASSERT_MESSAGE(history, !has(history, "secret"));
        // The owner is still the owner.
        CPPUNIT_ASSERT_EQUAL(200, change("DELETE", room, "2", owner).status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageChangeTest);

} // namespace hchat::test
