#include "store/SearchBacklog.h"

#include <Poco/Exception.h>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include <map>

namespace hchat::test
{

class SearchBacklogTest : public CppUnit::TestFixture
/// SearchBacklog: when indexing is due, which rooms a step takes within its
/// budgets, and what a failed step leaves.
{
    CPPUNIT_TEST_SUITE(SearchBacklogTest);
    CPPUNIT_TEST(dueByCountOrByDelay);
    CPPUNIT_TEST(roomsAStopLeftAreDueAtOnce);
    CPPUNIT_TEST(aStepTakesRoomsInOrderWithinItsBudgets);
    CPPUNIT_TEST(aBusyRoomIsIndexedASliceAtATime);
    CPPUNIT_TEST(aFailedStepWaitsTheDelay);
    CPPUNIT_TEST_SUITE_END();

    using Clock = SearchBacklog::Clock;
    using Room = SearchBacklog::Room;
    using Pairs = std::vector<std::pair<Room, Poco::Int64>>;

    struct Rooms
    /// Rooms' next numbers and how far each is indexed, and the calls of
    /// index() made on them.
    {
        std::map<Room, std::pair<Poco::Int64, Poco::Int64>> state; ///< room -> (next, indexed)
        std::vector<Pairs> calls;
        SearchBacklog::Look look()
        {
            return [this](Room room) { return state.at(room); };
        }
        SearchBacklog::Index index()
        {
            return [this](const Pairs& rooms, std::size_t budget)
            {
                calls.push_back(rooms);
                std::size_t done = 0;
                for (const auto& [room, next] : rooms)
                {
                    Poco::Int64& indexed = state.at(room).second;
                    const Poco::Int64 to =
                        std::min(next, indexed + static_cast<Poco::Int64>(budget - done));
                    done += static_cast<std::size_t>(to - indexed);
                    indexed = to;
                }
                return done;
            };
        }
    };

public:
    void dueByCountOrByDelay()
    {
        SearchBacklog backlog;
        const Clock::time_point t0 = Clock::now();
        CPPUNIT_ASSERT(!backlog.due(t0 + std::chrono::hours(1)));
        CPPUNIT_ASSERT(backlog.dueAt() == Clock::time_point::max());
        backlog.stored({1}, 10, t0);
        CPPUNIT_ASSERT(!backlog.due(t0));
        CPPUNIT_ASSERT(backlog.dueAt() == t0 + SearchBacklog::delay);
        CPPUNIT_ASSERT(backlog.due(t0 + SearchBacklog::delay));
        // Later messages keep the oldest's time.
        backlog.stored({2}, 10, t0 + std::chrono::milliseconds(500));
        CPPUNIT_ASSERT(backlog.dueAt() == t0 + SearchBacklog::delay);
        backlog.stored({3}, SearchBacklog::chunk - 20, t0);
        CPPUNIT_ASSERT(backlog.due(t0));
    }

    void roomsAStopLeftAreDueAtOnce()
    {
        SearchBacklog backlog;
        backlog.left({}, Clock::now());
        CPPUNIT_ASSERT(!backlog.due(Clock::now()));
        backlog.left({4, 5}, Clock::now());
        CPPUNIT_ASSERT(backlog.due(Clock::now()));
    }

    void aStepTakesRoomsInOrderWithinItsBudgets()
    {
        Rooms rooms;
        SearchBacklog backlog;
        std::vector<Room> keys;
        for (Room room = 100; room > 0; --room)
        {
            rooms.state[room] = {10, 0};
            keys.push_back(room);
        }
        rooms.state[7] = {10, 10}; // caught up already: not given to index()
        backlog.stored(keys, 990, Clock::now());
        backlog.step(1024, 64, rooms.look(), rooms.index());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rooms.calls.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), rooms.calls[0].size());
        CPPUNIT_ASSERT_EQUAL(Room(1), rooms.calls[0].front().first);
        CPPUNIT_ASSERT_EQUAL(Room(65), rooms.calls[0].back().first); // 7 skipped
        CPPUNIT_ASSERT(backlog.due(Clock::now())); // rooms left: the next step at once
        backlog.step(1024, 64, rooms.look(), rooms.index());
        CPPUNIT_ASSERT_EQUAL(std::size_t(35), rooms.calls[1].size());
        CPPUNIT_ASSERT(!backlog.due(Clock::now()));
        CPPUNIT_ASSERT(backlog.dueAt() == Clock::time_point::max());
        for (const auto& [room, state] : rooms.state)
            CPPUNIT_ASSERT_EQUAL(state.first, state.second);
    }

    void aBusyRoomIsIndexedASliceAtATime()
    {
        Rooms rooms;
        rooms.state[1] = {2500, 0};
        SearchBacklog backlog;
        backlog.stored({1}, 2500, Clock::now());
        backlog.step(1024, 64, rooms.look(), rooms.index());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1024), rooms.state[1].second);
        CPPUNIT_ASSERT(backlog.due(Clock::now())); // the budget cut it short
        backlog.step(1024, 64, rooms.look(), rooms.index());
        backlog.step(1024, 64, rooms.look(), rooms.index());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2500), rooms.state[1].second);
        CPPUNIT_ASSERT(!backlog.due(Clock::now()));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), rooms.calls.size());
    }

    void aFailedStepWaitsTheDelay()
    {
        Rooms rooms;
        rooms.state[1] = {5, 0};
        SearchBacklog backlog;
        backlog.stored({1}, SearchBacklog::chunk, Clock::now());
        CPPUNIT_ASSERT(backlog.due(Clock::now()));
        auto failing = [](const Pairs&, std::size_t) -> std::size_t
        { throw Poco::IOException("disk full"); };
        CPPUNIT_ASSERT_THROW(backlog.step(1024, 64, rooms.look(), failing), Poco::IOException);
        // A chunk still waits, but the next try comes after the delay, not
        // after every commit (each failure is logged).
        const Clock::time_point failed = Clock::now();
        CPPUNIT_ASSERT(!backlog.due(failed));
        CPPUNIT_ASSERT(backlog.dueAt() >= failed);
        CPPUNIT_ASSERT(backlog.due(failed + SearchBacklog::delay + std::chrono::milliseconds(1)));
        backlog.step(1024, 64, rooms.look(), rooms.index());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), rooms.state[1].second);
        CPPUNIT_ASSERT(!backlog.due(Clock::now()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SearchBacklogTest);

} // namespace hchat::test
