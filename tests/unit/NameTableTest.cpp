#include "chat/NameTable.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class NameTableTest : public CppUnit::TestFixture
/// Which name is whose: held by one person online at a time, reserved
/// names kept for their owner.
{
    CPPUNIT_TEST_SUITE(NameTableTest);
    CPPUNIT_TEST(aNameIsHeldByOnePersonAtATime);
    CPPUNIT_TEST(aReservedNameIsItsOwnersAlone);
    CPPUNIT_TEST_SUITE_END();

public:
    void aNameIsHeldByOnePersonAtATime()
    {
        NameTable names;
        CPPUNIT_ASSERT(names.freeFor("ann", "k1") && names.hold("ann", "k1"));
        CPPUNIT_ASSERT(names.hold("ann", "k1")); // again: still theirs
        CPPUNIT_ASSERT(!names.freeFor("ann", "k2"));
        CPPUNIT_ASSERT(!names.hold("ann", "k2"));
        CPPUNIT_ASSERT_EQUAL(std::string("k1"), names.holder("ann"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), names.holder("bob"));
        names.drop("ann");
        CPPUNIT_ASSERT(names.hold("ann", "k2"));
        CPPUNIT_ASSERT_EQUAL(std::string("k2"), names.holder("ann"));
    }

    void aReservedNameIsItsOwnersAlone()
    {
        NameTable names;
        names.hold("ann", "guest");
        CPPUNIT_ASSERT(!names.reserve("ann", "account")); // someone online has it
        names.drop("ann");
        CPPUNIT_ASSERT(names.reserve("ann", "account"));
        CPPUNIT_ASSERT(!names.freeFor("ann", "guest"));
        CPPUNIT_ASSERT(names.freeFor("ann", "account")); // its owner, away or not
        names.unreserve("ann");
        CPPUNIT_ASSERT(names.freeFor("ann", "guest"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NameTableTest);

} // namespace hchat::test
