#include "store/RedisStore.h"
#include "store/RedisRecords.h"
#include "support/CutProxy.h"
#include "support/Eventually.h"
#include "support/RedisServer.h"

#include <Poco/Exception.h>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace hchat::test
{

class RedisStoreTest : public CppUnit::TestFixture
/// RedisStore against a real redis-server (RedisServer): the records it
/// writes, numbering, amendments in the script, trimming, search, the
/// feed, and the errors of an unreachable server.
{
    CPPUNIT_TEST_SUITE(RedisStoreTest);
    CPPUNIT_TEST(recordsRoundTrip);
    CPPUNIT_TEST(numbersReadsAndTails);
    CPPUNIT_TEST(amendmentsRewriteTheirTarget);
    CPPUNIT_TEST(historyLimitTrims);
    CPPUNIT_TEST(searchFindsNewestFirst);
    CPPUNIT_TEST(searchGoesOnBelowWhereItStopped);
    CPPUNIT_TEST(roomsAccountsCredentialsAndBans);
    CPPUNIT_TEST(feedTellsAndResumes);
    CPPUNIT_TEST(unreachableThrows);
    CPPUNIT_TEST(aSendWhoseAnswerIsLostIsFoundStored);
    CPPUNIT_TEST(namesAreHeldAllAtOnce);
    CPPUNIT_TEST_SUITE_END();

    std::unique_ptr<RedisServer> _redis;

    RedisStore::Options options(std::size_t keep = 0) const
    {
        RedisStore::Options o;
        o.address = _redis->address();
        o.keep = keep;
        o.timeout = Poco::Timespan(1, 0);
        return o;
    }

    static RoomRecord room(const std::string& id)
    {
        RoomRecord r;
        r.id = id;
        r.subject = "a room";
        r.isPublic = true;
        return r;
    }

    static MessagePtr draft(const std::string& text, MessageKind kind = MessageKind::Message,
                            std::uint64_t target = Message::noTarget)
    {
        Message::Details details;
        details.sender = "person-1";
        details.target = target;
        return std::make_shared<const Message>(0, kind, "ann", Poco::Timestamp(), text, Crowd(),
                                               details);
    }

    struct Heard : Store::Listener
    {
        std::mutex mutex;
        std::vector<std::string> events;
        std::atomic<int> resumes{0};
        void appended(const std::string& room, const MessagePtr& m) override
        {
            std::lock_guard<std::mutex> lock(mutex);
            events.push_back("m " + room + " " + std::to_string(m->id()) + " " + m->text());
        }
        void roomSaved(const RoomRecord& r) override
        {
            std::lock_guard<std::mutex> lock(mutex);
            events.push_back("r " + r.id + " " + r.subject);
        }
        void roomDeleted(const std::string& id) override
        {
            std::lock_guard<std::mutex> lock(mutex);
            events.push_back("d " + id);
        }
        void resumed() override { ++resumes; }
        std::size_t count()
        {
            std::lock_guard<std::mutex> lock(mutex);
            return events.size();
        }
    };

public:
    void setUp() override { _redis = std::make_unique<RedisServer>(); }
    void tearDown() override { _redis.reset(); }

    void aSendWhoseAnswerIsLostIsFoundStored()
    {
        // The connection breaks after the script was sent: the send is
        // acknowledged when the log has it, refused when it does not, and
        // stored once either way (a client that tries again after a
        // refusal does not make a second copy of what was stored).
        CutProxy proxy(_redis->address());
        RedisStore::Options o = options();
        o.address = proxy.address();
        RedisStore store(o);
        const std::string id(32, 'h');
        store.createRoom(room(id));
        store.appendNext(id, draft("before"));

        proxy.cut("its answer is lost", true);
        MessagePtr sent = store.appendNext(id, draft("its answer is lost"));
        CPPUNIT_ASSERT(proxy.hasCut());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), sent->id());
        CPPUNIT_ASSERT_EQUAL(std::string("its answer is lost"), sent->text());

        proxy.cut("it never arrives", false);
        CPPUNIT_ASSERT_THROW(store.appendNext(id, draft("it never arrives")), Poco::IOException);
        CPPUNIT_ASSERT(proxy.hasCut());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), store.appendNext(id, draft("after"))->id());

        const auto all = store.read(id, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("its answer is lost"), all[1]->text());
        CPPUNIT_ASSERT_EQUAL(std::string("after"), all[2]->text());
    }

    void namesAreHeldAllAtOnce()
    {
        // A daemon renews all its names in one pipeline; a name someone
        // else holds is lost, one released is free. Without its scripts
        // (a restarted Redis), each call is run again alone.
        RedisStore store(options());
        CPPUNIT_ASSERT(store.claimName("carol", "k-other"));
        std::vector<std::pair<std::string, std::string>> held;
        for (int i = 0; i < 200; ++i)
            held.emplace_back("p" + std::to_string(i), "k" + std::to_string(i));
        held.emplace_back("carol", "k-mine");
        CPPUNIT_ASSERT(store.holdNames(held, {}) == std::vector<std::string>{"carol"});
        CPPUNIT_ASSERT_EQUAL(std::string("k7"), store.nameHolder("p7"));
        CPPUNIT_ASSERT_EQUAL(std::string("k-other"), store.nameHolder("carol"));
        _redis->command("SCRIPT FLUSH");
        held.pop_back();
        held.erase(held.begin() + 7);
        CPPUNIT_ASSERT(store.holdNames(held, {{"p7", "k7"}, {"carol", "k-mine"}}).empty());
        CPPUNIT_ASSERT_EQUAL(std::string(), store.nameHolder("p7"));
        CPPUNIT_ASSERT_EQUAL(std::string("k-other"), store.nameHolder("carol"));
        CPPUNIT_ASSERT_EQUAL(std::string("k199"), store.nameHolder("p199"));
        // Asked all at once (IRC's ISON), each answered in order.
        CPPUNIT_ASSERT((store.nameHolders({"p1", "p7", "carol", "nobody"}) ==
                        std::vector<std::string>{"k1", "", "k-other", ""}));
        CPPUNIT_ASSERT(store.nameHolders({}).empty());
        // A live connection's mailbox, for private messages from other daemons.
        CPPUNIT_ASSERT(!store.hasMailbox("k1"));
        store.holdMailboxes({"k1", "k2"});
        CPPUNIT_ASSERT(store.hasMailbox("k1") && store.hasMailbox("k2"));
        CPPUNIT_ASSERT(!store.hasMailbox("k3"));
    }

    void recordsRoundTrip()
    {
        Message::Details details;
        details.account = "ann";
        details.sender = "s-1";
        details.target = 7;
        details.edited = 1796511749992968;
        details.request = "k-1";
        Crowd crowd{{"ann", "bob"}, 12};
        Message m(41, MessageKind::Join, "ann \"q\" ✓", Poco::Timestamp(1796511749000123),
                  "line 1\nline 2", crowd, details);
        MessagePtr back = RedisRecords::readMessage(RedisRecords::entry(m));
        CPPUNIT_ASSERT_EQUAL(m.json(), back->json());
        CPPUNIT_ASSERT_EQUAL(std::string("s-1"), back->sender());
        CPPUNIT_ASSERT_EQUAL(std::string("k-1"), back->request());
        CPPUNIT_ASSERT(m.json().find("k-1") == std::string::npos); // never shown
        CPPUNIT_ASSERT(m.time() == back->time());

        RoomRecord r = room("0123456789abcdef0123456789abcdef");
        r.owner = "ann";
        r.posting = RoomRecord::Posting::Moderators;
        r.slowMode = 30;
        r.moderators = {"bob"};
        r.bans.push_back(RoomBan{"eve", "s-9", Poco::Timestamp(1796511749000000)});
        RoomRecord again = RedisRecords::readRoom(RedisRecords::room(r));
        CPPUNIT_ASSERT_EQUAL(RedisRecords::room(r), RedisRecords::room(again));
        CPPUNIT_ASSERT_EQUAL(std::string("s-9"), again.bans.at(0).sender);

        for (const char* bad : {"", "12", "1 2 {", "x 2 {}", "1 2 {\"k\":\"nonsense\"}"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, RedisRecords::readMessage(bad),
                                         Poco::DataFormatException);
        CPPUNIT_ASSERT_THROW(RedisRecords::readRoom("{}"), Poco::DataFormatException);
    }

    void numbersReadsAndTails()
    {
        RedisStore a(options()), b(options());
        const std::string id(32, 'a');
        a.createRoom(room(id));
        CPPUNIT_ASSERT_THROW(b.createRoom(room(id)), Poco::ExistsException);
        for (int i = 0; i < 6; ++i)
        {
            MessagePtr m = (i % 2 == 0 ? a : b).appendNext(id, draft("m" + std::to_string(i)));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), m->id());
        }
        auto read = b.read(id, 2, 3);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), read.size());
        CPPUNIT_ASSERT_EQUAL(std::string("m2"), read[0]->text());
        CPPUNIT_ASSERT_EQUAL(std::string("person-1"), read[0]->sender());
        Store::Tail tail = a.tail(id, 2);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), tail.next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), tail.recent.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), tail.recent[0]->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), a.tail(std::string(32, 'b'), 5).next);
        CPPUNIT_ASSERT_THROW(a.appendNext(std::string(32, 'b'), draft("nowhere")),
                             Poco::NotFoundException);
        a.deleteRoom(id);
        CPPUNIT_ASSERT_THROW(b.appendNext(id, draft("too late")), Poco::NotFoundException);
        CPPUNIT_ASSERT(b.read(id, 0, 10).empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.deletedRooms().size());
        CPPUNIT_ASSERT(b.rooms().empty());
    }

    void amendmentsRewriteTheirTarget()
    {
        RedisStore store(options());
        const std::string id(32, 'c');
        store.createRoom(room(id));
        store.appendNext(id, draft("secret words"));                 // 0
        store.appendNext(id, draft("kept words"));                   // 1
        store.appendNext(id, draft("better", MessageKind::Edit, 0)); // 2
        CPPUNIT_ASSERT_EQUAL(std::string("better"), store.read(id, 0, 1)[0]->text());
        CPPUNIT_ASSERT(store.read(id, 0, 1)[0]->isEdited());
        store.appendNext(id, draft("best", MessageKind::Edit, 0)); // 3
        store.appendNext(id, draft("", MessageKind::Delete, 0));   // 4
        auto all = store.read(id, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), all.size());
        CPPUNIT_ASSERT(all[0]->kind() == MessageKind::Deleted);
        CPPUNIT_ASSERT(all[0]->text().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("kept words"), all[1]->text());
        CPPUNIT_ASSERT(all[2]->text().empty()); // the edits lose their text too
        CPPUNIT_ASSERT(all[3]->text().empty());
        // Read back, each is what Message::amendedBy makes of it.
        CPPUNIT_ASSERT_EQUAL(std::string("deleted"),
                             std::string(Message::kindName(all[0]->kind())));
        const std::string raw = _redis->command("ZRANGE hchat:{" + id + "}:log 0 -1");
        CPPUNIT_ASSERT(raw.find("secret") == std::string::npos);
        CPPUNIT_ASSERT(raw.find("best") == std::string::npos);
        CPPUNIT_ASSERT(raw.find("better") == std::string::npos);
    }

    void historyLimitTrims()
    {
        RedisStore store(options(3));
        const std::string id(32, 'd');
        store.createRoom(room(id));
        for (int i = 0; i < 10; ++i)
            store.appendNext(id, draft("m" + std::to_string(i)));
        auto kept = store.read(id, 0, 100);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), kept.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), kept[0]->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), store.tail(id, 0).next); // numbering goes on
        // What the limit took is gone, not left for a search to go on to.
        const Store::Findings found = store.search(id, "m", 10, Store::everyMessage);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), found.found.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), found.searchedFrom);
    }

    void searchFindsNewestFirst()
    {
        RedisStore store(options());
        const std::string id(32, 'e');
        store.createRoom(room(id));
        store.appendNext(id, draft("Deploy the build"));
        store.appendNext(id, draft("lunch?"));
        store.appendNext(id, draft("the BUILD is deployed"));
        auto found = store.search(id, "build deploy", 10, Store::everyMessage).found;
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), found.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), found[0].message->id());
        CPPUNIT_ASSERT_EQUAL(std::string("the \x02"
                                         "BUILD\x03 is \x02"
                                         "deploy\x03"
                                         "ed"),
                             found[0].snippet);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             store.search(id, "build", 1, Store::everyMessage).found.size());
        CPPUNIT_ASSERT(store.search(id, "  ", 10, Store::everyMessage).found.empty());
    }

    void searchGoesOnBelowWhereItStopped()
    {
        // A search reads at most searchBudget messages: what it did not
        // read is found by asking again below where it stopped.
        RedisStore store(options());
        const std::string id(32, 'g');
        store.createRoom(room(id));
        store.appendNext(id, draft("needle in the old days"));
        const std::uint64_t last = RedisStore::searchBudget + 500;
        for (std::uint64_t i = 1; i < last; ++i)
            store.appendNext(id, draft("hay " + std::to_string(i)));
        store.appendNext(id, draft("a fresh needle"));

        Store::Findings first = store.search(id, "needle", 10, Store::everyMessage);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), first.found.size());
        CPPUNIT_ASSERT_EQUAL(last, first.found[0].message->id());
        CPPUNIT_ASSERT_EQUAL(last + 1 - RedisStore::searchBudget, first.searchedFrom);
        Store::Findings older = store.search(id, "needle", 10, first.searchedFrom);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), older.found.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), older.found[0].message->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), older.searchedFrom); // nothing older left

        // Stopped by the limit: it goes on below the last one found.
        Store::Findings two = store.search(id, "hay", 2, 101);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), two.found.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(100), two.found[0].message->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(99), two.searchedFrom);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(98),
                             store.search(id, "hay", 1, 99).found[0].message->id());
        CPPUNIT_ASSERT(store.search(id, "needle", 10, 0).found.empty());
        // A room with less than a budget: every message was read.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), store.search(id, "nowhere", 10, 50).searchedFrom);
    }

    void roomsAccountsCredentialsAndBans()
    {
        RedisStore store(options());
        RoomRecord first = room(std::string(32, '1'));
        first.created = Poco::Timestamp(1000);
        first.owner = "ann";
        RoomRecord second = room(std::string(32, '0'));
        second.created = Poco::Timestamp(2000);
        store.createRoom(second);
        store.createRoom(first);
        first.subject = "renamed";
        first.owner = "mallory"; // fixed: not taken
        store.saveRoom(first);
        auto rooms = store.rooms();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rooms.size());
        CPPUNIT_ASSERT_EQUAL(first.id, rooms[0].id); // creation order
        CPPUNIT_ASSERT_EQUAL(std::string("renamed"), rooms[0].subject);
        CPPUNIT_ASSERT_EQUAL(std::string("ann"), rooms[0].owner);
        RoomRecord found;
        CPPUNIT_ASSERT(store.findRoom(second.id, found));
        CPPUNIT_ASSERT(!store.findRoom(std::string(32, '2'), found));
        CPPUNIT_ASSERT_THROW(store.saveRoom(room(std::string(32, '2'))), Poco::NotFoundException);

        store.createAccount(AccountRecord{"Ann", "$argon2id$x", Poco::Timestamp()});
        CPPUNIT_ASSERT_THROW(store.createAccount(AccountRecord{"ANN", "h", Poco::Timestamp()}),
                             Poco::ExistsException);
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), store.accounts().at(0).name);
        Credential live{Credential::Kind::Session, "d1", "Ann",
                        Poco::Timestamp() + Poco::Timespan(3600, 0).totalMicroseconds()};
        Credential over{Credential::Kind::Session, "d2", "Ann", Poco::Timestamp(1)};
        Credential token{Credential::Kind::Token, "d3", "Ann", Poco::Timestamp(0)};
        for (const Credential& c : {live, over, token})
            store.saveCredential(c);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), store.credentials().size());
        store.removeCredential("d1");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.credentials().size());

        store.saveAddressBan(AddressBan{"192.0.2.0/24", Poco::Timestamp(0)});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.addressBans().size());
        CPPUNIT_ASSERT(store.addressBans()[0].forGood());
        store.removeAddressBan("192.0.2.0/24");
        CPPUNIT_ASSERT(store.addressBans().empty());
        CPPUNIT_ASSERT_THROW(store.backup("/tmp/x"), Poco::NotImplementedException);
        CPPUNIT_ASSERT_THROW(store.append(first.id, draft("x")), Poco::NotImplementedException);
    }

    void feedTellsAndResumes()
    {
        RedisStore writer(options()), reader(options());
        Heard heard;
        reader.listen(heard);
        CPPUNIT_ASSERT(eventually([&] { return heard.resumes.load() == 1; }));
        const std::string id(32, 'f');
        writer.createRoom(room(id));
        writer.appendNext(id, draft("hello"));
        writer.deleteRoom(id);
        CPPUNIT_ASSERT(eventually([&] { return heard.count() == 3; }));
        CPPUNIT_ASSERT_EQUAL(std::string("r " + id + " a room"), heard.events[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("m " + id + " 0 hello"), heard.events[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("d " + id), heard.events[2]);
        // What hchatd did not write is ignored, not a crash.
        _redis->command("PUBLISH hchat:feed garbage");
        _redis->command("PUBLISH hchat:feed m_nospace");
        _redis->command("PUBLISH hchat:feed r_{");
        // Lost and back: subscribed again, and told to read what it missed.
        _redis->stop();
        _redis->start();
        CPPUNIT_ASSERT(eventually([&] { return heard.resumes.load() == 2; }, 10));
        reader.close();
    }

    void unreachableThrows()
    {
        RedisStore store(options());
        const std::string id(32, '9');
        store.createRoom(room(id));
        _redis->stop();
        CPPUNIT_ASSERT_THROW(store.appendNext(id, draft("lost")), Poco::IOException);
        CPPUNIT_ASSERT_THROW(store.read(id, 0, 1), Poco::IOException);
        _redis->start();
        // A broken connection is dropped; the next one works.
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                try
                {
                    return store.appendNext(id, draft("back"))->id() == 0;
                }
                catch (const Poco::IOException&)
                {
                    return false;
                }
            }));
        _redis->stop();
        CPPUNIT_ASSERT_THROW(RedisStore{options()}, Poco::IOException);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisStoreTest);

} // namespace hchat::test
