#include "support/CutProxy.h"
#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/Haproxy.h"
#include "support/LineClient.h"
#include "support/RedisServer.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPCookie.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace hchat::test
{

class RedisTest : public CppUnit::TestFixture
/// Several daemons on one real redis-server (SPEC §12, store.kind =
/// redis): one room on every node, one numbering under concurrent
/// senders, delivery across nodes on every transport, Redis down and back,
/// a node killed and its reader resumed on another.
{
    CPPUNIT_TEST_SUITE(RedisTest);
    CPPUNIT_TEST(roomsAndMessagesReachEveryNode);
    CPPUNIT_TEST(concurrentSendersMakeOneNumbering);
    CPPUNIT_TEST(oneNumberingOnARedisCluster);
    CPPUNIT_TEST(theFeedMovesWhenItsClusterMasterGoes);
    CPPUNIT_TEST(editsAndDeletionsReachEveryNode);
    CPPUNIT_TEST(accountsAndSessionsWorkOnEveryNode);
    CPPUNIT_TEST(aPersonIsOneOnEveryNodeAndKickedFromAll);
    CPPUNIT_TEST(namesPresenceAndPrivateMessagesSpanNodes);
    CPPUNIT_TEST(rateLimitsAreOneBudgetOnEveryNode);
    CPPUNIT_TEST(lineAndIrcClientsMeetAcrossNodes);
    CPPUNIT_TEST(addressBansReachEveryNode);
    CPPUNIT_TEST(redisDownAnswers503AndComesBack);
    CPPUNIT_TEST(aSendWhoseAnswerIsLostIsAcknowledged);
    CPPUNIT_TEST(aSendRetriedOnAnotherNodeIsStoredOnce);
    CPPUNIT_TEST(killedNodeIsResumedOnAnother);
    CPPUNIT_TEST(killedNodeBehindHaproxyIsResumedOnAnother);
    CPPUNIT_TEST(redisKilledLosesNothingAcknowledged);
    CPPUNIT_TEST(lostRedisDataNeverRestartsTheNumbering);
    CPPUNIT_TEST(unreachableRedisStopsTheStart);
    CPPUNIT_TEST_SUITE_END();

    std::unique_ptr<RedisServer> _redis;

    std::map<std::string, std::string> node() const
    {
        return {{"store.kind", "redis"},
                {"redis.address", _redis->address()},
                {"chat.historyLimit", "5"}, // history beyond it comes from Redis
                {"chat.recentOnJoin", "3"},
                {"chat.notices", "false"}}; // numbers the tests can predict
    }

    static Poco::JSON::Object::Ptr object(const std::string& text)
    {
        return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }

    static std::vector<std::pair<std::uint64_t, std::string>> history(DaemonProcess& daemon,
                                                                      const std::string& id)
    {
        // Every stored entry (id, text), paging through /api/rooms/<id>/messages.
        TestClient c(daemon.host(), daemon.port());
        std::vector<std::pair<std::uint64_t, std::string>> all;
        std::uint64_t from = 0;
        for (;;)
        {
            Reply r =
                c.get("/api/rooms/" + id + "/messages?limit=1000&from=" + std::to_string(from));
            CPPUNIT_ASSERT_EQUAL(200, r.status);
            auto page = object(r.body);
            auto messages = page->getArray("messages");
            const auto next = page->getValue<std::uint64_t>("next");
            for (std::size_t i = 0; i < messages->size(); ++i)
            {
                auto m = messages->getObject(static_cast<unsigned>(i));
                all.emplace_back(m->getValue<std::uint64_t>("id"),
                                 m->optValue<std::string>("text", ""));
            }
            if (messages->size() == 0 || all.back().first + 1 >= next)
                return all;
            from = all.back().first + 1;
        }
    }

    static std::string send(DaemonProcess& daemon, const std::string& id, const std::string& text)
    {
        // The number the daemon acknowledged, or "" when it refused.
        Reply r = TestClient(daemon.host(), daemon.port()).post("/send/" + id, text, "text/plain");
        return r.status == 200 ? r.body : "";
    }

public:
    void setUp() override { _redis = std::make_unique<RedisServer>(); }
    void tearDown() override { _redis.reset(); }

    void roomsAndMessagesReachEveryNode()
    {
        DaemonProcess a(node()), b(node()), c(node());
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port()), cc(c.host(), c.port());
        const std::string id = ca.createRoom("across", true);
        // Listed on B (told by the feed) and open there by its URL.
        CPPUNIT_ASSERT(
            eventually([&] { return cb.get("/api/rooms").body.find(id) != std::string::npos; }));
        CPPUNIT_ASSERT_EQUAL(200, cb.get("/chat/" + id).status);
        const std::string unlisted = cb.createRoom("quiet", false);
        CPPUNIT_ASSERT_EQUAL(200, ca.get("/chat/" + unlisted).status); // asked of Redis
        CPPUNIT_ASSERT(ca.get("/api/rooms").body.find(unlisted) == std::string::npos);

        // A WebSocket on B, an event stream on C, a long poll on A.
        CPPUNIT_ASSERT(eventually([&] { return cc.get("/chat/" + id).status == 200; }));
        WsClient socket(b.host(), b.port(), "/ws/" + id);
        std::string polled, streamed;
        std::thread poll([&] { polled = ca.get("/msg/" + id + "/1").body; });
        std::thread stream(
            [&]
            {
                streamed = TestClient(c.host(), c.port())
                               .raw("GET /events/" + id + "?from=0 HTTP/1.1\r\nHost: x\r\n\r\n", 2);
            });
        const std::string first = send(a, id, "one from A");
        const std::string second = send(b, id, "two from B");
        const std::string third = send(c, id, "three from C");
        poll.join();
        stream.join();
        CPPUNIT_ASSERT_EQUAL(std::string("2"), third);
        const std::size_t one = streamed.find("id: 0\n"), two = streamed.find("id: 1\n"),
                          three = streamed.find("id: 2\n");
        CPPUNIT_ASSERT_MESSAGE(streamed, one != std::string::npos && two != std::string::npos &&
                                             three != std::string::npos && one < two &&
                                             two < three);
        CPPUNIT_ASSERT(streamed.find("two from B") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), first);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), second);
        CPPUNIT_ASSERT_EQUAL(std::string("two from B"), polled);
        CPPUNIT_ASSERT_EQUAL(std::string("one from A"),
                             object(socket.nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("two from B"),
                             object(socket.nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("three from C"),
                             object(socket.nextChat())->getValue<std::string>("text"));
        const std::string events =
            ca.raw("GET /events/" + id + "?from=0 HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        CPPUNIT_ASSERT(events.find("id: 0\n") != std::string::npos);
        CPPUNIT_ASSERT(events.find("two from B") != std::string::npos);
        // Each node learns of the others' messages by the channel, a moment
        // after the sender's answer: the histories agree once it has.
        CPPUNIT_ASSERT(eventually([&] { return history(a, id).size() == 3; }));
        CPPUNIT_ASSERT(eventually([&] { return history(b, id).size() == 3; }));
        CPPUNIT_ASSERT(eventually([&] { return history(c, id).size() == 3; }));
        CPPUNIT_ASSERT(history(a, id) == history(b, id));
        CPPUNIT_ASSERT(history(c, id) == history(b, id));

        // Deleted by its owner on B: gone on A too, and its stream there ends.
        Reply made = cb.get("/chat_create?subject=gone&public=1");
        const std::string gone = made.header("Location").substr(6);
        CPPUNIT_ASSERT_EQUAL(200, ca.get("/chat/" + gone).status);
        WsClient doomed(a.host(), a.port(), "/ws/" + gone);
        Reply deleted =
            cb.request("DELETE", "/api/rooms/" + gone, "", "",
                       {{"Cookie", "hchat_owner_" + gone + "=" + made.header("X-Chat-Owner")}});
        CPPUNIT_ASSERT_EQUAL(204, deleted.status);
        CPPUNIT_ASSERT(eventually([&] { return ca.get("/chat/" + gone).status == 410; }));
        CPPUNIT_ASSERT(doomed.closeCode() > 0);
    }

    static void oneNumbering(DaemonProcess& a, DaemonProcess& b, const std::string& id)
    {
        // 8 senders, half on each node, 40 messages each: acknowledged
        // 0..319 once each, and both nodes read the same 320 entries.
        std::mutex mutex;
        std::set<std::uint64_t> acknowledged;
        int refused = 0;
        std::vector<std::thread> senders;
        for (int s = 0; s < 8; ++s)
            senders.emplace_back(
                [&, s]
                {
                    DaemonProcess& on = s % 2 == 0 ? a : b;
                    for (int i = 0; i < 40; ++i)
                    {
                        const std::string n =
                            send(on, id, "sender " + std::to_string(s) + " #" + std::to_string(i));
                        std::lock_guard<std::mutex> lock(mutex);
                        if (n.empty())
                            ++refused;
                        else
                            CPPUNIT_ASSERT(acknowledged.insert(std::stoull(n)).second);
                    }
                });
        for (auto& sender : senders)
            sender.join();
        CPPUNIT_ASSERT_EQUAL(0, refused);
        CPPUNIT_ASSERT_EQUAL(std::size_t(320), acknowledged.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), *acknowledged.begin());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(319), *acknowledged.rbegin());
        // Each node reads up to what reached it (the feed is a moment late).
        std::vector<std::pair<std::uint64_t, std::string>> onA;
        CPPUNIT_ASSERT(eventually([&] { return (onA = history(a, id)).size() == 320; }));
        CPPUNIT_ASSERT(eventually([&] { return history(b, id).size() == 320; }));
        for (std::size_t i = 0; i < onA.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), onA[i].first);
        CPPUNIT_ASSERT(onA == history(b, id));
    }

    void concurrentSendersMakeOneNumbering()
    {
        DaemonProcess a(node()), b(node());
        oneNumbering(a, b, TestClient(a.host(), a.port()).createRoom("race", true));
    }

    void oneNumberingOnARedisCluster()
    {
        // Three masters; the nodes know only the first and find the rest.
        std::vector<std::unique_ptr<RedisServer>> masters;
        for (int i = 0; i < 3; ++i)
            masters.push_back(std::make_unique<RedisServer>(true, true));
        RedisServer::formCluster({masters[0].get(), masters[1].get(), masters[2].get()});
        auto config = node();
        config["redis.address"] = masters[0]->address();
        config["redis.cluster"] = "true";
        DaemonProcess a(config), b(config);
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        // A room whose keys another master holds (the first one says MOVED).
        std::string id;
        for (int i = 0; i < 20 && id.empty(); ++i)
        {
            const std::string made = ca.createRoom("cluster " + std::to_string(i), true);
            if (masters[0]->command("EXISTS hchat:{" + made + "}:next").find("-MOVED") == 0)
                id = made;
        }
        CPPUNIT_ASSERT(!id.empty());
        CPPUNIT_ASSERT(
            eventually([&] { return cb.get("/api/rooms").body.find(id) != std::string::npos; }));
        WsClient reader(b.host(), b.port(), "/ws/" + id);
        oneNumbering(a, b, id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0),
                             object(reader.nextChat())->getValue<std::uint64_t>("id"));
        // The room's slot moves to another master (as redis-cli --cluster
        // reshard does it): the nodes are told MOVED and follow.
        auto text = [](std::string reply)
        {
            // The words of a RESP reply, without its type marks and lengths.
            std::string out;
            std::istringstream lines(reply);
            std::string line;
            while (std::getline(lines, line))
            {
                if (!line.empty() && line.back() == '\r')
                    line.pop_back();
                if (!line.empty() && (line[0] == '*' || line[0] == '$'))
                    continue;
                out += (out.empty() ? "" : " ") +
                       (line[0] == ':' || line[0] == '+' ? line.substr(1) : line);
            }
            return out;
        };
        const std::string slot =
            text(masters[0]->command("CLUSTER KEYSLOT hchat:{" + id + "}:next"));
        RedisServer* from = nullptr;
        for (auto& master : masters)
            if (master->command("EXISTS hchat:{" + id + "}:next") == ":1\r\n")
                from = master.get();
        CPPUNIT_ASSERT(from);
        RedisServer* to = from == masters[1].get() ? masters[2].get() : masters[1].get();
        const std::string fromId = text(from->command("CLUSTER MYID"));
        const std::string toId = text(to->command("CLUSTER MYID"));
        CPPUNIT_ASSERT(
            to->command("CLUSTER SETSLOT " + slot + " IMPORTING " + fromId).find("+OK") == 0);
        CPPUNIT_ASSERT(
            from->command("CLUSTER SETSLOT " + slot + " MIGRATING " + toId).find("+OK") == 0);
        const std::string keys = text(from->command("CLUSTER GETKEYSINSLOT " + slot + " 100"));
        CPPUNIT_ASSERT(from->command("MIGRATE 127.0.0.1 " + std::to_string(to->port()) +
                                     " \"\" 0 5000 KEYS " + keys)
                           .find("+OK") == 0);
        // Mid-move the old master answers ASK for the keys it gave away: a
        // read of the history beyond the nodes' windows follows it.
        CPPUNIT_ASSERT(from->command("ZCARD hchat:{" + id + "}:log").find("-ASK") == 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(320), history(b, id).size());
        for (auto& master : masters)
            master->command("CLUSTER SETSLOT " + slot + " NODE " + toId);
        CPPUNIT_ASSERT_EQUAL(std::string("320"), send(a, id, "after the move"));
        CPPUNIT_ASSERT_EQUAL(std::string("321"), send(b, id, "and again"));
        CPPUNIT_ASSERT_EQUAL(std::string(":1\r\n"), to->command("EXISTS hchat:{" + id + "}:next"));
        // Names are claimed across the cluster too.
        WsClient alice(a.host(), a.port(), "/ws/" + id + "?nick=alice");
        CPPUNIT_ASSERT(!alice.nextOfType("presence").empty());
        CPPUNIT_ASSERT_EQUAL(409,
                             cb.post("/send/" + id + "?nick=ALICE", "hi", "text/plain").status);
    }

    void aSendRetriedOnAnotherNodeIsStoredOnce()
    {
        // The answer from A was lost; the client's retry, with the same
        // Idempotency-Key, reaches B (a balancer chose another node).
        DaemonProcess a(node()), b(node());
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        const std::string id = ca.createRoom("retry elsewhere", true);
        const std::map<std::string, std::string> key{{"Idempotency-Key", "r-1"}};
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             ca.post("/send/" + id, "just once", "text/plain", key).body);
        CPPUNIT_ASSERT(eventually([&] { return cb.get("/msg/" + id + "/0").status == 200; }));
        Reply again = cb.post("/send/" + id, "just once", "text/plain", key);
        CPPUNIT_ASSERT_EQUAL(200, again.status);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), again.body);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), again.header("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), send(b, id, "next"));
        // A node started after it still knows the key (it is in Redis).
        DaemonProcess c(node());
        TestClient cc(c.host(), c.port());
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             cc.post("/send/" + id, "just once", "text/plain", key).body);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), history(c, id).size());
    }

    void theFeedMovesWhenItsClusterMasterGoes()
    {
        // Three masters, the first with a replica. The nodes know the first
        // master only, and subscribe there; it dies, its replica takes its
        // slots over (cluster-node-timeout 2 s).
        std::vector<std::unique_ptr<RedisServer>> masters;
        for (int i = 0; i < 3; ++i)
            masters.push_back(std::make_unique<RedisServer>(true, true));
        RedisServer::formCluster({masters[0].get(), masters[1].get(), masters[2].get()});
        RedisServer replica(true, true);
        replica.replicate(*masters[0], {masters[0].get(), masters[1].get(), masters[2].get()});
        auto config = node();
        config["redis.address"] = masters[0]->address();
        config["redis.cluster"] = "true";
        DaemonProcess a(config), b(config);
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        const std::string id = ca.createRoom("failover", true);
        CPPUNIT_ASSERT(
            eventually([&] { return cb.get("/api/rooms").body.find(id) != std::string::npos; }));
        WsClient reader(b.host(), b.port(), "/ws/" + id);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(a, id, "before"));
        CPPUNIT_ASSERT(reader.nextChat().find("before") != std::string::npos);
        masters[0]->kill();
        // Each node subscribes at another server; what is sent on A once the
        // cluster is whole again reaches B's WebSocket live, once, in order.
        std::string number;
        CPPUNIT_ASSERT(eventually([&] { return !(number = send(a, id, "after")).empty(); }, 20));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), number);
        const std::string seen = reader.nextChat(10);
        CPPUNIT_ASSERT_MESSAGE(seen + b.log(), seen.find("after") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), object(seen)->getValue<std::uint64_t>("id"));
        CPPUNIT_ASSERT(b.logHas("subscribed again"));
    }

    void editsAndDeletionsReachEveryNode()
    {
        DaemonProcess a(node()), b(node());
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        const std::string id = ca.createRoom("amend", true);
        auto author = std::make_unique<WsClient>(a.host(), a.port(), "/ws/" + id);
        WsClient watcher(b.host(), b.port(), "/ws/" + id);
        author->sendText(R"({"type":"nick","nick":"ed"})");
        author->sendText(R"({"type":"send","text":"first words"})");
        const auto sent = object(watcher.nextChat());
        const auto n = sent->getValue<std::uint64_t>("id");
        author->sendText(R"({"type":"edit","id":)" + std::to_string(n) +
                         R"(,"text":"better words"})");
        CPPUNIT_ASSERT(!watcher.nextOfKind("edit").empty());
        CPPUNIT_ASSERT(eventually(
            [&] { return cb.get("/msg/" + id + "/" + std::to_string(n)).body == "better words"; }));
        author->sendText(R"({"type":"delete","id":)" + std::to_string(n) + "}");
        CPPUNIT_ASSERT(!watcher.nextOfKind("delete").empty());
        // Neither the message nor its edit keeps the words, on either node
        // nor in Redis. The watcher on B may see the deletion before the
        // author's node A has applied it to its own copy (A's thread is
        // still on its way back from Redis): soon on both.
        for (TestClient* c : {&ca, &cb})
            CPPUNIT_ASSERT(eventually(
                [&] {
                    return c->get("/msg/" + id + "/" + std::to_string(n)).header("X-Chat-Kind") ==
                           "deleted";
                }));
        const std::string log = _redis->command("ZRANGE hchat:{" + id + "}:log 0 -1");
        CPPUNIT_ASSERT(log.find("first words") == std::string::npos);
        CPPUNIT_ASSERT(log.find("better words") == std::string::npos);
    }

    void accountsAndSessionsWorkOnEveryNode()
    {
        DaemonProcess a(node()), b(node());
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        const std::string form = "name=Ava&password=correct%20horse";
        CPPUNIT_ASSERT_EQUAL(
            201, ca.post("/api/accounts", form, "application/x-www-form-urlencoded").status);
        CPPUNIT_ASSERT_EQUAL(
            409, cb.post("/api/accounts", form, "application/x-www-form-urlencoded").status);
        // Logged in on B, the session works on A; logged out on A, on B too.
        Reply in = cb.post("/login", "{\"name\":\"ava\",\"password\":\"correct horse\"}",
                           "application/json", {{"Accept", "application/json"}});
        CPPUNIT_ASSERT_EQUAL(200, in.status);
        std::vector<Poco::Net::HTTPCookie> cookies;
        in.response.getCookies(cookies);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), cookies.size());
        const std::string cookie = "hchat_session=" + cookies[0].getValue();
        CPPUNIT_ASSERT_EQUAL(std::string("{\"account\":\"Ava\",\"name\":\"Ava\"}"),
                             ca.get("/api/me", {{"Cookie", cookie}}).body);
        // A message sent on A with it carries the account, read on B.
        const std::string id = ca.createRoom("members", true);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             ca.post("/send/" + id, "hi", "text/plain", {{"Cookie", cookie}}).body);
        CPPUNIT_ASSERT(eventually(
            [&] { return cb.get("/msg/" + id + "/0").header("X-Chat-Author") == "Ava"; }));
        // The name is the account's on B as well: a guest there cannot take it.
        WsClient guest(b.host(), b.port(), "/ws/" + id);
        guest.sendText(R"({"type":"nick","nick":"ava"})");
        CPPUNIT_ASSERT(!guest.nextOfType("error").empty());
        CPPUNIT_ASSERT_EQUAL(200, ca.post("/logout", "", "text/plain",
                                          {{"Cookie", cookie}, {"Accept", "application/json"}})
                                      .status);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                return cb.get("/api/me", {{"Cookie", cookie}}).body.find("\"account\":null") !=
                       std::string::npos;
            }));
    }

    static std::string personCookie(TestClient& c, const std::string& room)
    {
        std::vector<Poco::Net::HTTPCookie> cookies;
        c.get("/chat/" + room).response.getCookies(cookies);
        for (const auto& cookie : cookies)
            if (cookie.getName() == "hchat_person")
                return "hchat_person=" + cookie.getValue();
        return "";
    }

    void aPersonIsOneOnEveryNodeAndKickedFromAll()
    {
        DaemonProcess a(node()), b(node());
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        const Reply made = ca.get("/chat_create?subject=kicks&public=1");
        const std::string id = made.header("Location").substr(6);
        const std::string owner = "hchat_owner_" + id + "=" + made.header("X-Chat-Owner");
        // The cookie A signed is good on B: B keeps it instead of a new one.
        const std::string kim = personCookie(ca, id);
        CPPUNIT_ASSERT(!kim.empty());
        CPPUNIT_ASSERT(personCookie(cb, id) != kim);
        std::vector<Poco::Net::HTTPCookie> given;
        cb.get("/chat/" + id, {{"Cookie", kim}}).response.getCookies(given);
        for (const auto& cookie : given)
            CPPUNIT_ASSERT(cookie.getName() != "hchat_person");
        // Kim in two tabs, one on each node; the owner kicks her on A.
        WsClient onA(a.host(), a.port(), "/ws/" + id + "?nick=kim", kim);
        WsClient onB(b.host(), b.port(), "/ws/" + id + "?nick=kim", kim);
        CPPUNIT_ASSERT(!onA.nextOfType("presence").empty());
        CPPUNIT_ASSERT(!onB.nextOfType("presence").empty());
        const Reply kicked = ca.request("POST", "/api/rooms/" + id + "/kick", "name=kim",
                                        "application/x-www-form-urlencoded", {{"Cookie", owner}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(kicked.body, 200, kicked.status);
        CPPUNIT_ASSERT(onA.nextOfType("error").find("kicked") != std::string::npos);
        CPPUNIT_ASSERT(onB.nextOfType("error").find("kicked") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(1008, onB.closeCode());
    }

    void namesPresenceAndPrivateMessagesSpanNodes()
    {
        auto a = std::make_unique<DaemonProcess>(node());
        DaemonProcess b(node()), c(node());
        TestClient ca(a->host(), a->port()), cb(b.host(), b.port()), cc(c.host(), c.port());
        const Reply made = ca.get("/chat_create?subject=people&public=1");
        const std::string id = made.header("Location").substr(6);
        const std::string owner = "hchat_owner_" + id + "=" + made.header("X-Chat-Owner");
        auto online = [&](TestClient& client)
        {
            auto names = object(client.get("/api/rooms/" + id).body)->getArray("online");
            std::string out;
            for (std::size_t i = 0; i < names->size(); ++i)
                out += (i ? "," : "") + names->getElement<std::string>(static_cast<unsigned>(i));
            return out;
        };
        auto alice = std::make_unique<WsClient>(a->host(), a->port(), "/ws/" + id + "?nick=alice");
        CPPUNIT_ASSERT(!alice->nextOfType("presence").empty());
        // Her name is hers on every node, whatever the transport.
        WsClient impostor(b.host(), b.port(), "/ws/" + id + "?nick=ALICE");
        CPPUNIT_ASSERT_EQUAL(std::string("nick-taken"),
                             object(impostor.nextOfType("error"))->getValue<std::string>("error"));
        CPPUNIT_ASSERT_EQUAL(409,
                             cc.post("/send/" + id + "?nick=Alice", "hi", "text/plain").status);
        // Everyone online anywhere is in every node's list.
        WsClient bob(c.host(), c.port(), "/ws/" + id + "?nick=bob");
        CPPUNIT_ASSERT(!bob.nextOfType("presence").empty());
        for (TestClient* client : {&ca, &cb, &cc})
            CPPUNIT_ASSERT(eventually(
                [&]
                {
                    const std::string names = "," + online(*client) + ",";
                    return names.find(",alice,") != std::string::npos &&
                           names.find(",bob,") != std::string::npos;
                }));
        CPPUNIT_ASSERT(eventually(
            [&] { return alice->nextOfType("presence", 1).find("\"bob\"") != std::string::npos; }));
        // A private message from A to C, and the echo to its sender.
        alice->sendText(R"({"type":"privmsg","to":"BOB","text":"across nodes"})");
        for (WsClient* to : {&bob, alice.get()})
        {
            auto letter = object(to->nextOfType("private"));
            CPPUNIT_ASSERT_EQUAL(std::string("alice"), letter->getValue<std::string>("from"));
            CPPUNIT_ASSERT_EQUAL(std::string("across nodes"),
                                 letter->getValue<std::string>("text"));
        }
        bob.sendText(R"({"type":"privmsg","to":"nobody","text":"hello?"})");
        CPPUNIT_ASSERT_EQUAL(std::string("not-online"),
                             object(bob.nextOfType("error"))->getValue<std::string>("error"));
        // Someone who only polls, on B, has nothing to take a private message.
        CPPUNIT_ASSERT_EQUAL(200,
                             cb.post("/send/" + id + "?nick=dave", "polling", "text/plain").status);
        alice->sendText(R"({"type":"privmsg","to":"dave","text":"lost?"})");
        CPPUNIT_ASSERT_EQUAL(std::string("not-online"),
                             object(alice->nextOfType("error"))->getValue<std::string>("error"));
        // Kicked by name on A while online on C: put out there.
        const Reply kicked = ca.request("POST", "/api/rooms/" + id + "/kick", "name=bob",
                                        "application/x-www-form-urlencoded", {{"Cookie", owner}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(kicked.body, 200, kicked.status);
        CPPUNIT_ASSERT(bob.nextOfType("error").find("kicked") != std::string::npos);
        // A name given up is free everywhere within a second or so.
        alice->sendText(R"({"type":"nick","nick":"alicia"})");
        CPPUNIT_ASSERT(eventually(
            [&] {
                return cb.post("/send/" + id + "?nick=alice", "mine", "text/plain").status == 200;
            }));
        // A node stopped: its people leave the other lists at once.
        {
            DaemonProcess d(node());
            WsClient carol(d.host(), d.port(), "/ws/" + id + "?nick=carol");
            CPPUNIT_ASSERT(!carol.nextOfType("presence").empty());
            CPPUNIT_ASSERT(
                eventually([&] { return online(cc).find("carol") != std::string::npos; }));
            double took = 0;
            CPPUNIT_ASSERT_EQUAL(0, d.stop(SIGTERM, 10, took));
        }
        CPPUNIT_ASSERT(eventually([&] { return online(cc).find("carol") == std::string::npos; }));
        CPPUNIT_ASSERT_EQUAL(200,
                             cc.post("/send/" + id + "?nick=carol", "free", "text/plain").status);
        // A node killed: its people leave the lists a while later, their
        // names free up.
        double took = 0;
        a->stop(SIGKILL, 5, took);
        alice.reset();
        a.reset();
        CPPUNIT_ASSERT(
            eventually([&] { return online(cc).find("alicia") == std::string::npos; }, 25));
        CPPUNIT_ASSERT_EQUAL(200,
                             cb.post("/send/" + id + "?nick=alicia", "free", "text/plain").status);
    }

    void rateLimitsAreOneBudgetOnEveryNode()
    {
        auto config = node();
        config["limits.messagesPerSecond"] = "0.5";
        config["limits.burst"] = "3";
        DaemonProcess a(config), b(config);
        TestClient ca(a.host(), a.port()), cb(b.host(), b.port());
        const std::string id = ca.createRoom("limits", true); // a token of the 3 too
        CPPUNIT_ASSERT_EQUAL(200, ca.post("/send/" + id, "one", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(200, cb.post("/send/" + id, "two", "text/plain").status);
        // The same person (this address) spent the burst over both nodes.
        const Reply refused = cb.post("/send/" + id, "three", "text/plain");
        CPPUNIT_ASSERT_EQUAL(429, refused.status);
        CPPUNIT_ASSERT(!refused.header("Retry-After").empty());
        CPPUNIT_ASSERT_EQUAL(429, ca.post("/send/" + id, "three", "text/plain").status);
    }

    void lineAndIrcClientsMeetAcrossNodes()
    {
        // nc on node A's line protocol, an IRC client on node B's port.
        auto onA = node();
        const int linePort = LineClient::freePort();
        onA["line.port"] = std::to_string(linePort);
        auto onB = node();
        const int ircPort = LineClient::freePort();
        onB["irc.port"] = std::to_string(ircPort);
        DaemonProcess a(onA), b(onB);
        LineClient tina(a.host(), linePort);
        tina.say("USERNAME tina");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, tina!"), tina.line());
        tina.say("JOIN #general");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Joined #general (0 users)"), tina.line());
        LineClient ivan(b.host(), ircPort);
        ivan.say("NICK ivan");
        ivan.say("USER ivan 0 * :ivan");
        CPPUNIT_ASSERT(!ivan.expect(":hchatd 376").empty());
        // The name tina is hers on B too, and ISON finds her there.
        ivan.say("NICK tina");
        CPPUNIT_ASSERT(ivan.expect(":hchatd 433").find("tina") != std::string::npos);
        ivan.say("ISON nobody TINA ivan");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 303 ivan :TINA ivan"),
                             ivan.expect(":hchatd 303"));
        ivan.say("JOIN #general"); // the room A made, not a second one
        CPPUNIT_ASSERT(!ivan.expect(":hchatd 366").empty());
        ivan.say("PRIVMSG #general :hello from irc");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #general ivan hello from irc"), tina.expect("ROOM"));
        tina.say("from the terminal");
        CPPUNIT_ASSERT(ivan.expect(":tina!").find("PRIVMSG #general :from the terminal") !=
                       std::string::npos);
        tina.say("PRIVMSG ivan psst");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Sent"), tina.expect("OK"));
        CPPUNIT_ASSERT(ivan.expect(":tina!").find("PRIVMSG ivan :psst") != std::string::npos);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                tina.say("USERS");
                return tina.expect("USERLIST") == "USERLIST ivan tina";
            }));
    }

    void addressBansReachEveryNode()
    {
        const std::string dir = DaemonProcess::tempDir();
        auto withSocket = [&](const std::string& name)
        {
            auto config = node();
            config["control.socket"] = dir + "/" + name + ".sock";
            return config;
        };
        DaemonProcess a(withSocket("a")), b(withSocket("b"));
        auto answers = [&]
        {
            try
            {
                return TestClient(b.host(), b.port()).get("/api/rooms").status == 200;
            }
            catch (const Poco::Exception&)
            {
                return false;
            }
        };
        CPPUNIT_ASSERT(answers());
        // Banned by the operator on A: B refuses the address too, and lifts
        // the ban when A does.
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run(
                   {"-c", a.configPath(), "--ctl", "ban-address", "127.0.0.1", "600"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, eventually([&] { return !answers(); }));
        CPPUNIT_ASSERT_EQUAL(0,
                             DaemonProcess::run({"-c", b.configPath(), "--ctl", "bans"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, output.find("127.0.0.1") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run({"-c", a.configPath(), "--ctl", "unban-address", "127.0.0.1"},
                                  output));
        CPPUNIT_ASSERT(eventually([&] { return answers(); }));
    }

    void redisDownAnswers503AndComesBack()
    {
        DaemonProcess a(node()), b(node());
        const std::string id = TestClient(a.host(), a.port()).createRoom("outage", true);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(a, id, "before"));
        WsClient socket(b.host(), b.port(), "/ws/" + id);
        CPPUNIT_ASSERT(!socket.nextChat().empty());
        _redis->stop();
        Reply refused =
            TestClient(a.host(), a.port()).post("/send/" + id, "while down", "text/plain");
        CPPUNIT_ASSERT_EQUAL(503, refused.status);
        _redis->start();
        // The connection on B stayed open and hears what is sent after.
        std::string n;
        CPPUNIT_ASSERT(eventually([&] { return !(n = send(a, id, "after")).empty(); }, 10, 200));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), n);
        CPPUNIT_ASSERT_EQUAL(std::string("after"),
                             object(socket.nextChat(10))->getValue<std::string>("text"));
        auto all = history(b, id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), all.size());
        CPPUNIT_ASSERT(b.logHas("subscribed again"));
    }

    void aSendWhoseAnswerIsLostIsAcknowledged()
    {
        // The node's connection to Redis breaks after the script went out
        // and Redis stored the message: the sender gets its number, not a
        // 503 that would make them send it again; it is in the history once.
        CutProxy proxy(_redis->address());
        auto config = node();
        config["redis.address"] = proxy.address();
        DaemonProcess a(config), b(node());
        const std::string id = TestClient(a.host(), a.port()).createRoom("cut", true);
        WsClient socket(b.host(), b.port(), "/ws/" + id);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), send(a, id, "before"));
        CPPUNIT_ASSERT(!socket.nextChat().empty());
        proxy.cut("answer lost on the way", true);
        Reply sent = TestClient(a.host(), a.port())
                         .post("/send/" + id, "answer lost on the way", "text/plain");
        CPPUNIT_ASSERT(proxy.hasCut());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, 200, sent.status);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), sent.body);
        CPPUNIT_ASSERT_EQUAL(std::string("answer lost on the way"),
                             object(socket.nextChat(10))->getValue<std::string>("text"));
        CPPUNIT_ASSERT(a.logHas("answer was lost"));
        // A request that never reached Redis is refused and stored nowhere.
        proxy.cut("never reaches Redis", false);
        CPPUNIT_ASSERT_EQUAL(503, TestClient(a.host(), a.port())
                                      .post("/send/" + id, "never reaches Redis", "text/plain")
                                      .status);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), send(a, id, "after"));
        // B learns of it by the channel: once its socket heard it (and not
        // the refused one before), its history has it too.
        CPPUNIT_ASSERT_EQUAL(std::string("after"),
                             object(socket.nextChat(10))->getValue<std::string>("text"));
        auto all = history(b, id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("answer lost on the way"), all[1].second);
    }

    void killedNodeIsResumedOnAnother()
    {
        auto a = std::make_unique<DaemonProcess>(node());
        DaemonProcess b(node());
        const std::string id = TestClient(a->host(), a->port()).createRoom("failover", true);
        auto reader = std::make_unique<WsClient>(a->host(), a->port(), "/ws/" + id);
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT(!send(b, id, "seen " + std::to_string(i)).empty());
        std::uint64_t next = 0;
        for (int i = 0; i < 3; ++i)
            next = object(reader->nextChat())->getValue<std::uint64_t>("id") + 1;
        double took = 0;
        a->stop(SIGKILL, 5, took);
        a.reset();
        reader.reset();
        for (int i = 0; i < 4; ++i)
            CPPUNIT_ASSERT(!send(b, id, "missed " + std::to_string(i)).empty());
        // Reconnected to B from where it was: the four, once each, in order.
        WsClient again(b.host(), b.port(), "/ws/" + id + "?from=" + std::to_string(next));
        for (int i = 0; i < 4; ++i)
        {
            auto m = object(again.nextChat());
            CPPUNIT_ASSERT_EQUAL(next + static_cast<std::uint64_t>(i),
                                 m->getValue<std::uint64_t>("id"));
            CPPUNIT_ASSERT_EQUAL("missed " + std::to_string(i), m->getValue<std::string>("text"));
        }
        CPPUNIT_ASSERT(again.nextChat(0.5).empty());
    }

    void killedNodeBehindHaproxyIsResumedOnAnother()
    {
        // Every client reaches the nodes from HAProxy's address, which
        // they trust to name the client, as contrib/haproxy/hchatd.cfg says.
        auto config = node();
        config["http.trustedProxies"] = "127.0.0.1";
        auto a = std::make_unique<DaemonProcess>(config);
        DaemonProcess b(config);
        Haproxy proxy({a->port(), b.port()});
        TestClient via(proxy.host(), proxy.port());
        const std::string room = via.createRoom("failover", true);
        auto post = [&](const std::string& text)
        {
            try
            {
                Reply r = TestClient(proxy.host(), proxy.port())
                              .post("/send/" + room, text, "text/plain");
                return r.status == 200 ? r.body : std::string();
            }
            catch (const Poco::Exception&)
            {
                return std::string();
            }
        };
        auto reader =
            std::make_unique<WsClient>(proxy.host(), proxy.port(), "/ws/" + room + "?from=0");
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT_EQUAL(std::to_string(i), post("before " + std::to_string(i)));
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i),
                                 object(reader->nextChat())->getValue<std::uint64_t>("id"));
        // The node every client is on dies; HAProxy sends them to the other.
        double took = 0;
        a->stop(SIGKILL, 5, took);
        a.reset();
        std::set<std::uint64_t> acknowledged;
        for (int i = 0; i < 5; ++i)
        {
            std::string n;
            CPPUNIT_ASSERT(
                eventually([&] { return !(n = post("after " + std::to_string(i))).empty(); }));
            acknowledged.insert(std::stoull(n));
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), *acknowledged.begin());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), *acknowledged.rbegin());
        // The reader comes back through HAProxy from where it was: each
        // message once, in order, nothing more.
        reader = std::make_unique<WsClient>(proxy.host(), proxy.port(), "/ws/" + room + "?from=5");
        for (std::uint64_t n = 5; n < 10; ++n)
            CPPUNIT_ASSERT_EQUAL(n, object(reader->nextChat())->getValue<std::uint64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string(), reader->nextChat(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), history(b, room).size());
    }

    void redisKilledLosesNothingAcknowledged()
    {
        DaemonProcess a(node()), b(node());
        const std::string id = TestClient(a.host(), a.port()).createRoom("durable", true);
        std::mutex mutex;
        std::set<std::uint64_t> acknowledged;
        std::atomic<bool> stop{false};
        std::vector<std::thread> senders;
        for (int s = 0; s < 4; ++s)
            senders.emplace_back(
                [&, s]
                {
                    DaemonProcess& on = s % 2 == 0 ? a : b;
                    for (int i = 0; !stop; ++i)
                    {
                        const std::string n =
                            send(on, id, "s" + std::to_string(s) + "-" + std::to_string(i));
                        if (!n.empty())
                        {
                            std::lock_guard<std::mutex> lock(mutex);
                            acknowledged.insert(std::stoull(n));
                        }
                    }
                });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        _redis->kill();
        _redis->start();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        stop = true;
        for (auto& sender : senders)
            sender.join();
        CPPUNIT_ASSERT(acknowledged.size() > 10);
        std::set<std::uint64_t> stored;
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                stored.clear();
                for (const auto& entry : history(b, id))
                    stored.insert(entry.first);
                return stored.size() >= acknowledged.size();
            }));
        for (std::uint64_t n : acknowledged)
            CPPUNIT_ASSERT(stored.count(n) == 1);
    }

    void lostRedisDataNeverRestartsTheNumbering()
    {
        _redis = std::make_unique<RedisServer>(false); // no AOF: a restart loses all
        DaemonProcess a(node()), b(node());
        const std::string id = TestClient(a.host(), a.port()).createRoom("amnesia", true);
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT(!send(a, id, "before " + std::to_string(i)).empty());
        WsClient socket(b.host(), b.port(), "/ws/" + id + "?from=3");
        _redis->kill(); // no AOF, no snapshot: everything is gone
        _redis->start();
        // Both nodes notice, store the room again and number on from 3.
        CPPUNIT_ASSERT(a.logHas("lost its data", 10));
        CPPUNIT_ASSERT(b.logHas("lost its data", 10));
        std::string n;
        CPPUNIT_ASSERT(eventually([&] { return !(n = send(b, id, "after")).empty(); }, 10, 100));
        CPPUNIT_ASSERT_EQUAL(std::string("3"), n);
        // The reader is told, then goes on with the same numbering.
        auto reset = object(socket.nextOfType("error", 10));
        CPPUNIT_ASSERT_EQUAL(std::string("history-reset"), reset->getValue<std::string>("error"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), reset->getValue<std::uint64_t>("next"));
        auto m = object(socket.nextChat(10));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), m->getValue<std::uint64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("after"), m->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("4"), send(a, id, "and on"));
        CPPUNIT_ASSERT_EQUAL(200, TestClient(a.host(), a.port()).get("/chat/" + id).status);
    }

    void unreachableRedisStopsTheStart()
    {
        const int port = _redis->port();
        _redis->stop();
        std::string output;
        const std::string conf = DaemonProcess::tempDir() + "/hchatd.conf";
        {
            std::ofstream out(conf);
            out << "store.kind = redis\nredis.address = 127.0.0.1:" << port
                << "\nline.port = 0\nirc.port = 0\nhttp.address = 127.0.0.1\n";
        }
        const int status =
            DaemonProcess::run({"-c", conf, "-p", std::to_string(LineClient::freePort())}, output);
        CPPUNIT_ASSERT_EQUAL(74, status);
        CPPUNIT_ASSERT(output.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
        _redis->start();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisTest);

} // namespace hchat::test
