#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "store/MemoryStore.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <unistd.h>
#include <vector>

namespace hchat::test
{

class RoomTest : public CppUnit::TestFixture
/// The room log: numbering, waiting, waking, timeouts, retention, shutdown.
{
    CPPUNIT_TEST_SUITE(RoomTest);
    CPPUNIT_TEST(numbersStartAtZeroAndIncrease);
    CPPUNIT_TEST(getDistinguishesFoundNotYetGone);
    CPPUNIT_TEST(waitTimesOutWithoutMessage);
    CPPUNIT_TEST(waitWakesOnAppend);
    CPPUNIT_TEST(manyWaitersAllWake);
    CPPUNIT_TEST(concurrentAppendsKeepNumbersContinuous);
    CPPUNIT_TEST(rangeSkipsDroppedAndReportsNext);
    CPPUNIT_TEST(memorySearchFindsEveryWordNewestFirst);
    CPPUNIT_TEST(closeWakesWaitersAndRefusesAppends);
    CPPUNIT_TEST(registryListsOnlyPublicRooms);
    CPPUNIT_TEST(registryPagesPublicRooms);
    CPPUNIT_TEST(storeFailureAppendsNothing);
    CPPUNIT_TEST(failureDropsLaterPendingAppends);
    CPPUNIT_TEST(failuresWokenOutOfOrderLeaveNoGap);
    CPPUNIT_TEST(messagesAreSeenOnlyOnceStored);
    CPPUNIT_TEST(aRequestKeyIsAppendedOnce);
    CPPUNIT_TEST(subscribersAreToldOfEveryPublish);
    CPPUNIT_TEST(unsubscribedAreNotTold);
    CPPUNIT_TEST(presenceAndCloseReachEverySubscriber);
    CPPUNIT_TEST_SUITE_END();

    static RoomRecord record(bool isPublic = true)
    {
        RoomRecord r;
        r.id = "0123456789abcdef0123456789abcdef";
        r.subject = "test";
        r.isPublic = isPublic;
        return r;
    }

    struct ManualStore : MemoryStore
    /// Holds every append until the test says how it ends, as a slow disk
    /// with group commit would; it checks order like a real store.
    {
        ManualStore() : MemoryStore(100) {}
        std::future<void> append(const std::string&, const MessagePtr& m) override
        {
            std::lock_guard<std::mutex> lock(mutex);
            held.emplace_back(m, std::promise<void>());
            changed.notify_all();
            return held.back().second.get_future();
        }
        void waitForHeld(std::size_t n)
        {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [&] { return held.size() >= n; });
        }
        void finish(std::size_t i, bool ok)
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (ok)
                held[i].second.set_value();
            else
                held[i].second.set_exception(
                    std::make_exception_ptr(Poco::IOException("disk full")));
            finished.insert(i);
        }
        void failUnfinished()
        {
            for (std::size_t i = 0; i < held.size(); ++i)
                if (!finished.count(i))
                    finish(i, false);
        }
        std::set<std::size_t> finished;
        std::mutex mutex;
        std::condition_variable changed;
        std::deque<std::pair<MessagePtr, std::promise<void>>> held;
    };

    struct Senders
    /// Appends from threads of their own; if a test fails midway, the held
    /// appends are failed so that no thread is left waiting.
    {
        ManualStore& store;
        Room& room;
        std::deque<std::future<MessagePtr>> running;
        std::future<MessagePtr>& send(const std::string& text, const std::string& request = "")
        {
            Room* r = &room;
            MessageDetails details;
            details.sender = "s-1";
            details.request = request;
            running.push_back(std::async(
                std::launch::async, [r, text, details]
                { return r->append(MessageKind::Message, "a", text, Crowd(), details); }));
            return running.back();
        }
        ~Senders()
        {
            store.failUnfinished();
            for (auto& f : running)
                if (f.valid())
                    f.wait();
        }
    };

    struct Fixture
    {
        explicit Fixture(std::size_t window = 100) : store(window), room(make(window)) {}
        Room make(std::size_t window)
        {
            store.createRoom(record());
            return Room(record(), store, window);
        }
        MemoryStore store;
        Room room;
    };

public:
    void numbersStartAtZeroAndIncrease()
    {
        Fixture f;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), f.room.next());
        for (std::uint64_t i = 0; i < 5; ++i)
        {
            MessagePtr m = f.room.append(MessageKind::Message, "a", "text " + std::to_string(i));
            CPPUNIT_ASSERT_EQUAL(i, m->id());
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), f.room.next());
    }

    void getDistinguishesFoundNotYetGone()
    {
        Fixture f(3); // memory store keeps 3 per room
        for (int i = 0; i < 5; ++i)
            f.room.append(MessageKind::Message, "a", std::to_string(i));
        MessagePtr m;
        CPPUNIT_ASSERT(f.room.get(4, m) == Room::Lookup::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("4"), m->text());
        CPPUNIT_ASSERT(f.room.get(2, m) == Room::Lookup::Found);
        CPPUNIT_ASSERT(f.room.get(5, m) == Room::Lookup::NotYet);
        CPPUNIT_ASSERT(f.room.get(1, m) == Room::Lookup::Gone);
        CPPUNIT_ASSERT(f.room.get(0, m) == Room::Lookup::Gone);
    }

    void waitTimesOutWithoutMessage()
    {
        Fixture f;
        MessagePtr m;
        auto start = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT(f.room.waitFor(0, Poco::Timespan(0, 200000), m) == Room::Lookup::NotYet);
        auto waited = std::chrono::steady_clock::now() - start;
        CPPUNIT_ASSERT(waited >= std::chrono::milliseconds(190));
        CPPUNIT_ASSERT(!m);
    }

    void waitWakesOnAppend()
    {
        Fixture f;
        std::atomic<bool> appended{false};
        std::thread writer(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                appended = true;
                f.room.append(MessageKind::Message, "a", "wake up");
            });
        MessagePtr m;
        Room::Lookup result = f.room.waitFor(0, Poco::Timespan(10, 0), m);
        writer.join();
        CPPUNIT_ASSERT(result == Room::Lookup::Found);
        CPPUNIT_ASSERT(appended); // it did wait for the append
        CPPUNIT_ASSERT_EQUAL(std::string("wake up"), m->text());
    }

    void manyWaitersAllWake()
    {
        Fixture f;
        std::atomic<int> found{0};
        std::vector<std::thread> readers;
        for (int i = 0; i < 50; ++i)
            readers.emplace_back(
                [&]
                {
                    MessagePtr m;
                    if (f.room.waitFor(0, Poco::Timespan(10, 0), m) == Room::Lookup::Found &&
                        m->text() == "all")
                        ++found;
                });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        f.room.append(MessageKind::Message, "a", "all");
        for (auto& t : readers)
            t.join();
        CPPUNIT_ASSERT_EQUAL(50, found.load());
    }

    void concurrentAppendsKeepNumbersContinuous()
    {
        Fixture f(100000);
        const int threads = 8, each = 500;
        std::vector<std::thread> writers;
        for (int t = 0; t < threads; ++t)
            writers.emplace_back(
                [&, t]
                {
                    for (int i = 0; i < each; ++i)
                        f.room.append(MessageKind::Message, "w" + std::to_string(t),
                                      std::to_string(t) + ":" + std::to_string(i));
                });
        for (auto& w : writers)
            w.join();
        std::uint64_t next = 0;
        auto all = f.room.range(0, 100000, next);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(threads * each), next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(threads * each), all.size());
        std::set<std::string> texts;
        std::vector<int> lastPerWriter(threads, -1);
        for (std::size_t i = 0; i < all.size(); ++i)
        {
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), all[i]->id());
            CPPUNIT_ASSERT(texts.insert(all[i]->text()).second);
            // Each writer's own messages keep its order.
            int t = std::stoi(all[i]->text());
            int n = std::stoi(all[i]->text().substr(all[i]->text().find(':') + 1));
            CPPUNIT_ASSERT(n > lastPerWriter[static_cast<std::size_t>(t)]);
            lastPerWriter[static_cast<std::size_t>(t)] = n;
        }
    }

    void rangeSkipsDroppedAndReportsNext()
    {
        Fixture f(4);
        for (int i = 0; i < 10; ++i)
            f.room.append(MessageKind::Message, "a", std::to_string(i));
        std::uint64_t next = 0;
        auto page = f.room.range(0, 100, next);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), page.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), page.front()->id());
        page = f.room.range(7, 2, next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), page.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8), page.back()->id());
        CPPUNIT_ASSERT(f.room.range(10, 5, next).empty());
        CPPUNIT_ASSERT(f.room.range(500, 5, next).empty());
    }

    void memorySearchFindsEveryWordNewestFirst()
    {
        Fixture f;
        f.room.append(MessageKind::Message, "a", "Hello World");
        f.room.append(MessageKind::Join, "b", "hello joined"); // a notice: never found
        f.room.append(MessageKind::Message, "a", "hello there, world");
        f.room.append(MessageKind::Message, "a", "goodbye");
        auto found = f.room.search("WORLD hel", 10, Store::everyMessage).found;
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), found.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), found[0].message->id());
        CPPUNIT_ASSERT_EQUAL(std::string("\x02hel\x03lo there, \x02world\x03"), found[0].snippet);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             f.room.search("hello", 1, Store::everyMessage).found.size());
        CPPUNIT_ASSERT(f.room.search("  ", 10, Store::everyMessage).found.empty());
        CPPUNIT_ASSERT(f.room.search("joined", 10, Store::everyMessage).found.empty());
        const Store::Findings older = f.room.search("hello", 10, 2);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), older.found.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), older.found[0].message->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), older.searchedFrom);
    }

    void closeWakesWaitersAndRefusesAppends()
    {
        Fixture f;
        Room::Lookup result = Room::Lookup::Found;
        std::thread reader(
            [&]
            {
                MessagePtr m;
                result = f.room.waitFor(0, Poco::Timespan(30, 0), m);
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto start = std::chrono::steady_clock::now();
        f.room.close();
        reader.join();
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
        CPPUNIT_ASSERT(result == Room::Lookup::Closed);
        CPPUNIT_ASSERT_THROW(f.room.append(MessageKind::Message, "a", "late"),
                             Poco::IllegalStateException);
    }

    void registryListsOnlyPublicRooms()
    {
        MemoryStore store(10);
        RoomRegistry rooms(store, 10);
        auto open = rooms.create("open", true);
        auto hidden = rooms.create("hidden", false);
        auto listed = rooms.mostActive(10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), listed.rooms.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), listed.total);
        CPPUNIT_ASSERT_EQUAL(open->id(), listed.rooms[0]->id());
        CPPUNIT_ASSERT_EQUAL(open->id(), rooms.publicAfter("", 10).rooms.at(0)->id());
        CPPUNIT_ASSERT(rooms.find(hidden->id()) == hidden);
        CPPUNIT_ASSERT(!rooms.find("ffffffffffffffffffffffffffffffff"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rooms.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), store.rooms().size());
    }

    void registryPagesPublicRooms()
    {
        MemoryStore store(10);
        RoomRegistry rooms(store, 10);
        std::vector<std::string> ids;
        for (int i = 0; i < 25; ++i)
        {
            ids.push_back(rooms.create("r" + std::to_string(i), true)->id());
            rooms.create("hidden", false);
        }
        std::sort(ids.begin(), ids.end());
        std::vector<std::string> seen;
        std::string after;
        for (;;)
        {
            RoomRegistry::Listing page = rooms.publicAfter(after, 10);
            for (const auto& room : page.rooms)
                seen.push_back(room->id());
            if (!page.more)
                break;
            after = page.rooms.back()->id();
        }
        CPPUNIT_ASSERT(ids == seen);
        // The most active first: a message makes a room the first.
        auto busy = rooms.find(ids[7]);
        busy->append(MessageKind::Message, "a", "hi");
        RoomRegistry::Listing active = rooms.mostActive(3);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), active.rooms.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(25), active.total);
        CPPUNIT_ASSERT_EQUAL(ids[7], active.rooms[0]->id());
    }

    void storeFailureAppendsNothing()
    {
        // A store that refuses every append, as a full disk would.
        struct FailingStore : MemoryStore
        {
            FailingStore() : MemoryStore(10) {}
            void appendNow(const std::string&, const MessagePtr&) override
            {
                throw Poco::IOException("disk full");
            }
        } store;
        store.createRoom(record());
        Room room(record(), store, 10);
        CPPUNIT_ASSERT_THROW(room.append(MessageKind::Message, "a", "lost?"), Poco::IOException);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), room.next());
        MessagePtr m;
        CPPUNIT_ASSERT(room.get(0, m) == Room::Lookup::NotYet);
    }

    void failureDropsLaterPendingAppends()
    {
        // 0 and 1 are in flight; 0 fails, so 1 (which the store would refuse
        // as a gap) fails too, and the next message gets number 0 again.
        ManualStore store;
        store.createRoom(record());
        Room room(record(), store, 10);
        Senders senders{store, room, {}};
        auto& first = senders.send("0");
        store.waitForHeld(1);
        auto& second = senders.send("1");
        store.waitForHeld(2);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), store.held[1].first->id());
        store.finish(0, false);
        CPPUNIT_ASSERT_THROW(first.get(), Poco::IOException);
        auto& third = senders.send("again");
        store.waitForHeld(3);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), store.held[2].first->id());
        store.finish(1, false); // the stale 1 fails late: it must not disturb the new 0
        CPPUNIT_ASSERT_THROW(second.get(), Poco::IOException);
        store.finish(2, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), third.get()->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), room.next());
        MessagePtr m;
        CPPUNIT_ASSERT(room.get(0, m) == Room::Lookup::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("again"), m->text());
    }

    void failuresWokenOutOfOrderLeaveNoGap()
    {
        // 0 and 1 fail in one batch, but 1's sender wakes first and 2 gets
        // number 1 before 0's sender wakes. Numbering must go back to 0.
        ManualStore store;
        store.createRoom(record());
        Room room(record(), store, 10);
        Senders senders{store, room, {}};
        auto& zero = senders.send("0");
        store.waitForHeld(1);
        auto& one = senders.send("1");
        store.waitForHeld(2);
        store.finish(1, false);
        CPPUNIT_ASSERT_THROW(one.get(), Poco::IOException);
        auto& late = senders.send("late");
        store.waitForHeld(3);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), store.held[2].first->id());
        store.finish(0, false);
        CPPUNIT_ASSERT_THROW(zero.get(), Poco::IOException);
        store.finish(2, false); // the store refuses 1 without 0
        CPPUNIT_ASSERT_THROW(late.get(), Poco::IOException);
        auto& fresh = senders.send("fresh");
        store.waitForHeld(4);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), store.held[3].first->id());
        store.finish(3, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), fresh.get()->id());
    }

    void messagesAreSeenOnlyOnceStored()
    {
        ManualStore store;
        store.createRoom(record());
        Room room(record(), store, 10);
        Senders senders{store, room, {}};
        auto& first = senders.send("0");
        store.waitForHeld(1);
        auto& second = senders.send("1");
        store.waitForHeld(2);
        MessagePtr m;
        CPPUNIT_ASSERT(room.get(0, m) == Room::Lookup::NotYet);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), room.next());
        // The later message's commit covers the earlier one (group commit):
        // both become visible, in order, whoever wakes first.
        store.finish(1, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), second.get()->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), room.next());
        CPPUNIT_ASSERT(room.get(0, m) == Room::Lookup::Found);
        store.finish(0, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), first.get()->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), room.next());
        std::uint64_t next = 0;
        auto all = room.range(0, 10, next);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("1"), all[1]->text());
    }

    void aRequestKeyIsAppendedOnce()
    {
        ManualStore store;
        store.createRoom(record());
        Room room(record(), store, 3);
        Senders senders{store, room, {}};
        auto& first = senders.send("hello", "k-1");
        store.waitForHeld(1);
        // Being stored: the same key again is refused, and not found yet.
        MessageDetails same;
        same.sender = "s-1";
        same.request = "k-1";
        CPPUNIT_ASSERT_THROW(room.append(MessageKind::Message, "a", "hello", Crowd(), same),
                             Poco::ExistsException);
        CPPUNIT_ASSERT(!room.sentWith("s-1", "k-1"));
        // A store that fails it frees the key: sent again, it is appended.
        store.finish(0, false);
        CPPUNIT_ASSERT_THROW(first.get(), Poco::IOException);
        auto& again = senders.send("hello", "k-1");
        store.waitForHeld(2);
        store.finish(1, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), again.get()->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), room.sentWith("s-1", "k-1")->id());
        CPPUNIT_ASSERT_THROW(room.append(MessageKind::Message, "a", "hello", Crowd(), same),
                             Poco::ExistsException);
        // Another sender's key is theirs; no key is no check.
        CPPUNIT_ASSERT(!room.sentWith("s-2", "k-1"));
        auto& other = senders.send("hello");
        store.waitForHeld(3);
        store.finish(2, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), other.get()->id());
        // Out of the window (3 messages), a key is forgotten.
        for (std::size_t i = 3; i < 5; ++i)
        {
            auto& more = senders.send("more");
            store.waitForHeld(i + 1);
            store.finish(i, true);
            more.get();
        }
        CPPUNIT_ASSERT(!room.sentWith("s-1", "k-1"));
    }

    // A subscriber that writes down what the room told it.
    struct Recorder : Subscriber
    {
        std::vector<std::uint64_t> told; ///< the latest message of each publish
        int presence = 0;
        int closes = 0;
        void published(Room&, const MessagePtr& latest) noexcept override
        {
            told.push_back(latest->id());
        }
        void presenceChanged(Room&) noexcept override { ++presence; }
        void closed(Room&) noexcept override { ++closes; }
    };

    void subscribersAreToldOfEveryPublish()
    {
        Fixture f;
        f.room.append(MessageKind::Message, "a", "before");
        auto one = std::make_shared<Recorder>(), two = std::make_shared<Recorder>();
        f.room.subscribe(one);
        f.room.subscribe(two);
        for (int i = 0; i < 3; ++i)
            f.room.append(MessageKind::Message, "a", std::to_string(i));
        const std::vector<std::uint64_t> expected{1, 2, 3};
        CPPUNIT_ASSERT(one->told == expected);
        CPPUNIT_ASSERT(two->told == expected);
        // When a subscriber is told, the message is readable.
        MessagePtr m;
        CPPUNIT_ASSERT(f.room.get(3, m) == Room::Lookup::Found);
        f.room.unsubscribe(one);
        f.room.unsubscribe(two);
    }

    void unsubscribedAreNotTold()
    {
        Fixture f;
        std::vector<std::shared_ptr<Recorder>> all;
        for (int i = 0; i < 3; ++i)
        {
            all.push_back(std::make_shared<Recorder>());
            f.room.subscribe(all.back());
        }
        f.room.unsubscribe(all[1]); // the last one takes its place, and is still told
        f.room.unsubscribe(all[1]); // twice is harmless
        f.room.append(MessageKind::Message, "a", "zero");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), all[0]->told.size());
        CPPUNIT_ASSERT(all[1]->told.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), all[2]->told.size());
        f.room.unsubscribe(all[0]);
        f.room.unsubscribe(all[2]);
    }

    void presenceAndCloseReachEverySubscriber()
    {
        Fixture f;
        auto one = std::make_shared<Recorder>(), two = std::make_shared<Recorder>();
        f.room.subscribe(one);
        f.room.subscribe(two);
        const std::uint64_t version = f.room.presenceVersion();
        f.room.presenceChanged();
        CPPUNIT_ASSERT(f.room.presenceVersion() > version);
        f.room.close();
        for (const auto& r : {one, two})
        {
            CPPUNIT_ASSERT_EQUAL(1, r->presence);
            CPPUNIT_ASSERT_EQUAL(1, r->closes);
            CPPUNIT_ASSERT(r->told.empty());
        }
        f.room.unsubscribe(one);
        f.room.unsubscribe(two);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RoomTest);

} // namespace hchat::test
