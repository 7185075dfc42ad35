#include "store/SqliteStore.h"
#include "chat/Room.h"
#include "store/SqliteSearch.h"
#include "support/DaemonProcess.h"
#include "support/Eventually.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/NumberFormatter.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <sys/resource.h>
#include <thread>

namespace hchat::test
{

class SqliteStoreTest : public CppUnit::TestFixture
/// The SQLite store: round trip, order, reopen, group commit from many
/// threads, refusal of gaps, failed writes, bad files left untouched, retention.
{
    CPPUNIT_TEST_SUITE(SqliteStoreTest);
    CPPUNIT_TEST(roundTripKeepsEveryField);
    CPPUNIT_TEST(reopenRestoresRoomsAndNumbering);
    CPPUNIT_TEST(refusesGapsAndRepeats);
    CPPUNIT_TEST(concurrentSendersAreCommittedInOrder);
    CPPUNIT_TEST(failedWriteAcknowledgesNothingAndRecovers);
    CPPUNIT_TEST(badFilesAreRefusedAndLeftUntouched);
    CPPUNIT_TEST(secondOpenOfTheSameFileIsRefused);
    CPPUNIT_TEST(retentionDeletesOldMessagesKeepsNumbering);
    CPPUNIT_TEST(crowdsRoundTripAndVersionOneFilesAreUpgraded);
    CPPUNIT_TEST(searchFollowsEditsDeletionsAndRetention);
    CPPUNIT_TEST(searchWordsAreNeverQuerySyntax);
    CPPUNIT_TEST(theIndexCatchesUpByItselfAndAfterARestart);
    CPPUNIT_TEST(aBacklogOfManySlicesIsIndexedInOneGo);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir;

    static RoomRecord room(const std::string& id, const std::string& subject, bool isPublic)
    {
        RoomRecord r;
        r.id = id;
        r.subject = subject;
        r.isPublic = isPublic;
        r.lastActivity = r.created;
        return r;
    }

    static MessagePtr message(std::uint64_t id, const std::string& text,
                              MessageKind kind = MessageKind::Message,
                              Poco::Timestamp time = Poco::Timestamp())
    {
        return std::make_shared<const Message>(id, kind, "alice", time, text);
    }

    static std::string contents(const std::string& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }

    static std::string openError(const std::string& path)
    {
        try
        {
            SqliteStore store(path);
        }
        catch (const Poco::IOException& e)
        {
            return e.message();
        }
        return "";
    }

    const std::string a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const std::string b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

public:
    void setUp() override { _dir = DaemonProcess::tempDir(); }
    void tearDown() override { Poco::File(_dir).remove(true); }

    void roundTripKeepsEveryField()
    {
        SqliteStore store(_dir + "/sub/dir/chat.db"); // folders are created
        store.createRoom(room(a, "Ünïcode <b>subject</b>", true));
        store.createRoom(room(b, "", false));
        Poco::Timestamp t0;
        store.append(a, message(0, "héllo 😀", MessageKind::Join, t0)).get();
        store.append(a, message(1, "line\nbreak", MessageKind::Message)).get();
        store.append(b, message(0, "other room", MessageKind::Nick)).get();
        store.append(a, message(2, "'); DROP TABLE messages; --", MessageKind::Leave)).get();

        auto got = store.read(a, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), got.size());
        CPPUNIT_ASSERT_EQUAL(std::string("héllo 😀"), got[0]->text());
        CPPUNIT_ASSERT(got[0]->kind() == MessageKind::Join);
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), got[0]->author());
        CPPUNIT_ASSERT(got[0]->time() == t0);
        CPPUNIT_ASSERT(got[2]->kind() == MessageKind::Leave);
        CPPUNIT_ASSERT_EQUAL(std::string("'); DROP TABLE messages; --"), got[2]->text());
        for (std::size_t i = 0; i < got.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), got[i]->id());

        auto from1 = store.read(a, 1, 1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), from1.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), from1[0]->id());
        CPPUNIT_ASSERT(store.read(a, 3, 10).empty());
        CPPUNIT_ASSERT(store.read("cccccccccccccccccccccccccccccccc", 0, 10).empty());

        Store::Tail tail = store.tail(a, 2);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), tail.next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), tail.recent.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), tail.recent[0]->id());

        auto rooms = store.rooms();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rooms.size());
        CPPUNIT_ASSERT_EQUAL(a, rooms[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("Ünïcode <b>subject</b>"), rooms[0].subject);
        CPPUNIT_ASSERT(rooms[0].isPublic && !rooms[1].isPublic);
        CPPUNIT_ASSERT_THROW(store.createRoom(room(a, "again", true)), Poco::ExistsException);

        // What only some messages have: who sent it, and their request key.
        MessageDetails details;
        details.account = "ann";
        details.sender = "s-1";
        details.request = "k-1";
        store
            .append(b,
                    std::make_shared<const Message>(1, MessageKind::Message, "ann",
                                                    Poco::Timestamp(), "keyed", Crowd(), details))
            .get();
        const MessagePtr keyed = store.read(b, 1, 1).at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("ann"), keyed->account());
        CPPUNIT_ASSERT_EQUAL(std::string("s-1"), keyed->sender());
        CPPUNIT_ASSERT_EQUAL(std::string("k-1"), keyed->request());
    }

    void reopenRestoresRoomsAndNumbering()
    {
        const std::string path = _dir + "/chat.db";
        Poco::Timestamp created;
        Poco::Timestamp lastTime;
        {
            SqliteStore store(path);
            store.createRoom(room(b, "second", false));
            store.createRoom(room(a, "first", true));
            for (std::uint64_t i = 0; i < 50; ++i)
                store.append(a, message(i, "m" + std::to_string(i))).get();
            lastTime = store.read(a, 49, 1)[0]->time();
            created = store.rooms()[0].created;
        }
        SqliteStore store(path);
        auto rooms = store.rooms();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rooms.size());
        CPPUNIT_ASSERT_EQUAL(b, rooms[0].id); // creation order
        CPPUNIT_ASSERT(rooms[0].created == created);
        CPPUNIT_ASSERT(rooms[1].lastActivity == lastTime);
        Store::Tail tail = store.tail(a, 10);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(50), tail.next);
        CPPUNIT_ASSERT_EQUAL(std::string("m49"), tail.recent.back()->text());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), store.tail(b, 10).next);

        // A Room on the reopened store continues the numbering.
        Room r(rooms[1], store, 10);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(50), r.append(MessageKind::Message, "x", "next")->id());
        MessagePtr old;
        CPPUNIT_ASSERT(r.get(3, old) == Room::Lookup::Found); // outside the window: from disk
        CPPUNIT_ASSERT_EQUAL(std::string("m3"), old->text());
    }

    void refusesGapsAndRepeats()
    {
        SqliteStore store(_dir + "/chat.db");
        store.createRoom(room(a, "", true));
        CPPUNIT_ASSERT_THROW(store.append(a, message(1, "gap")).get(), Poco::IllegalStateException);
        store.append(a, message(0, "first")).get();
        CPPUNIT_ASSERT_THROW(store.append(a, message(0, "repeat")).get(),
                             Poco::IllegalStateException);
        CPPUNIT_ASSERT_THROW(store.append(b, message(0, "no room")).get(), Poco::NotFoundException);
        auto got = store.read(a, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
        CPPUNIT_ASSERT_EQUAL(std::string("first"), got[0]->text());
    }

    void concurrentSendersAreCommittedInOrder()
    {
        const std::string path = _dir + "/chat.db";
        const int threads = 8, each = 300;
        {
            SqliteStore store(path);
            store.createRoom(room(a, "", true));
            Room r(store.rooms()[0], store, 100);
            std::vector<std::thread> senders;
            for (int t = 0; t < threads; ++t)
                senders.emplace_back(
                    [&, t]
                    {
                        for (int i = 0; i < each; ++i)
                            r.append(MessageKind::Message, "t", std::to_string(t * each + i));
                    });
            for (auto& s : senders)
                s.join();
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(threads * each), r.next());
        }
        SqliteStore store(path);
        auto all = store.read(a, 0, threads * each + 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(threads * each), all.size());
        std::set<std::string> texts;
        for (std::size_t i = 0; i < all.size(); ++i)
        {
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), all[i]->id());
            texts.insert(all[i]->text());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(threads * each), texts.size());
    }

    void failedWriteAcknowledgesNothingAndRecovers()
    {
        // A file size limit of 0 makes every write fail like a full disk.
        SqliteStore store(_dir + "/chat.db");
        store.createRoom(room(a, "", true));
        Room r(store.rooms()[0], store, 100);
        r.append(MessageKind::Message, "x", "before");

        auto previous = std::signal(SIGXFSZ, SIG_IGN);
        rlimit saved{};
        getrlimit(RLIMIT_FSIZE, &saved);
        rlimit none = saved;
        none.rlim_cur = 0;
        setrlimit(RLIMIT_FSIZE, &none);
        bool failed = false;
        try
        {
            r.append(MessageKind::Message, "x", "lost");
        }
        catch (const Poco::IOException&)
        {
            failed = true;
        }
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previous);

        CPPUNIT_ASSERT(failed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), r.next());
        MessagePtr m;
        CPPUNIT_ASSERT(r.get(1, m) == Room::Lookup::NotYet);
        CPPUNIT_ASSERT(r.get(0, m) == Room::Lookup::Found); // reads go on
        // Writes work again, and the number of the lost message is reused.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), r.append(MessageKind::Message, "x", "after")->id());
        auto stored = store.read(a, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), stored.size());
        CPPUNIT_ASSERT_EQUAL(std::string("after"), stored[1]->text());
    }

    void badFilesAreRefusedAndLeftUntouched()
    {
        // Not a database at all.
        const std::string garbage = _dir + "/garbage.db";
        {
            std::ofstream out(garbage, std::ios::binary);
            for (int i = 0; i < 5000; ++i)
                out.put(static_cast<char>((i * 7919) % 251));
        }
        const std::string before = contents(garbage);
        std::string error = openError(garbage);
        CPPUNIT_ASSERT_MESSAGE(error, error.find(garbage) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("not a database") != std::string::npos);
        CPPUNIT_ASSERT(before == contents(garbage));
        CPPUNIT_ASSERT(!Poco::File(garbage + "-wal").exists());

        // Another program's SQLite database, and one from a newer hchatd.
        Poco::Data::SQLite::Connector::registerConnector();
        const std::string foreign = _dir + "/foreign.db";
        const std::string newer = _dir + "/newer.db";
        {
            Poco::Data::Session s("SQLite", foreign);
            s << "CREATE TABLE t (x)", Poco::Data::Keywords::now;
            Poco::Data::Session n("SQLite", newer);
            n << "PRAGMA user_version=99", Poco::Data::Keywords::now;
        }
        const std::string foreignBefore = contents(foreign);
        error = openError(foreign);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("not an hchatd database") != std::string::npos);
        CPPUNIT_ASSERT(foreignBefore == contents(foreign));
        error = openError(newer);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("newer hchatd") != std::string::npos);

        // A folder that cannot be created: its parent is a file.
        const std::string blocked = garbage + "/chat.db";
        error = openError(blocked);
        CPPUNIT_ASSERT_MESSAGE(error, error.find(blocked) != std::string::npos);
        CPPUNIT_ASSERT(before == contents(garbage));
    }

    void secondOpenOfTheSameFileIsRefused()
    {
        const std::string path = _dir + "/chat.db";
        SqliteStore first(path);
        first.createRoom(room(a, "", true));
        first.append(a, message(0, "kept")).get();
        std::string error = openError(path);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("locked") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, error.find(path) != std::string::npos);
        // The first store is unharmed.
        first.append(a, message(1, "still works")).get();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), first.read(a, 0, 10).size());
    }

    void crowdsRoundTripAndVersionOneFilesAreUpgraded()
    {
        // A file as hchatd wrote it before grouped notices (schema 1).
        const std::string path = _dir + "/old.db";
        {
            Poco::Data::Session old("SQLite", path);
            using Poco::Data::Keywords::now;
            old << "CREATE TABLE rooms (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
                   " subject TEXT NOT NULL, public INTEGER NOT NULL, created INTEGER NOT NULL,"
                   " next INTEGER NOT NULL, last INTEGER NOT NULL)",
                now;
            old << "CREATE TABLE messages (room INTEGER NOT NULL, id INTEGER NOT NULL,"
                   " kind TEXT NOT NULL, author TEXT NOT NULL, time INTEGER NOT NULL,"
                   " text TEXT NOT NULL, PRIMARY KEY (room, id)) WITHOUT ROWID",
                now;
            old << "INSERT INTO rooms VALUES (1, '" + a + "', 'old', 1, 0, 0, 0)", now;
            old << "INSERT INTO messages VALUES (1, 0, 'join', 'ann', 0, 'ann joined')", now;
            old << "INSERT INTO messages VALUES (1, 1, 'message', 'ann', 0, 'Olden wörds')", now;
            old << "PRAGMA user_version=1", now;
        }
        {
            SqliteStore store(path);
            auto got = store.read(a, 0, 10);
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
            CPPUNIT_ASSERT_EQUAL(std::string("ann joined"), got[0]->text());
            // What the older file held is indexed by the upgrade.
            auto found = store.search(a, "words old", 10, Store::everyMessage).found;
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), found.size());
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), found[0].message->id());
            CPPUNIT_ASSERT(got[0]->crowd().empty());
            Crowd crowd;
            crowd.names = {"bob", "cy"};
            crowd.count = 700;
            store
                .append(a, std::make_shared<const Message>(2, MessageKind::Join, "bob",
                                                           Poco::Timestamp(),
                                                           "bob, cy and 698 others joined", crowd))
                .get();
        }
        {
            SqliteStore reopened(path);
            auto got = reopened.read(a, 0, 10);
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), got.size());
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(700), got[2]->crowd().count);
            CPPUNIT_ASSERT(got[2]->crowd().names == (std::vector<std::string>{"bob", "cy"}));
            CPPUNIT_ASSERT(got[2]->json().find("\"names\":[\"bob\",\"cy\"],\"count\":700") !=
                           std::string::npos);
        }
        int version = 0;
        Poco::Data::Session check("SQLite", path);
        check << "PRAGMA user_version", Poco::Data::Keywords::into(version),
            Poco::Data::Keywords::now;
        CPPUNIT_ASSERT_EQUAL(7, version);
    }

    static MessagePtr amendment(std::uint64_t id, MessageKind kind, const std::string& text,
                                std::uint64_t target)
    {
        MessageDetails details;
        details.target = target;
        return std::make_shared<const Message>(id, kind, "alice", Poco::Timestamp(), text, Crowd(),
                                               details);
    }

    static std::vector<std::uint64_t> ids(const std::vector<Store::Found>& found)
    {
        std::vector<std::uint64_t> out;
        for (const Store::Found& f : found)
            out.push_back(f.message->id());
        return out;
    }

    void searchFollowsEditsDeletionsAndRetention()
    {
        const std::string path = _dir + "/chat.db";
        const Poco::Timespan day(1, 0, 0, 0, 0);
        Poco::Timestamp now;
        SqliteStore store(path, day);
        store.createRoom(room(a, "", true));
        store.createRoom(room(b, "", true));
        using V = std::vector<std::uint64_t>;
        // The writer sweeps once after its first batch, then a minute later:
        // a message stored after this one is committed is not swept before
        // the test's own sweep below.
        store.append(b, message(0, "zebra in another room")).get();
        store
            .append(a, message(0, "zebra crossing ahead", MessageKind::Message,
                               now - Poco::Timespan(2, 0, 0, 0, 0)))
            .get();
        store.append(a, message(1, "Café au lait, zebra?")).get();
        store.append(a, message(2, "zebra joined", MessageKind::Join)).get(); // a notice
        store.append(a, message(3, "qx7unique-word before its edit")).get();

        // Every word, the last one as a prefix; case and accents ignored.
        CPPUNIT_ASSERT(ids(store.search(a, "ZEBRA", 10, Store::everyMessage).found) == (V{1, 0}) ||
                       ids(store.search(a, "ZEBRA", 10, Store::everyMessage).found) == (V{0, 1}));
        CPPUNIT_ASSERT(ids(store.search(a, "cafe zeb", 10, Store::everyMessage).found) == V{1});
        CPPUNIT_ASSERT(ids(store.search(a, "zeb cafe", 10, Store::everyMessage).found)
                           .empty()); // only the last is a prefix
        CPPUNIT_ASSERT(ids(store.search(a, "zebra", 1, Store::everyMessage).found).size() == 1);
        CPPUNIT_ASSERT(ids(store.search(a, "   ", 10, Store::everyMessage).found).empty());
        // Below a number only; the index has every message: all searched.
        CPPUNIT_ASSERT(ids(store.search(a, "zebra", 10, 1).found) == V{0});
        CPPUNIT_ASSERT(store.search(a, "zebra", 10, 0).found.empty());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0),
                             store.search(a, "zebra", 1, Store::everyMessage).searchedFrom);
        const auto hit = store.search(a, "lait", 10, Store::everyMessage).found;
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), hit.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Café au \x02lait\x03, zebra?"), hit[0].snippet);
        CPPUNIT_ASSERT_EQUAL(std::string("Café au lait, zebra?"), hit[0].message->text());

        // An edit is found by its new words only; a deletion by none, and
        // its words are gone from the file and the WAL.
        store.append(a, amendment(4, MessageKind::Edit, "qz9fresh-word after", 3)).get();
        CPPUNIT_ASSERT(store.search(a, "qx7unique", 10, Store::everyMessage).found.empty());
        CPPUNIT_ASSERT(ids(store.search(a, "qz9fresh", 10, Store::everyMessage).found) == V{3});
        store.append(a, amendment(5, MessageKind::Delete, "", 3)).get();
        CPPUNIT_ASSERT(store.search(a, "qz9fresh", 10, Store::everyMessage).found.empty());
        CPPUNIT_ASSERT(store.search(a, "after", 10, Store::everyMessage).found.empty());
        // The index's copy of the words is merged out by the writer, soon.
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                const std::string file = contents(path) + contents(path + "-wal");
                return file.find("qz9fresh") == std::string::npos &&
                       file.find("qx7unique") == std::string::npos;
            }));

        // Retention takes the old message from the index too.
        CPPUNIT_ASSERT(store.sweepExpired() >= 1);
        CPPUNIT_ASSERT(ids(store.search(a, "crossing", 10, Store::everyMessage).found).empty());
        // Deleting a room takes its words.
        store.deleteRoom(a);
        CPPUNIT_ASSERT(store.search(a, "zebra", 10, Store::everyMessage).found.empty());
        CPPUNIT_ASSERT(ids(store.search(b, "zebra", 10, Store::everyMessage).found) == V{0});
        // A room made after every other was deleted gets the first one's
        // key again (rooms.seq), and none of how far that one was indexed.
        store.deleteRoom(b);
        const std::string c(32, 'c');
        store.createRoom(room(c, "", true));
        store.append(c, message(0, "yak one")).get();
        store.append(c, message(1, "yak two")).get();
        CPPUNIT_ASSERT(ids(store.search(c, "yak", 10, Store::everyMessage).found) == (V{1, 0}) ||
                       ids(store.search(c, "yak", 10, Store::everyMessage).found) == (V{0, 1}));
    }

    static int indexedRows(const std::string& path)
    {
        Poco::Data::Session raw("SQLite", path);
        int rows = 0;
        raw << "SELECT count(*) FROM message_search", Poco::Data::Keywords::into(rows),
            Poco::Data::Keywords::now;
        return rows;
    }

    void theIndexCatchesUpByItselfAndAfterARestart()
    {
        // Stored messages are indexed in chunks by the writer, within about
        // a second, without any search asking; what a stop left unindexed
        // is indexed after the next start. The file is locked while a store
        // has it open, so the test waits a while, then closes and looks.
        const std::string path = _dir + "/chat.db";
        {
            SqliteStore store(path);
            store.createRoom(room(a, "", true));
            store.createRoom(room(b, "", true));
            for (std::uint64_t i = 0; i < 3; ++i)
            {
                store.append(a, message(i, "alpha " + std::to_string(i))).get();
                store.append(b, message(i, "beta " + std::to_string(i))).get();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1600));
            store.append(a, message(3, "left for the restart")).get();
        }
        CPPUNIT_ASSERT(indexedRows(path) >= 6);
        // Opened until its writer got a turn (a busy machine may need more
        // than one opening of 300 ms).
        for (int tries = 0; tries < 20 && indexedRows(path) < 7; ++tries)
        {
            SqliteStore store(path);
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        CPPUNIT_ASSERT_EQUAL(7, indexedRows(path));
        SqliteStore store(path);
        CPPUNIT_ASSERT(ids(store.search(a, "restart", 10, Store::everyMessage).found) ==
                       std::vector<std::uint64_t>{3});
        CPPUNIT_ASSERT_EQUAL(std::size_t(3),
                             store.search(b, "beta", 10, Store::everyMessage).found.size());
    }

    void aBacklogOfManySlicesIsIndexedInOneGo()
    {
        // The writer indexes a slice at a time (at most 1,024 messages in
        // at most 64 rooms) so that sends wait for one slice at most; the
        // slices of one backlog follow each other at once, not a second
        // apart, within one room and across rooms. 1,100 messages in one
        // room and one in each of 300 others: all indexed soon after they
        // were stored.
        const std::string path = _dir + "/chat.db";
        {
            SqliteStore store(path);
            store.createRoom(room(a, "", true));
            std::vector<std::future<void>> stored;
            for (std::uint64_t i = 0; i < 1100; ++i)
                stored.push_back(store.append(a, message(i, "word " + std::to_string(i))));
            for (int r = 0; r < 300; ++r)
            {
                const std::string id =
                    std::string(24, 'c') + Poco::NumberFormatter::formatHex(r, 8);
                store.createRoom(room(id, "", true));
                stored.push_back(store.append(id, message(0, "room " + std::to_string(r))));
            }
            for (auto& s : stored)
                s.get();
            std::this_thread::sleep_for(std::chrono::milliseconds(1800));
        }
        CPPUNIT_ASSERT_EQUAL(1400, indexedRows(path));
    }

    void searchWordsAreNeverQuerySyntax()
    {
        SqliteStore store(_dir + "/chat.db");
        store.createRoom(room(a, "", true));
        store.append(a, message(0, "AND OR NOT \"quoted\" col:umn *star* -minus (paren) NEAR"))
            .get();
        store.append(a, message(1, "plain words")).get();
        for (const char* words : {"AND", "\"quoted", "col:umn", "*", "-minus", "(paren", "NEAR(",
                                  "\"", "text:plain", "^plain", "OR plain", "a\"b\"c", "{text}"})
        {
            // Never an error: at worst nothing found.
            CPPUNIT_ASSERT_NO_THROW(store.search(a, words, 10, Store::everyMessage).found);
        }
        CPPUNIT_ASSERT(ids(store.search(a, "AND", 10, Store::everyMessage).found) ==
                       std::vector<std::uint64_t>{0});
        CPPUNIT_ASSERT(ids(store.search(a, "OR plain", 10, Store::everyMessage).found)
                           .empty()); // OR is a word here
        CPPUNIT_ASSERT(ids(store.search(a, "col:umn", 10, Store::everyMessage).found) ==
                       std::vector<std::uint64_t>{0});
        CPPUNIT_ASSERT_EQUAL(std::string("\"AND\" \"\"\"x\"*"),
                             SqliteSearch::matchExpression("  AND \t\"x "));
        CPPUNIT_ASSERT_EQUAL(std::string(""), SqliteSearch::matchExpression(" \n "));
    }

    void retentionDeletesOldMessagesKeepsNumbering()
    {
        const std::string path = _dir + "/chat.db";
        const Poco::Timespan day(1, 0, 0, 0, 0);
        const Poco::Timespan twoDays(2, 0, 0, 0, 0);
        Poco::Timestamp now;
        {
            SqliteStore store(path, day);
            store.createRoom(room(a, "", true));
            for (std::uint64_t i = 0; i < 2500; ++i) // older than a day: more than a chunk
                store.append(a, message(i, "old", MessageKind::Message, now - twoDays)).get();
            store.append(a, message(2500, "new")).get();
            // The writer sweeps once at its start too, which can catch the
            // first old message; one call deletes the rest, chunk by chunk.
            const std::size_t deleted = store.sweepExpired();
            CPPUNIT_ASSERT_MESSAGE(std::to_string(deleted), deleted >= 2499 && deleted <= 2500);
            auto left = store.read(a, 0, 10);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), left.size());
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(2500), left[0]->id());
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), store.sweepExpired());

            // The room hides expired messages still in its memory window.
            store.createRoom(room(b, "", true));
            Room r(store.rooms()[1], store, 10, day);
            store.append(b, message(0, "old", MessageKind::Message, now - twoDays)).get();
            MessagePtr m;
            CPPUNIT_ASSERT(r.get(0, m) == Room::Lookup::Gone);
        }
        SqliteStore store(path, day);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2501), store.tail(a, 10).next);
        Room r(store.rooms()[0], store, 10, day);
        MessagePtr m;
        CPPUNIT_ASSERT(r.get(5, m) == Room::Lookup::Gone);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2501), r.append(MessageKind::Message, "x", "y")->id());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteStoreTest);

} // namespace hchat::test
