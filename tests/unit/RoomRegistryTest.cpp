#include "chat/RoomRegistry.h"
#include "store/MemoryStore.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

namespace hchat::test
{

class RoomRegistryTest : public CppUnit::TestFixture
/// Deleting a room: gone from every look-up and listing, its readers woken,
/// its subscribers told, its appends refused, the store told, and its id
/// remembered as deleted across a reload.
{
    CPPUNIT_TEST_SUITE(RoomRegistryTest);
    CPPUNIT_TEST(aRemovedRoomIsGoneEverywhere);
    CPPUNIT_TEST(readersAndSubscribersLearnOfTheDeletion);
    CPPUNIT_TEST(sendersDuringTheDeletionAreRefused);
    CPPUNIT_TEST(theOlderRoomKeepsANameHowEverItArrives);
    CPPUNIT_TEST_SUITE_END();

    struct Told : Subscriber
    {
        std::atomic<int> closings{0};
        void published(Room&, const MessagePtr&) noexcept override {}
        void presenceChanged(Room&) noexcept override {}
        void closed(Room&) noexcept override { ++closings; }
    };

public:
    void theOlderRoomKeepsANameHowEverItArrives()
    {
        // Two daemons on a shared store made "#lobby" at once; each hears of
        // the other's after its own, and both settle on the older one.
        MemoryStore store(100);
        RoomRegistry rooms(store, 10);
        auto record = [](const std::string& id, Poco::Timestamp::TimeVal created)
        {
            RoomRecord r;
            r.id = id;
            r.subject = "#lobby";
            r.isPublic = true;
            r.created = Poco::Timestamp(created);
            return r;
        };
        rooms.roomSaved(record(std::string(32, 'b'), 2000));
        CPPUNIT_ASSERT_EQUAL(std::string(32, 'b'), rooms.findNamed("#LOBBY")->id());
        rooms.roomSaved(record(std::string(32, 'c'), 1000));
        CPPUNIT_ASSERT_EQUAL(std::string(32, 'c'), rooms.findNamed("#lobby")->id());
        rooms.roomSaved(record(std::string(32, 'a'), 3000)); // newer: no change
        rooms.roomSaved(record(std::string(32, 'd'), 1000)); // a tie: the smaller id stays
        CPPUNIT_ASSERT_EQUAL(std::string(32, 'c'), rooms.findNamed("#lobby")->id());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), rooms.size());
    }

    void aRemovedRoomIsGoneEverywhere()
    {
        MemoryStore store(100);
        RoomRegistry rooms(store, 100);
        auto named = rooms.openNamed("#ops");
        auto other = rooms.create("other", true);
        named->append(MessageKind::Message, "a", "hello");
        const std::string id = named->id();
        CPPUNIT_ASSERT(rooms.remove(id));
        CPPUNIT_ASSERT(!rooms.remove(id));
        CPPUNIT_ASSERT(!rooms.find(id));
        CPPUNIT_ASSERT(rooms.wasDeleted(id));
        CPPUNIT_ASSERT(!rooms.wasDeleted(other->id()));
        CPPUNIT_ASSERT(!rooms.findNamed("#ops"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rooms.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rooms.all().size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rooms.mostActive(10).total);
        CPPUNIT_ASSERT_EQUAL(other->id(), rooms.publicAfter("", 10).rooms.at(0)->id());
        CPPUNIT_ASSERT(store.read(id, 0, 10).empty());
        // The name is free again: JOIN #ops makes a new room.
        auto again = rooms.openNamed("#ops");
        CPPUNIT_ASSERT(again->id() != id);

        RoomRegistry reloaded(store, 100);
        reloaded.load();
        CPPUNIT_ASSERT(!reloaded.find(id));
        CPPUNIT_ASSERT(reloaded.wasDeleted(id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), reloaded.size());
    }

    void readersAndSubscribersLearnOfTheDeletion()
    {
        MemoryStore store(100);
        RoomRegistry rooms(store, 100);
        auto room = rooms.create("doomed", false);
        room->append(MessageKind::Message, "a", "first");
        auto told = std::make_shared<Told>();
        room->subscribe(told);
        Room::Lookup found = Room::Lookup::NotYet;
        std::thread reader(
            [&]
            {
                MessagePtr m;
                found = room->waitFor(1, Poco::Timespan(30, 0), m);
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CPPUNIT_ASSERT(rooms.remove(room->id()));
        reader.join(); // long before the 30 s
        CPPUNIT_ASSERT(found == Room::Lookup::Closed);
        CPPUNIT_ASSERT(room->isDeleted());
        CPPUNIT_ASSERT_EQUAL(1, told->closings.load());
        CPPUNIT_ASSERT_THROW(room->append(MessageKind::Message, "a", "late"),
                             Poco::IllegalStateException);
    }

    void sendersDuringTheDeletionAreRefused()
    {
        MemoryStore store(1000);
        RoomRegistry rooms(store, 1000);
        auto room = rooms.create("busy", false);
        std::atomic<int> stored{0}, refused{0};
        std::vector<std::thread> senders;
        // Each sender sends until it is refused (a fixed count could all be
        // sent before the deletion on a busy machine).
        for (int t = 0; t < 4; ++t)
            senders.emplace_back(
                [&]
                {
                    for (int i = 0; i < 10000000; ++i)
                    {
                        try
                        {
                            room->append(MessageKind::Message, "a", "x");
                            ++stored;
                        }
                        catch (const Poco::Exception&)
                        {
                            ++refused;
                            return;
                        }
                    }
                });
        while (stored.load() < 50)
            std::this_thread::yield();
        CPPUNIT_ASSERT(rooms.remove(room->id()));
        for (auto& s : senders)
            s.join();
        CPPUNIT_ASSERT_EQUAL(4, refused.load());
        CPPUNIT_ASSERT(stored.load() >= 50);
        CPPUNIT_ASSERT(store.read(room->id(), 0, 1000).empty());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), store.tail(room->id(), 0).next);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RoomRegistryTest);

} // namespace hchat::test
