#include "chat/Announcer.h"
#include "chat/Attendance.h"
#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/People.h"
#include "chat/PresenceSweeper.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "store/MemoryStore.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class PresenceEntriesTest : public CppUnit::TestFixture
/// The pieces between People and the room logs: the Announcer's entries,
/// an Attendance from arrival to departure (subscription, join, leave after
/// the sweep), and the bounded Mailbox of private messages.
{
    CPPUNIT_TEST_SUITE(PresenceEntriesTest);
    CPPUNIT_TEST(announcerWritesNoticesOrNothing);
    CPPUNIT_TEST(aCrowdArrivingIsOneEntry);
    CPPUNIT_TEST(waitingNoticesGoBeforeAMessage);
    CPPUNIT_TEST(attendanceSubscribesJoinsAndLeaves);
    CPPUNIT_TEST(secondConnectionIsNoSecondJoin);
    CPPUNIT_TEST(mailboxRingsAndIsBounded);
    CPPUNIT_TEST_SUITE_END();

    struct Counter : Subscriber
    {
        int told = 0;
        void published(Room&, const MessagePtr&) noexcept override { ++told; }
        void presenceChanged(Room&) noexcept override {}
        void closed(Room&) noexcept override {}
    };

    struct Fixture
    {
        MemoryStore store{1000};
        RoomRegistry rooms{store, 1000};
        People people{Poco::Timespan(0, 0), Poco::Timespan(0, 0)};
        Announcer announcer{rooms, true};
        std::shared_ptr<Room> room = rooms.create("test", true);

        std::vector<std::string> log()
        {
            std::uint64_t next = 0;
            std::vector<std::string> out;
            for (const auto& m : room->range(0, 100, next))
                out.push_back(std::string(Message::kindName(m->kind())) + ":" + m->author() + ":" +
                              m->text());
            return out;
        }
    };

    static const std::string key;

public:
    void announcerWritesNoticesOrNothing()
    {
        Fixture f;
        f.announcer.joined(f.room->id(), "ann");
        People::Outcome renamed;
        renamed.name = "anne";
        renamed.previous = "ann";
        renamed.renamedIn = {f.room->id(), "ffffffffffffffffffffffffffffffff"}; // one unknown
        f.announcer.renamed(renamed);
        f.announcer.left(f.room->id(), "anne");
        // One notice a second goes out at once; the rest wait for the sweep,
        // and one person alone reads as before.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), f.log().size());
        f.announcer.flush();
        const std::vector<std::string> expected{
            "join:ann:ann joined", "nick:anne:ann is now known as anne", "leave:anne:anne left"};
        CPPUNIT_ASSERT(f.log() == expected);
        Announcer quiet(f.rooms, false);
        quiet.joined(f.room->id(), "bea");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), f.room->next());
    }

    void aCrowdArrivingIsOneEntry()
    {
        Fixture f;
        for (int i = 0; i < 1000; ++i)
            f.announcer.joined(f.room->id(), "p" + std::to_string(i));
        f.announcer.left(f.room->id(), "p0");
        f.announcer.left(f.room->id(), "p1");
        f.announcer.flush();
        const std::vector<std::string> expected{"join:p0:p0 joined",
                                                "join:p1:p1, p2, p3 and 996 others joined",
                                                "leave:p0:p0 and p1 left"};
        CPPUNIT_ASSERT(f.log() == expected);
        MessagePtr crowd;
        CPPUNIT_ASSERT(f.room->get(1, crowd) == Room::Lookup::Found);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(999), crowd->crowd().count);
        CPPUNIT_ASSERT_EQUAL(Crowd::maxNames, crowd->crowd().names.size());
        CPPUNIT_ASSERT(crowd->json().find(",\"names\":[\"p1\",\"p2\",") != std::string::npos);
        CPPUNIT_ASSERT(crowd->json().find(",\"count\":999}") != std::string::npos);
        MessagePtr alone;
        CPPUNIT_ASSERT(f.room->get(0, alone) == Room::Lookup::Found);
        CPPUNIT_ASSERT(alone->json().find("names") == std::string::npos);
        // A new interval: the next notice goes out at once again.
        f.announcer.joined(f.room->id(), "late");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), f.log().size());
    }

    void waitingNoticesGoBeforeAMessage()
    {
        Fixture f;
        f.announcer.joined(f.room->id(), "ann");
        f.announcer.joined(f.room->id(), "bob");
        f.announcer.flushRoom(f.room->id()); // as ChatActions::send does
        f.room->append(MessageKind::Message, "bob", "hi");
        f.announcer.flush(); // nothing left to write
        const std::vector<std::string> expected{"join:ann:ann joined", "join:bob:bob joined",
                                                "message:bob:hi"};
        CPPUNIT_ASSERT(f.log() == expected);
    }

    void attendanceSubscribesJoinsAndLeaves()
    {
        Fixture f;
        auto counter = std::make_shared<Counter>();
        {
            Attendance stay(f.people, f.announcer, f.room, key, "ann", "guest", counter, nullptr);
            CPPUNIT_ASSERT_EQUAL(std::string("ann"), stay.arrival().name);
            CPPUNIT_ASSERT(stay.arrival().arrived);
            CPPUNIT_ASSERT_EQUAL(1, counter->told); // its own join reached it
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), f.people.countOnline(f.room->id()));
        }
        f.room->append(MessageKind::Message, "x", "after"); // unsubscribed: not told
        CPPUNIT_ASSERT_EQUAL(1, counter->told);
        PresenceSweeper sweeper(f.people, f.announcer, f.rooms);
        sweeper.sweepOnce(); // no grace here: the leave is written at once
        const std::vector<std::string> expected{"join:ann:ann joined", "message:x:after",
                                                "leave:ann:ann left"};
        CPPUNIT_ASSERT(f.log() == expected);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.people.countOnline(f.room->id()));
    }

    void secondConnectionIsNoSecondJoin()
    {
        Fixture f;
        auto one = std::make_shared<Counter>(), two = std::make_shared<Counter>();
        Attendance first(f.people, f.announcer, f.room, key, "", "guest-012345", one, nullptr);
        {
            Attendance second(f.people, f.announcer, f.room, key, "", "guest-012345", two, nullptr);
            CPPUNIT_ASSERT(!second.arrival().arrived);
            second.leaveNow(); // this connection said it leaves; the first stays
        }
        PresenceSweeper(f.people, f.announcer, f.rooms).sweepOnce();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.room->next()); // one join, no leave
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), f.people.countOnline(f.room->id()));
    }

    void mailboxRingsAndIsBounded()
    {
        auto bell = std::make_shared<Doorbell>();
        Mailbox box(bell);
        auto letter = std::make_shared<const Mailbox::Letter>("ann", "bob", "hi \"bob\"");
        CPPUNIT_ASSERT(letter->json.find("{\"type\":\"private\",\"from\":\"ann\",\"to\":\"bob\"") ==
                       0);
        CPPUNIT_ASSERT(letter->json.find("\"text\":\"hi \\\"bob\\\"\"}") != std::string::npos);
        CPPUNIT_ASSERT(box.post(letter));
        CPPUNIT_ASSERT(bell->rung());
        for (std::size_t i = 1; i < Mailbox::capacity; ++i)
            CPPUNIT_ASSERT(box.post(letter));
        CPPUNIT_ASSERT(!box.post(letter)); // full: dropped, the daemon does not grow
        CPPUNIT_ASSERT_EQUAL(Mailbox::capacity, box.takeAll().size());
        CPPUNIT_ASSERT(box.takeAll().empty());
        CPPUNIT_ASSERT(box.post(letter));
    }
};

const std::string PresenceEntriesTest::key = "0123456789abcdef0123456789abcdef";

CPPUNIT_TEST_SUITE_REGISTRATION(PresenceEntriesTest);

} // namespace hchat::test
