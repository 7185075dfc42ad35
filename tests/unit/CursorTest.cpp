#include "chat/Cursor.h"
#include "chat/Room.h"
#include "store/MemoryStore.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class CursorTest : public CppUnit::TestFixture
/// A reader's position in the room log: slices, catching up, retention gaps.
{
    CPPUNIT_TEST_SUITE(CursorTest);
    CPPUNIT_TEST(takesSlicesInOrderAndStopsWhenUpToDate);
    CPPUNIT_TEST(reportsMessagesDeletedBeforeTheyWereRead);
    CPPUNIT_TEST(tellsALostHistoryOnce);
    CPPUNIT_TEST_SUITE_END();

    static std::shared_ptr<Room> room(MemoryStore& store, std::size_t window)
    {
        RoomRecord r;
        r.id = "0123456789abcdef0123456789abcdef";
        store.createRoom(r);
        return std::make_shared<Room>(r, store, window);
    }

public:
    void takesSlicesInOrderAndStopsWhenUpToDate()
    {
        MemoryStore store(100);
        auto r = room(store, 100);
        for (int i = 0; i < 5; ++i)
            r->append(MessageKind::Message, "a", std::to_string(i));
        Cursor cursor(r, 1);
        Cursor::Slice first = cursor.take(3);
        CPPUNIT_ASSERT(!first.skipped);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), first.messages.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), first.messages[0]->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), cursor.position());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), cursor.take(3).messages.size());
        CPPUNIT_ASSERT(cursor.take(3).messages.empty());
        r->append(MessageKind::Message, "a", "later");
        Cursor::Slice later = cursor.take(3);
        CPPUNIT_ASSERT_EQUAL(std::string("later"), later.messages.at(0)->text());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), cursor.position());
    }

    void reportsMessagesDeletedBeforeTheyWereRead()
    {
        MemoryStore store(3); // keeps 3 messages per room
        auto r = room(store, 3);
        for (int i = 0; i < 6; ++i)
            r->append(MessageKind::Message, "a", std::to_string(i));
        Cursor cursor(r, 0);
        Cursor::Slice slice = cursor.take(10);
        CPPUNIT_ASSERT(slice.skipped);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), slice.skippedFrom);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), slice.resumedAt);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), slice.messages.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), slice.messages[0]->id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), cursor.position());
        CPPUNIT_ASSERT(!cursor.take(10).skipped);
    }

    void tellsALostHistoryOnce()
    {
        MemoryStore store(100);
        auto r = room(store, 100);
        for (int i = 0; i < 3; ++i)
            r->append(MessageKind::Message, "a", std::to_string(i));
        Cursor cursor(r, 3);
        CPPUNIT_ASSERT(!cursor.take(10).reset);
        r->historyLost(5); // the store lost it; numbering goes on from 5
        Cursor::Slice slice = cursor.take(10);
        CPPUNIT_ASSERT(slice.reset);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), slice.skippedFrom);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), slice.resumedAt);
        CPPUNIT_ASSERT(slice.messages.empty());
        CPPUNIT_ASSERT(!cursor.take(10).reset);
        // A reader that comes later was never told of it.
        CPPUNIT_ASSERT(!Cursor(r, 0).take(10).reset);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CursorTest);

} // namespace hchat::test
