#include "chat/Typing.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class TypingTest : public CppUnit::TestFixture
/// Who is writing: one frame per person per 3 s at most, shown 5 s, gone
/// once the message is sent, bounded.
{
    CPPUNIT_TEST_SUITE(TypingTest);
    CPPUNIT_TEST(oneFramePerPersonPerThreeSeconds);
    CPPUNIT_TEST(namesShowFiveSecondsAndLeaveWithTheirMessage);
    CPPUNIT_TEST(atMostEightNames);
    CPPUNIT_TEST_SUITE_END();

    static Poco::Timestamp at(double seconds)
    {
        return Poco::Timestamp(static_cast<Poco::Timestamp::TimeVal>(seconds * 1e6) + 1000000000);
    }

public:
    void oneFramePerPersonPerThreeSeconds()
    {
        Typing typing;
        CPPUNIT_ASSERT(typing.note("ann", at(0)));
        CPPUNIT_ASSERT(!typing.note("ann", at(1)));
        CPPUNIT_ASSERT(!typing.note("ANN", at(2.9))); // names compare without case
        CPPUNIT_ASSERT(typing.note("bob", at(2.9)));  // another person
        CPPUNIT_ASSERT(typing.note("ann", at(3)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), typing.version());
        typing.forget("ann"); // sent: still no news within 3 s of the last
        CPPUNIT_ASSERT(!typing.note("ann", at(4)));
    }

    void namesShowFiveSecondsAndLeaveWithTheirMessage()
    {
        Typing typing;
        typing.note("ann", at(0));
        typing.note("bob", at(2));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"typing","names":["ann","bob"]})"),
                             typing.frame(at(4)));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"typing","names":["bob"]})"),
                             typing.frame(at(5)));
        typing.forget("bob");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"typing","names":[]})"), typing.frame(at(5)));
        CPPUNIT_ASSERT(typing.note("bob", at(5.5)));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"typing","names":["bob"]})"),
                             typing.frame(at(6)));
    }

    void atMostEightNames()
    {
        Typing typing;
        for (int i = 0; i < 20; ++i)
            typing.note("p" + std::to_string(i), at(0.01 * i));
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                R"({"type":"typing","names":["p12","p13","p14","p15","p16","p17","p18","p19"]})"),
            typing.frame(at(1)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TypingTest);

} // namespace hchat::test
