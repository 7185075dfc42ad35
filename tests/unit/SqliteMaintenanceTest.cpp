#include "store/SqliteStore.h"
#include "support/DaemonProcess.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace hchat::test
{

class SqliteMaintenanceTest : public CppUnit::TestFixture
/// What an operator does to the SQLite store of a running daemon: delete a
/// room (nothing of it left in the file or its WAL), keep address bans,
/// and take an online backup while senders keep appending.
{
    CPPUNIT_TEST_SUITE(SqliteMaintenanceTest);
    CPPUNIT_TEST(aDeletedRoomLeavesNothingInTheFiles);
    CPPUNIT_TEST(addressBansAreKept);
    CPPUNIT_TEST(backupUnderEightSendersHoldsEveryAcknowledgedMessage);
    CPPUNIT_TEST(backupToAnUnwritablePlaceFailsCleanly);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir;

    static RoomRecord room(const std::string& id, const std::string& subject)
    {
        RoomRecord r;
        r.id = id;
        r.subject = subject;
        r.isPublic = true;
        r.lastActivity = r.created;
        return r;
    }

    static MessagePtr message(std::uint64_t id, const std::string& text)
    {
        return std::make_shared<const Message>(id, MessageKind::Message, "alice", Poco::Timestamp(),
                                               text);
    }

    static std::string contents(const std::string& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }

    static std::string roomId(int n)
    {
        std::string id = std::to_string(n);
        return std::string(32 - id.size(), 'a') + id;
    }

public:
    void setUp() override { _dir = DaemonProcess::tempDir(); }
    void tearDown() override { Poco::File(_dir).remove(true); }

    void aDeletedRoomLeavesNothingInTheFiles()
    {
        const std::string path = _dir + "/chat.db";
        const std::string gone = roomId(1), kept = roomId(2);
        {
            SqliteStore store(path);
            store.createRoom(room(gone, "Subject-To-Forget"));
            store.createRoom(room(kept, "kept"));
            for (std::uint64_t i = 0; i < 300; ++i) // more than a page, over several commits
                store.append(gone, message(i, "secret-text-" + std::to_string(i))).get();
            store.append(kept, message(0, "still here")).get();

            store.deleteRoom(gone);
            CPPUNIT_ASSERT(store.read(gone, 0, 10).empty());
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), store.tail(gone, 10).next);
            CPPUNIT_ASSERT_THROW(store.append(gone, message(300, "late")).get(),
                                 Poco::NotFoundException);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.rooms().size());
            CPPUNIT_ASSERT_EQUAL(kept, store.rooms()[0].id);
            CPPUNIT_ASSERT(store.deletedRooms() == std::vector<std::string>{gone});
            // While the daemon runs, in the database and in its WAL.
            const std::string bytes = contents(path) + contents(path + "-wal");
            CPPUNIT_ASSERT(bytes.find("secret-text-") == std::string::npos);
            CPPUNIT_ASSERT(bytes.find("Subject-To-Forget") == std::string::npos);
            // ...where text that was not deleted is found, so the look is real.
            CPPUNIT_ASSERT(bytes.find("still here") != std::string::npos);
            store.append(kept, message(1, "after")).get();
        }
        SqliteStore reopened(path);
        CPPUNIT_ASSERT(reopened.deletedRooms() == std::vector<std::string>{gone});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), reopened.rooms().size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), reopened.read(kept, 0, 10).size());
        CPPUNIT_ASSERT((contents(path) + contents(path + "-wal")).find("secret-text-") ==
                       std::string::npos);
    }

    void addressBansAreKept()
    {
        const std::string path = _dir + "/chat.db";
        {
            SqliteStore store(path);
            AddressBan forGood{"192.0.2.7", Poco::Timestamp(0)};
            AddressBan timed{"198.51.100.0/24", Poco::Timestamp(1900000000000000LL)};
            store.saveAddressBan(forGood);
            store.saveAddressBan(timed);
            store.saveAddressBan(AddressBan{"203.0.113.1", Poco::Timestamp(0)});
            store.removeAddressBan("203.0.113.1");
            timed.until = Poco::Timestamp(1950000000000000LL);
            store.saveAddressBan(timed); // replaces
        }
        SqliteStore store(path);
        const std::vector<AddressBan> bans = store.addressBans();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), bans.size());
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), bans[0].address);
        CPPUNIT_ASSERT(bans[0].forGood());
        CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.0/24"), bans[1].address);
        CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeVal(1950000000000000LL),
                             bans[1].until.epochMicroseconds());
    }

    void backupUnderEightSendersHoldsEveryAcknowledgedMessage()
    {
        const std::string path = _dir + "/chat.db";
        const std::string copy = _dir + "/backup.db";
        SqliteStore store(path);
        constexpr int senders = 8;
        for (int r = 0; r < senders; ++r)
            store.createRoom(room(roomId(r), "room " + std::to_string(r)));
        // Enough history that the copy takes many steps of the lock.
        for (std::uint64_t i = 0; i < 3000; ++i)
            store.append(roomId(0), message(i, std::string(200, 'h'))).get();
        std::array<std::atomic<std::uint64_t>, senders> acknowledged{};
        acknowledged[0] = 3000;
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int r = 0; r < senders; ++r)
            threads.emplace_back(
                [&, r]
                {
                    while (!stop.load())
                    {
                        const std::uint64_t n = acknowledged[r].load();
                        store.append(roomId(r), message(n, "m" + std::to_string(n))).get();
                        acknowledged[r] = n + 1;
                    }
                });
        while (acknowledged[senders - 1].load() < 50)
            std::this_thread::yield();
        std::array<std::uint64_t, senders> before{};
        for (int r = 0; r < senders; ++r)
            before[r] = acknowledged[r].load();
        store.backup(copy);
        std::array<std::uint64_t, senders> after{};
        for (int r = 0; r < senders; ++r)
            after[r] = acknowledged[r].load();
        stop = true;
        for (auto& t : threads)
            t.join();

        // The copy is one file that SQLite and hchatd both open.
        CPPUNIT_ASSERT(!Poco::File(copy + "-wal").exists());
        Poco::Data::SQLite::Connector::registerConnector();
        {
            Poco::Data::Session check("SQLite", copy);
            using namespace Poco::Data::Keywords;
            std::string integrity, mode;
            check << "PRAGMA integrity_check", into(integrity), now;
            check << "PRAGMA journal_mode", into(mode), now;
            CPPUNIT_ASSERT_EQUAL(std::string("ok"), integrity);
            CPPUNIT_ASSERT_EQUAL(std::string("delete"), mode);
        }
        SqliteStore restored(copy);
        CPPUNIT_ASSERT_EQUAL(std::size_t(senders), restored.rooms().size());
        for (int r = 0; r < senders; ++r)
        {
            const std::uint64_t next = restored.tail(roomId(r), 0).next;
            CPPUNIT_ASSERT_MESSAGE(std::to_string(r), next >= before[r] && next <= after[r]);
            // No gap: every number up to the end is there, in order.
            const auto all = restored.read(roomId(r), 0, static_cast<std::size_t>(next));
            CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(next), all.size());
            for (std::size_t i = 0; i < all.size(); ++i)
                CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(i), all[i]->id());
        }
    }

    void backupToAnUnwritablePlaceFailsCleanly()
    {
        SqliteStore store(_dir + "/chat.db");
        store.createRoom(room(roomId(1), "x"));
        CPPUNIT_ASSERT_THROW(store.backup(_dir + "/no/such/folder/copy.db"), Poco::Exception);
        store.append(roomId(1), message(0, "still works")).get();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.read(roomId(1), 0, 5).size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteMaintenanceTest);

} // namespace hchat::test
