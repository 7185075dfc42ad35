#include "chat/People.h"
#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "store/MemoryStore.h"

#include <algorithm>
#include <map>
#include <set>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class PeopleTest : public CppUnit::TestFixture
/// People: unique names, arrivals and departures with their grace period,
/// long-poll presence, private message routing.
{
    CPPUNIT_TEST_SUITE(PeopleTest);
    CPPUNIT_TEST(namesAreUniqueCaseInsensitively);
    CPPUNIT_TEST(renameIsAnnouncedWhereAnnounced);
    CPPUNIT_TEST(arrivalOncePerStay);
    CPPUNIT_TEST(onlyStaysWithoutALiveConnectionEnd);
    CPPUNIT_TEST(reloadWithinGraceIsNoLeave);
    CPPUNIT_TEST(pollersAreOnlineButNeverAnnounced);
    CPPUNIT_TEST(aStayEndsAfterItsLastSightOnly);
    CPPUNIT_TEST(privateMessagesReachBothParties);
    CPPUNIT_TEST(mailboxIsBounded);
    CPPUNIT_TEST(presenceFrameAndOrder);
    CPPUNIT_TEST(aSharedStoreHoldsTheNames);
    CPPUNIT_TEST(otherDaemonsListsJoinAndExpire);
    CPPUNIT_TEST_SUITE_END();

    struct SharedStore : MemoryStore
    /// What a shared store is told of names, lists and letters.
    {
        SharedStore() : MemoryStore(10) {}
        std::map<std::string, std::string> names; ///< folded → key
        std::map<std::string, std::vector<std::string>> lists;
        std::vector<std::string> letters; ///< "key from text"
        std::set<std::string> mailboxes;  ///< keys told to have a stream open
        void holdMailboxes(const std::vector<std::string>& keys) override
        {
            mailboxes.insert(keys.begin(), keys.end());
        }
        bool hasMailbox(const std::string& key) override { return mailboxes.count(key) > 0; }
        bool claimName(const std::string& folded, const std::string& key) override
        {
            auto holder = names.find(folded);
            if (holder != names.end() && holder->second != key)
                return false;
            names[folded] = key;
            return true;
        }
        std::vector<std::string>
        holdNames(const std::vector<std::pair<std::string, std::string>>& held,
                  const std::vector<std::pair<std::string, std::string>>& released) override
        {
            for (const auto& [folded, key] : released)
                if (names.count(folded) && names[folded] == key)
                    names.erase(folded);
            for (const auto& [folded, key] : held)
                claimName(folded, key);
            return {};
        }
        std::string nameHolder(const std::string& folded) override
        {
            return names.count(folded) ? names[folded] : "";
        }
        void sharePresence(const std::string& roomId, const std::vector<std::string>& list) override
        {
            lists[roomId] = list;
        }
        void sendLetter(const std::string& toKey, const std::string& from,
                        const std::string& text) override
        {
            letters.push_back(toKey + " " + from + " " + text);
        }
    };

    static std::shared_ptr<Mailbox> box()
    {
        return std::make_shared<Mailbox>(std::make_shared<Doorbell>());
    }
    static const Poco::Timespan hour;
    static std::string join(const std::vector<std::string>& names)
    {
        std::string out;
        for (const auto& name : names)
            out += (out.empty() ? "" : ",") + name;
        return out;
    }
    static Poco::Timestamp later(int seconds)
    {
        return Poco::Timestamp() + Poco::Timespan(seconds, 0).totalMicroseconds();
    }

public:
    void namesAreUniqueCaseInsensitively()
    {
        People people(hour, hour);
        auto a = people.enter("r1", "ka", "alice", "guest-a", box());
        CPPUNIT_ASSERT(!a.taken);
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), a.name);
        // Someone else, in another room, over another transport: refused.
        auto b = people.seen("r2", "kb", "ALICE", "guest-b", Poco::Timestamp());
        CPPUNIT_ASSERT(b.taken);
        CPPUNIT_ASSERT_EQUAL(std::string("guest-b"), b.name);
        CPPUNIT_ASSERT(people.connect("kc", "Alice", "guest-c", box()).taken);
        CPPUNIT_ASSERT(people.rename("kb", "alicE").taken);
        CPPUNIT_ASSERT_EQUAL(std::string("guest-b"), people.nameOf("kb", ""));
        // The owner may change the case of her own name.
        CPPUNIT_ASSERT(!people.rename("ka", "Alice").taken);
        CPPUNIT_ASSERT_EQUAL(std::string("Alice"), people.nameOf("ka", ""));
        // Once she is gone, the name is free.
        people.exit("r1", "ka", nullptr);
        People quick(Poco::Timespan(0), Poco::Timespan(0));
        quick.enter("r1", "ka", "alice", "g", nullptr);
        quick.exit("r1", "ka", nullptr);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), quick.sweep(later(1)).left.size());
        CPPUNIT_ASSERT(!quick.seen("r1", "kb", "alice", "g", Poco::Timestamp()).taken);
    }

    void renameIsAnnouncedWhereAnnounced()
    {
        People people(hour, hour);
        people.enter("live", "k", "", "guest-k", nullptr);
        people.seen("polled", "k", "", "guest-k", Poco::Timestamp());
        auto renamed = people.rename("k", "bob");
        CPPUNIT_ASSERT(!renamed.taken);
        CPPUNIT_ASSERT_EQUAL(std::string("guest-k"), renamed.previous);
        CPPUNIT_ASSERT_EQUAL(std::string("bob"), renamed.name);
        // A nick entry where the person's arrival was announced, not where
        // they only poll.
        CPPUNIT_ASSERT_EQUAL(std::string("live"), join(renamed.renamedIn));
        // The same name again changes nothing.
        CPPUNIT_ASSERT(people.rename("k", "bob").renamedIn.empty());
        CPPUNIT_ASSERT(people.rename("nobody", "carol").name.empty());
    }

    void arrivalOncePerStay()
    {
        People people(Poco::Timespan(0), Poco::Timespan(0));
        CPPUNIT_ASSERT(people.enter("r", "k", "", "g", nullptr).arrived);
        CPPUNIT_ASSERT(!people.enter("r", "k", "", "g", nullptr).arrived); // a second tab
        CPPUNIT_ASSERT(people.enter("other", "k", "", "g", nullptr).arrived);
        people.exit("r", "k", nullptr);
        CPPUNIT_ASSERT(people.sweep(later(1)).left.empty()); // the second tab is still there
        people.exit("r", "k", nullptr);
        auto swept = people.sweep(later(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), swept.left.size());
        CPPUNIT_ASSERT_EQUAL(std::string("r"), swept.left[0].first);
        CPPUNIT_ASSERT_EQUAL(std::string("g"), swept.left[0].second);
        CPPUNIT_ASSERT(people.online("r").empty());
        CPPUNIT_ASSERT_EQUAL(std::string("g"), join(people.online("other")));
        CPPUNIT_ASSERT(people.enter("r", "k", "", "g", nullptr).arrived); // back, announced again
    }

    void onlyStaysWithoutALiveConnectionEnd()
    {
        // No grace and no poll window: a stay ends at the first sweep once
        // it has no live connection, and never while it has one, however
        // it got there (back after leaving, or live after polling).
        People people(Poco::Timespan(0), Poco::Timespan(0));
        people.enter("r", "back", "", "g1", nullptr);
        people.exit("r", "back", nullptr);
        people.enter("r", "back", "", "g1", nullptr);
        people.seen("r", "poller", "", "g2", Poco::Timestamp());
        people.enter("r", "poller", "", "g2", nullptr);
        people.seen("r", "gone", "", "g3", Poco::Timestamp());
        auto swept = people.sweep(later(1));
        CPPUNIT_ASSERT(swept.left.empty()); // "gone" only polled: never announced
        CPPUNIT_ASSERT_EQUAL(std::string("g1,g2"), join(people.online("r")));
        people.exit("r", "back", nullptr);
        people.exit("r", "poller", nullptr);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), people.sweep(later(2)).left.size());
        CPPUNIT_ASSERT(people.online("r").empty());
        CPPUNIT_ASSERT(people.sweep(later(3)).left.empty());
    }

    void reloadWithinGraceIsNoLeave()
    {
        People people(Poco::Timespan(0), hour);
        people.enter("r", "k", "alice", "g", nullptr);
        people.exit("r", "k", nullptr); // the page unloads
        auto swept = people.sweep(Poco::Timestamp());
        CPPUNIT_ASSERT(swept.left.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), join(people.online("r")));
        // Nobody may take the name meanwhile; the person gets it back.
        CPPUNIT_ASSERT(people.enter("r", "other", "alice", "g2", nullptr).taken);
        auto back = people.enter("r", "k", "alice", "g", nullptr);
        CPPUNIT_ASSERT(!back.arrived && !back.taken);
        // Past the grace period it is a leave.
        people.exit("r", "k", nullptr);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), people.sweep(later(3601)).left.size());
    }

    void pollersAreOnlineButNeverAnnounced()
    {
        People people(Poco::Timespan(35, 0), Poco::Timespan(5, 0));
        const Poco::Timestamp t0;
        auto polled = people.seen("r", "addr:1", "", "anonymous", t0);
        CPPUNIT_ASSERT(!polled.arrived);
        CPPUNIT_ASSERT_EQUAL(std::string("anonymous"), join(people.online("r")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), people.sweep(t0 + 30 * 1000000LL).changed.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), people.countOnline("r"));
        // Past the window: gone without a leave entry.
        auto swept = people.sweep(t0 + 36 * 1000000LL);
        CPPUNIT_ASSERT(swept.left.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("r"), join(swept.changed));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), people.countOnline("r"));
        // Two cookie-less pollers share the guest name "anonymous".
        CPPUNIT_ASSERT(!people.seen("r", "addr:1", "", "anonymous", t0).taken);
        CPPUNIT_ASSERT(!people.seen("r", "addr:2", "", "anonymous", t0).taken);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), people.countOnline("r"));
    }

    void aStayEndsAfterItsLastSightOnly()
    {
        // A sweep looks only at stays due; one seen since, or live again,
        // is not ended by its earlier due time.
        People people(Poco::Timespan(35, 0), Poco::Timespan(5, 0));
        const Poco::Timestamp t0;
        const auto at = [&](int seconds) { return t0 + seconds * 1000000LL; };
        people.seen("r", "addr:1", "", "anonymous", t0);
        people.sweep(at(1));                                 // tells of the arrival
        people.seen("r", "addr:1", "", "anonymous", at(30)); // polls again
        CPPUNIT_ASSERT(people.sweep(at(40)).changed.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), people.countOnline("r"));
        CPPUNIT_ASSERT_EQUAL(std::string("r"), join(people.sweep(at(66)).changed));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), people.countOnline("r"));

        people.enter("r2", "k", "bob", "g", nullptr);
        people.exit("r2", "k", nullptr);
        people.enter("r2", "k", "", "g", nullptr); // back within the grace: live again
        CPPUNIT_ASSERT(people.sweep(later(3601)).left.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("bob"), join(people.online("r2")));
        people.exit("r2", "k", nullptr);
        const auto swept = people.sweep(later(7201));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), swept.left.size());
        CPPUNIT_ASSERT_EQUAL(std::string("bob"), swept.left[0].second);
    }

    void privateMessagesReachBothParties()
    {
        People people(hour, hour);
        auto alice1 = box(), alice2 = box(), bob = box(), carol = box();
        people.enter("r", "ka", "alice", "g", alice1);
        people.enter("r2", "ka", "", "g", alice2); // her second connection
        people.connect("kb", "bob", "g", bob);     // a TCP session in no room
        people.enter("r", "kc", "carol", "g", carol);
        CPPUNIT_ASSERT(people.sendPrivate("kb", "ALICE", "psst") == People::Delivery::Sent);
        for (auto* b : {&alice1, &alice2, &bob})
        {
            auto letters = (*b)->takeAll();
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), letters.size());
            CPPUNIT_ASSERT_EQUAL(std::string("bob"), letters[0]->from);
            CPPUNIT_ASSERT_EQUAL(std::string("alice"), letters[0]->to);
            CPPUNIT_ASSERT(letters[0]->json.find("\"type\":\"private\"") != std::string::npos);
        }
        CPPUNIT_ASSERT(carol->takeAll().empty());
        CPPUNIT_ASSERT(people.sendPrivate("kb", "dave", "hi") == People::Delivery::NotOnline);
        // Someone who only polls has no connection to deliver to.
        people.seen("r", "kd", "dave", "g", Poco::Timestamp());
        CPPUNIT_ASSERT(people.sendPrivate("kb", "dave", "hi") == People::Delivery::NotOnline);
        // A closed connection gets nothing more.
        people.exit("r", "ka", alice1);
        people.sendPrivate("kc", "alice", "again");
        CPPUNIT_ASSERT(alice1->takeAll().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), alice2->takeAll().size());
        // To oneself: once.
        people.sendPrivate("kc", "carol", "note to self");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), carol->takeAll().size()); // echo of "again", this
    }

    void mailboxIsBounded()
    {
        auto mailbox = box();
        auto letter = std::make_shared<const Mailbox::Letter>("a", "b", "x");
        for (std::size_t i = 0; i < Mailbox::capacity; ++i)
            CPPUNIT_ASSERT(mailbox->post(letter));
        CPPUNIT_ASSERT(!mailbox->post(letter));
        CPPUNIT_ASSERT_EQUAL(Mailbox::capacity, mailbox->takeAll().size());
        CPPUNIT_ASSERT(mailbox->post(letter));
    }

    void presenceFrameAndOrder()
    {
        People people(hour, hour);
        for (const char* name : {"zoe", "Bob", "alice"})
            people.enter("r", std::string("k") + name, name, "g", nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("alice,Bob,zoe"), join(people.online("r")));
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"type":"presence","online":["alice","Bob","zoe"],"count":3})"),
            *people.presenceJson("r"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"presence","online":[],"count":0})"),
                             *people.presenceJson("empty"));
    }

    void aSharedStoreHoldsTheNames()
    {
        SharedStore store;
        People people(hour, hour);
        people.share(store);
        store.names["alice"] = "elsewhere"; // online on another daemon
        auto outcome = people.enter("r", "k1", "Alice", "guest-1", nullptr);
        CPPUNIT_ASSERT(outcome.taken);
        CPPUNIT_ASSERT_EQUAL(std::string("guest-1"), outcome.name);
        outcome = people.enter("r", "k1", "bob", "guest-1", nullptr);
        CPPUNIT_ASSERT(!outcome.taken);
        CPPUNIT_ASSERT_EQUAL(std::string("k1"), store.names["bob"]);
        // Given up (a rename): released at the next tellOthers, which also
        // tells this daemon's list of the room.
        people.rename("k1", "robert");
        CPPUNIT_ASSERT_EQUAL(std::string("k1"), store.names["robert"]);
        people.tellOthers(Poco::Timestamp());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), store.names.count("bob"));
        CPPUNIT_ASSERT_EQUAL(std::string("robert"), join(store.lists["r"]));
        // Someone online elsewhere: found by name, reached through the store
        // once a stream of theirs is open there; only polling, not at all.
        CPPUNIT_ASSERT_EQUAL(std::string("elsewhere"), people.keyOf("ALICE"));
        CPPUNIT_ASSERT(people.sendPrivate("k1", "alice", "hi") == People::Delivery::NotOnline);
        CPPUNIT_ASSERT(store.letters.empty());
        store.mailboxes.insert("elsewhere");
        CPPUNIT_ASSERT(people.sendPrivate("k1", "alice", "hi") == People::Delivery::Sent);
        CPPUNIT_ASSERT_EQUAL(std::string("elsewhere robert hi"), store.letters.at(0));
        CPPUNIT_ASSERT(people.sendPrivate("k1", "nobody", "hi") == People::Delivery::NotOnline);
        // A letter told by the store reaches the person's connections here.
        // The store is told at once that their mailbox is open, and again
        // at each renewal.
        auto mailbox = box();
        people.enter("r", "k2", "carol", "guest-2", mailbox);
        CPPUNIT_ASSERT(store.hasMailbox("k2"));
        store.mailboxes.clear();
        people.tellOthers(later(3));
        CPPUNIT_ASSERT(store.hasMailbox("k2"));
        CPPUNIT_ASSERT(!store.hasMailbox("k1")); // robert only polls
        people.letter("k2", "alice", "back");
        auto letters = mailbox->takeAll();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), letters.size());
        CPPUNIT_ASSERT_EQUAL(std::string("carol"), letters[0]->to);
        // Stopping frees every name and empties the lists.
        people.leaveOthers();
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), store.names.begin()->first);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.names.size());
        CPPUNIT_ASSERT(store.lists["r"].empty());
    }

    void otherDaemonsListsJoinAndExpire()
    {
        SharedStore store;
        People people(hour, hour);
        people.share(store);
        people.enter("r", "k1", "bob", "g", nullptr);
        people.roomNames("d2", "r", {"alice", "bob", "zed"}); // bob on two daemons
        people.roomNames("d3", "r", {"carl"});
        CPPUNIT_ASSERT_EQUAL(std::string("alice,bob,carl,zed"), join(people.online("r")));
        auto swept = people.sweep(Poco::Timestamp());
        CPPUNIT_ASSERT(std::find(swept.changed.begin(), swept.changed.end(), "r") !=
                       swept.changed.end());
        CPPUNIT_ASSERT(people.presenceJson("r")->find("\"carl\"") != std::string::npos);
        people.roomNames("d3", "r", {}); // d3 stopped
        CPPUNIT_ASSERT_EQUAL(std::string("alice,bob,zed"), join(people.online("r")));
        // d2 is not heard of again: gone once elsewhereFor has passed.
        people.sweep(Poco::Timestamp() + People::elsewhereFor.totalMicroseconds() + 1);
        CPPUNIT_ASSERT_EQUAL(std::string("bob"), join(people.online("r")));
        // A room with people on other daemons only has its list too.
        people.roomNames("d2", "s", {"zed"});
        CPPUNIT_ASSERT_EQUAL(std::string("zed"), join(people.online("s")));
    }
};

const Poco::Timespan PeopleTest::hour(3600, 0);

CPPUNIT_TEST_SUITE_REGISTRATION(PeopleTest);

} // namespace hchat::test
