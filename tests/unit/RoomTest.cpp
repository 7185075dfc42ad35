#include "chat/Room.h"
#include "chat/MessageWait.h"
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
    CPPUNIT_TEST(closeWakesWaitersAndRefusesAppends);
    CPPUNIT_TEST(registryListsOnlyPublicRooms);
    CPPUNIT_TEST(storeFailureAppendsNothing);
    CPPUNIT_TEST(failureDropsLaterPendingAppends);
    CPPUNIT_TEST(failuresWokenOutOfOrderLeaveNoGap);
    CPPUNIT_TEST(messagesAreSeenOnlyOnceStored);
    CPPUNIT_TEST(listedWaitIsOfferedItsMessageOnce);
    CPPUNIT_TEST(awaitRefusesWhatIsReadableOrClosed);
    CPPUNIT_TEST(forgottenWaitsAreNotOffered);
    CPPUNIT_TEST(declinedOfferRingsTheOwner);
    CPPUNIT_TEST(closeRingsEveryListedWait);
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
        std::future<MessagePtr>& send(const std::string& text)
        {
            Room* r = &room;
            running.push_back(std::async(std::launch::async, [r, text]
                                         { return r->append(MessageKind::Message, "a", text); }));
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
        auto listed = rooms.publicRooms();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), listed.size());
        CPPUNIT_ASSERT_EQUAL(open->id(), listed[0]->id());
        CPPUNIT_ASSERT(rooms.find(hidden->id()) == hidden);
        CPPUNIT_ASSERT(!rooms.find("ffffffffffffffffffffffffffffffff"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rooms.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), store.rooms().size());
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

    // A long poll's wait (MessageWait) whose deliver function records what
    // it was given and answers `accept`.
    struct RecordingWait
    {
        explicit RecordingWait(std::uint64_t n, bool accept = true)
            : wait(std::make_shared<MessageWait>(n,
                                                 [this, accept](const MessagePtr& m)
                                                 {
                                                     offered.push_back(m ? m->id() : 999);
                                                     return accept;
                                                 }))
        {
        }
        std::vector<std::uint64_t> offered;
        std::shared_ptr<MessageWait> wait;
    };

    void listedWaitIsOfferedItsMessageOnce()
    {
        Fixture f;
        f.room.append(MessageKind::Message, "a", "zero");
        RecordingWait one(1), two(2);
        CPPUNIT_ASSERT(f.room.await(one.wait));
        CPPUNIT_ASSERT(f.room.await(two.wait));
        f.room.append(MessageKind::Message, "a", "one");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), one.offered.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), one.offered[0]);
        CPPUNIT_ASSERT(two.offered.empty()); // message 2 does not exist yet
        f.room.append(MessageKind::Message, "a", "two");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), one.offered.size()); // settled: not offered again
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), two.offered.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), two.offered[0]);
        CPPUNIT_ASSERT(!one.wait->rung()); // delivered: the owner was not woken for it
        CPPUNIT_ASSERT(one.wait->finish());
        CPPUNIT_ASSERT(two.wait->finish());
        f.room.forget(one.wait);
        f.room.forget(two.wait);
    }

    void awaitRefusesWhatIsReadableOrClosed()
    {
        Fixture f;
        f.room.append(MessageKind::Message, "a", "zero");
        RecordingWait readable(0);
        CPPUNIT_ASSERT(!f.room.await(readable.wait));
        f.room.close();
        RecordingWait later(1);
        CPPUNIT_ASSERT(!f.room.await(later.wait));
        CPPUNIT_ASSERT(readable.offered.empty());
        CPPUNIT_ASSERT(later.offered.empty());
    }

    void forgottenWaitsAreNotOffered()
    {
        Fixture f;
        // Three listed; the middle one leaves, so the last one moves into
        // its place, and must still be found and offered.
        std::vector<std::unique_ptr<RecordingWait>> waits;
        for (int i = 0; i < 3; ++i)
        {
            waits.push_back(std::make_unique<RecordingWait>(0));
            CPPUNIT_ASSERT(f.room.await(waits.back()->wait));
        }
        f.room.forget(waits[1]->wait);
        CPPUNIT_ASSERT(waits[1]->wait->finish() == false);
        f.room.forget(waits[1]->wait); // twice is harmless
        f.room.append(MessageKind::Message, "a", "zero");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), waits[0]->offered.size());
        CPPUNIT_ASSERT(waits[1]->offered.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), waits[2]->offered.size());
        // After finish() no publisher writes, even before the owner forgets it.
        RecordingWait finished(1);
        CPPUNIT_ASSERT(f.room.await(finished.wait));
        CPPUNIT_ASSERT(!finished.wait->finish());
        f.room.append(MessageKind::Message, "a", "one");
        CPPUNIT_ASSERT(finished.offered.empty());
        for (auto& w : waits)
            f.room.forget(w->wait);
        f.room.forget(finished.wait);
    }

    void declinedOfferRingsTheOwner()
    {
        Fixture f;
        RecordingWait declining(0, false);
        CPPUNIT_ASSERT(f.room.await(declining.wait));
        std::atomic<int> woke{-2};
        std::thread owner(
            [&]
            {
                // A socket that never becomes readable, as a quiet client's.
                int fds[2];
                if (::pipe(fds) != 0)
                    return;
                woke = declining.wait->wait(fds[0], 5000);
                ::close(fds[0]);
                ::close(fds[1]);
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto started = std::chrono::steady_clock::now();
        f.room.append(MessageKind::Message, "a", "zero");
        owner.join();
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));
        CPPUNIT_ASSERT_EQUAL(-1, woke.load()); // interrupted by the bell, not the timeout
        CPPUNIT_ASSERT(declining.wait->rung());
        CPPUNIT_ASSERT(!declining.wait->finish()); // the owner answers
        f.room.forget(declining.wait);
    }

    void closeRingsEveryListedWait()
    {
        Fixture f;
        RecordingWait answered(0);
        CPPUNIT_ASSERT(f.room.await(answered.wait));
        f.room.append(MessageKind::Message, "a", "zero");
        RecordingWait next(1);
        CPPUNIT_ASSERT(f.room.await(next.wait));
        f.room.close();
        // The answered one too: its owner still sleeps, waiting for its client.
        CPPUNIT_ASSERT(answered.wait->rung());
        CPPUNIT_ASSERT(next.wait->rung());
        CPPUNIT_ASSERT(next.offered.empty());
        f.room.forget(answered.wait);
        f.room.forget(next.wait);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RoomTest);

} // namespace hchat::test
