#include "util/TextRule.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class TextRuleUnitTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(TextRuleUnitTest);
    CPPUNIT_TEST(plainTextPassesUnchanged);
    CPPUNIT_TEST(lineEndsBecomeLf);
    CPPUNIT_TEST(controlCharactersAreRefusedAndLeaveTheText);
    CPPUNIT_TEST(printableEscapesControls);
    CPPUNIT_TEST_SUITE_END();

    using Verdict = TextRule::Verdict;

    static Verdict apply(std::string& text) { return TextRule::apply(text); }

public:
    void plainTextPassesUnchanged()
    {
        std::string text = "hello\tworld\nsecond line ✓ \xc2\xa0nbsp";
        const std::string before = text;
        CPPUNIT_ASSERT(apply(text) == Verdict::Fine);
        CPPUNIT_ASSERT_EQUAL(before, text);
    }

    void lineEndsBecomeLf()
    {
        std::string text = "a\r\nb\rc\n\r\r\nd\r";
        CPPUNIT_ASSERT(apply(text) == Verdict::Fine);
        CPPUNIT_ASSERT_EQUAL(std::string("a\nb\nc\n\n\nd\n"), text);
    }

    void controlCharactersAreRefusedAndLeaveTheText()
    {
        for (const std::string& bad :
             {std::string("a\0b", 3), std::string("\x1b[2J"), std::string("\x01"),
              std::string("x\x7f"), std::string("c1 \xc2\x80"), std::string("c1 \xc2\x9f"),
              std::string("\r\x1f")})
        {
            std::string text = bad;
            CPPUNIT_ASSERT(apply(text) == Verdict::Control);
            CPPUNIT_ASSERT_EQUAL(bad, text);
        }
        std::string broken = "\xc3\x28";
        CPPUNIT_ASSERT(apply(broken) == Verdict::BadUtf8);
    }

    void printableEscapesControls()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("a\\x0Db\\x1B[2J\\x00\tok\\xC2\\x9B ✓"),
                             TextRule::printable(std::string("a\rb\x1b[2J\0\tok\xc2\x9b ✓", 17)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextRuleUnitTest);

} // namespace hchat::test
