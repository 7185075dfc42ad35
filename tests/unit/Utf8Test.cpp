#include "util/Utf8.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class Utf8Test : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(Utf8Test);
    CPPUNIT_TEST(acceptsValidText);
    CPPUNIT_TEST(rejectsMalformedSequences);
    CPPUNIT_TEST(validPrefixStopsBeforeBrokenCharacter);
    CPPUNIT_TEST_SUITE_END();

public:
    void acceptsValidText()
    {
        CPPUNIT_ASSERT(Utf8::isValid(""));
        CPPUNIT_ASSERT(Utf8::isValid("plain ascii\n\t"));
        CPPUNIT_ASSERT(Utf8::isValid("Grüße, 你好, שלום"));
        CPPUNIT_ASSERT(Utf8::isValid("\xF0\x9F\x98\x80")); // U+1F600
        CPPUNIT_ASSERT(Utf8::isValid("\xF4\x8F\xBF\xBF")); // U+10FFFF, the last
        CPPUNIT_ASSERT(Utf8::isValid("\xEE\x80\x80"));     // U+E000, after the surrogates
        CPPUNIT_ASSERT(Utf8::isValid(std::string("a\0b", 3)));
    }

    void rejectsMalformedSequences()
    {
        CPPUNIT_ASSERT(!Utf8::isValid("\xC0\x80"));         // overlong NUL
        CPPUNIT_ASSERT(!Utf8::isValid("\xC1\xBF"));         // overlong
        CPPUNIT_ASSERT(!Utf8::isValid("\xE0\x80\xAF"));     // overlong '/'
        CPPUNIT_ASSERT(!Utf8::isValid("\xF0\x80\x80\xAF")); // overlong
        CPPUNIT_ASSERT(!Utf8::isValid("\xED\xA0\x80"));     // surrogate U+D800
        CPPUNIT_ASSERT(!Utf8::isValid("\xF4\x90\x80\x80")); // above U+10FFFF
        CPPUNIT_ASSERT(!Utf8::isValid("\xF5\x80\x80\x80"));
        CPPUNIT_ASSERT(!Utf8::isValid("\x80"));     // lone continuation
        CPPUNIT_ASSERT(!Utf8::isValid("\xC3"));     // truncated
        CPPUNIT_ASSERT(!Utf8::isValid("\xE2\x82")); // truncated
        CPPUNIT_ASSERT(!Utf8::isValid("\xC3\x28")); // bad continuation
        CPPUNIT_ASSERT(!Utf8::isValid("\xFE\xFF"));
        CPPUNIT_ASSERT(!Utf8::isValid("ok\xFFok"));
    }

    void validPrefixStopsBeforeBrokenCharacter()
    {
        std::string s = "ab\xE2\x82\xAC\xE2\x82";
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), Utf8::validPrefix(s.data(), s.size()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Utf8Test);

} // namespace hchat::test
