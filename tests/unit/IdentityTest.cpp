#include "chat/IdGenerator.h"
#include "chat/Nickname.h"

#include <cppunit/extensions/HelperMacros.h>

#include <set>

namespace hchat::test
{

class IdentityTest : public CppUnit::TestFixture
/// Room/client ids and the naming rule.
{
    CPPUNIT_TEST_SUITE(IdentityTest);
    CPPUNIT_TEST(idsAre32LowercaseHex);
    CPPUNIT_TEST(idsDoNotRepeat);
    CPPUNIT_TEST(idValidation);
    CPPUNIT_TEST(nicknameRule);
    CPPUNIT_TEST(guestNames);
    CPPUNIT_TEST_SUITE_END();

public:
    void idsAre32LowercaseHex()
    {
        std::string id = IdGenerator::next();
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), id.size());
        CPPUNIT_ASSERT(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    }

    void idsDoNotRepeat()
    {
        std::set<std::string> seen;
        for (int i = 0; i < 20000; ++i)
            CPPUNIT_ASSERT(seen.insert(IdGenerator::next()).second);
        // 128 random bits: every hex digit shows up in every position eventually.
        std::set<char> firstDigits;
        for (const auto& id : seen)
            firstDigits.insert(id[0]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(16), firstDigits.size());
    }

    void idValidation()
    {
        CPPUNIT_ASSERT(IdGenerator::isValid(std::string(32, 'a')));
        CPPUNIT_ASSERT(!IdGenerator::isValid(std::string(32, 'A')));
        CPPUNIT_ASSERT(!IdGenerator::isValid(std::string(31, 'a')));
        CPPUNIT_ASSERT(!IdGenerator::isValid(std::string(33, 'a')));
        CPPUNIT_ASSERT(!IdGenerator::isValid(std::string(31, 'a') + "g"));
        CPPUNIT_ASSERT(!IdGenerator::isValid("../../../../etc/passwd0000000000"));
    }

    void nicknameRule()
    {
        CPPUNIT_ASSERT(Nickname::isValid("alice"));
        CPPUNIT_ASSERT(Nickname::isValid("A.b-c_9"));
        CPPUNIT_ASSERT(Nickname::isValid(std::string(32, 'x')));
        CPPUNIT_ASSERT(!Nickname::isValid(""));
        CPPUNIT_ASSERT(!Nickname::isValid(std::string(33, 'x')));
        CPPUNIT_ASSERT(!Nickname::isValid("two words"));
        CPPUNIT_ASSERT(!Nickname::isValid("a\r\nX-Evil: 1"));
        CPPUNIT_ASSERT(!Nickname::isValid("<b>"));
        CPPUNIT_ASSERT(!Nickname::isValid("jürgen"));
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), Nickname::folded("AlIcE"));
    }

    void guestNames()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("guest-0123ab"),
                             Nickname::guestName("0123abcdef0123abcdef0123abcdef01"));
        CPPUNIT_ASSERT_EQUAL(std::string("anonymous"), Nickname::guestName(""));
        CPPUNIT_ASSERT(Nickname::isValid(Nickname::guestName(IdGenerator::next())));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentityTest);

} // namespace hchat::test
