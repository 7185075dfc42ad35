#include "chat/SubscriberList.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

namespace hchat::test
{

class SubscriberListTest : public CppUnit::TestFixture
/// The copy-on-write list of a room's subscribers: a snapshot stays what it
/// was while the list changes, removal finds any subscriber wherever the
/// others moved, and a subscriber can move from one list to another.
{
    CPPUNIT_TEST_SUITE(SubscriberListTest);
    CPPUNIT_TEST(snapshotIsUnchangedByLaterChanges);
    CPPUNIT_TEST(removeFindsEachWhereverItMoved);
    CPPUNIT_TEST(movesBetweenLists);
    CPPUNIT_TEST(noCopyWhileNobodyHoldsASnapshot);
    CPPUNIT_TEST_SUITE_END();

    struct Quiet : Subscriber
    {
        void published(Room&, const MessagePtr&) noexcept override {}
        void presenceChanged(Room&) noexcept override {}
        void closed(Room&) noexcept override {}
    };

    static std::vector<std::shared_ptr<Subscriber>> make(int n)
    {
        std::vector<std::shared_ptr<Subscriber>> out;
        for (int i = 0; i < n; ++i)
            out.push_back(std::make_shared<Quiet>());
        return out;
    }

    static bool holds(const SubscriberList::Snapshot& snapshot,
                      const std::shared_ptr<Subscriber>& s)
    {
        return std::find(snapshot->begin(), snapshot->end(), s) != snapshot->end();
    }

public:
    void snapshotIsUnchangedByLaterChanges()
    {
        SubscriberList list;
        auto all = make(3);
        list.add(all[0]);
        list.add(all[1]);
        SubscriberList::Snapshot before = list.snapshot();
        list.add(all[2]);
        list.remove(all[0]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), before->size());
        CPPUNIT_ASSERT(holds(before, all[0]) && holds(before, all[1]) && !holds(before, all[2]));
        SubscriberList::Snapshot after = list.snapshot();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), after->size());
        CPPUNIT_ASSERT(!holds(after, all[0]) && holds(after, all[1]) && holds(after, all[2]));
    }

    void removeFindsEachWhereverItMoved()
    {
        SubscriberList list;
        auto all = make(10);
        for (auto& s : all)
            list.add(s);
        // Out of order, with snapshots taken in between (copies keep slots).
        for (int i : {3, 0, 9, 5})
        {
            auto held = list.snapshot();
            list.remove(all[static_cast<std::size_t>(i)]);
            list.remove(all[static_cast<std::size_t>(i)]); // twice is harmless
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), list.size());
        for (int i = 0; i < 10; ++i)
            CPPUNIT_ASSERT_EQUAL(i != 3 && i != 0 && i != 9 && i != 5,
                                 holds(list.snapshot(), all[static_cast<std::size_t>(i)]));
        for (auto& s : all)
            list.remove(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), list.size());
    }

    void movesBetweenLists()
    {
        SubscriberList a, b;
        auto all = make(3);
        for (auto& s : all)
            a.add(s);
        a.remove(all[0]);
        b.add(all[0]);
        b.remove(all[1]); // never in b: its slot in a must not match in b
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.size());
        a.remove(all[1]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.size());
        CPPUNIT_ASSERT(holds(a.snapshot(), all[2]) && holds(b.snapshot(), all[0]));
    }

    void noCopyWhileNobodyHoldsASnapshot()
    {
        SubscriberList list;
        auto all = make(2);
        list.add(all[0]);
        const auto* first = list.snapshot().get();
        list.add(all[1]); // the snapshot above is gone: changed in place
        CPPUNIT_ASSERT_EQUAL(first, list.snapshot().get());
        auto held = list.snapshot();
        list.remove(all[0]); // held: copied
        CPPUNIT_ASSERT(held.get() != list.snapshot().get());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SubscriberListTest);

} // namespace hchat::test
