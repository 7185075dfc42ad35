#include "chat/OtherDaemons.h"
#include "store/MemoryStore.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

namespace hchat::test
{

class OtherDaemonsTest : public CppUnit::TestFixture
/// People's side of a shared store: nothing shared until attached, the
/// answers of a store that says yes, no or nothing (out of reach), and
/// what a daemon that stops tells the others.
{
    CPPUNIT_TEST_SUITE(OtherDaemonsTest);
    CPPUNIT_TEST(aloneNothingIsShared);
    CPPUNIT_TEST(claimsAndHolders);
    CPPUNIT_TEST(outOfReachIsNotKnownOrThrows);
    CPPUNIT_TEST(leavingGivesUpEveryNameAndEmptiesEveryList);
    CPPUNIT_TEST_SUITE_END();

    struct SharedStore : MemoryStore
    /// Names and mailboxes as a shared store keeps them; `down` makes every
    /// call fail as Redis out of reach does.
    {
        SharedStore() : MemoryStore(10) {}
        bool down = false;
        std::map<std::string, std::string> names; ///< folded → key
        std::set<std::string> mailboxes;
        std::vector<std::pair<std::string, std::string>> released;
        std::map<std::string, std::vector<std::string>> lists;
        std::vector<std::string> letters;

        void check() const
        {
            if (down)
                throw Poco::IOException("Redis out of reach");
        }
        bool claimName(const std::string& folded, const std::string& key) override
        {
            check();
            return names.emplace(folded, key).first->second == key;
        }
        std::vector<std::string>
        holdNames(const std::vector<std::pair<std::string, std::string>>& held,
                  const std::vector<std::pair<std::string, std::string>>& gone) override
        {
            check();
            std::vector<std::string> lost;
            for (const auto& [folded, key] : held)
                if (!claimName(folded, key))
                    lost.push_back(folded);
            for (const auto& entry : gone)
                released.push_back(entry), names.erase(entry.first);
            return lost;
        }
        std::string nameHolder(const std::string& folded) override
        {
            check();
            auto found = names.find(folded);
            return found == names.end() ? "" : found->second;
        }
        std::vector<std::string> nameHolders(const std::vector<std::string>& folded) override
        {
            std::vector<std::string> out;
            for (const std::string& f : folded)
                out.push_back(nameHolder(f));
            return out;
        }
        void holdMailboxes(const std::vector<std::string>& keys) override
        {
            check();
            mailboxes.insert(keys.begin(), keys.end());
        }
        bool hasMailbox(const std::string& key) override
        {
            check();
            return mailboxes.count(key) > 0;
        }
        void sharePresence(const std::string& roomId,
                           const std::vector<std::string>& names) override
        {
            check();
            lists[roomId] = names;
        }
        void sendLetter(const std::string& toKey, const std::string& from,
                        const std::string& text) override
        {
            check();
            letters.push_back(toKey + " " + from + ": " + text);
        }
    };

public:
    void aloneNothingIsShared()
    {
        OtherDaemons others;
        CPPUNIT_ASSERT(!others.attached());
        CPPUNIT_ASSERT(others.claim("ann", "k1", "Ann") == OtherDaemons::Claim::Unasked);
        CPPUNIT_ASSERT_EQUAL(std::string(""), others.holder("ann", "Ann"));
        CPPUNIT_ASSERT((others.held({"ann"}) == std::vector<bool>{false}));
        CPPUNIT_ASSERT_EQUAL(std::string(""), others.sendLetter("", "ann", "bob", "hi"));
        others.tell({{{"ann", "k1"}}, {}, {}, {}}); // nothing to tell it to
    }

    void claimsAndHolders()
    {
        SharedStore store;
        OtherDaemons others;
        others.attach(store);
        CPPUNIT_ASSERT(others.claim("ann", "k1", "Ann") == OtherDaemons::Claim::Granted);
        CPPUNIT_ASSERT(others.claim("ann", "k2", "ANN") == OtherDaemons::Claim::Refused);
        CPPUNIT_ASSERT_EQUAL(std::string("k1"), others.holder("ann", "Ann"));
        CPPUNIT_ASSERT((others.held({"ann", "bob"}) == std::vector<bool>{true, false}));
        // A letter reaches someone with a live connection somewhere, only.
        CPPUNIT_ASSERT_EQUAL(std::string(""), others.sendLetter("", "ann", "bob", "hi"));
        others.mailboxOpened("k1");
        CPPUNIT_ASSERT_EQUAL(std::string("k1"), others.sendLetter("", "ann", "bob", "hi"));
        CPPUNIT_ASSERT_EQUAL(std::string("k1 bob: hi"), store.letters.at(0));
        others.tell({{{"ann", "k1"}}, {}, {{"room", {"Ann"}}}, {"k1"}});
        CPPUNIT_ASSERT((store.lists["room"] == std::vector<std::string>{"Ann"}));
    }

    void outOfReachIsNotKnownOrThrows()
    {
        SharedStore store;
        OtherDaemons others;
        others.attach(store);
        store.mailboxes.insert("k1");
        store.names["ann"] = "k1";
        store.down = true;
        // Names are given if free here; who holds what is not known.
        CPPUNIT_ASSERT(others.claim("cy", "k3", "cy") == OtherDaemons::Claim::Unasked);
        CPPUNIT_ASSERT_EQUAL(std::string(""), others.holder("ann", "Ann"));
        CPPUNIT_ASSERT((others.held({"ann"}) == std::vector<bool>{false}));
        others.mailboxOpened("k3"); // told at the next renewal
        // What must not pretend: a private message, and the renewal itself.
        CPPUNIT_ASSERT_THROW(others.sendLetter("", "ann", "bob", "hi"), Poco::IOException);
        CPPUNIT_ASSERT_THROW(others.tell({{{"ann", "k1"}}, {}, {}, {}}), Poco::IOException);
        others.leave({{{"ann", "k1"}}, {}, {}, {}}); // logged
    }

    void leavingGivesUpEveryNameAndEmptiesEveryList()
    {
        SharedStore store;
        OtherDaemons others;
        others.attach(store);
        others.claim("ann", "k1", "Ann");
        others.tell({{{"ann", "k1"}}, {}, {{"room", {"Ann"}}}, {"k1"}});
        others.leave({{{"ann", "k1"}}, {{"old", "k0"}}, {{"room", {"Ann"}}}, {"k1"}});
        CPPUNIT_ASSERT(store.names.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), store.released.size());
        CPPUNIT_ASSERT(store.lists["room"].empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OtherDaemonsTest);

} // namespace hchat::test
