#include "chat/PresenceFrames.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class PresenceFramesTest : public CppUnit::TestFixture
/// The presence frames kept per room: what a frame says, how big it may
/// get, and that one built is shared until the room changes.
{
    CPPUNIT_TEST_SUITE(PresenceFramesTest);
    CPPUNIT_TEST(aFrameListsTheFirst200NamesAndCountsAll);
    CPPUNIT_TEST(keptUntilReplacedOrForgotten);
    CPPUNIT_TEST_SUITE_END();

public:
    void aFrameListsTheFirst200NamesAndCountsAll()
    {
        PresenceFrames frames;
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"type":"presence","online":["ann","b\"q"],"count":2})"),
            *frames.keep("r", {"ann", "b\"q"}));
        std::vector<std::string> many;
        for (int i = 1000; i < 1250; ++i)
            many.push_back("p" + std::to_string(i));
        const std::string frame = *frames.keep("big", many);
        CPPUNIT_ASSERT(frame.find("\"p1199\"") != std::string::npos);
        CPPUNIT_ASSERT(frame.find("\"p1200\"") == std::string::npos);
        CPPUNIT_ASSERT(frame.find("\"count\":250") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t(250), frames.names("big")->size());
    }

    void keptUntilReplacedOrForgotten()
    {
        PresenceFrames frames;
        CPPUNIT_ASSERT(!frames.frame("r") && !frames.names("r"));
        const PresenceFrames::Frame first = frames.keep("r", {"ann"});
        CPPUNIT_ASSERT(frames.frame("r") == first); // the same copy for every asker
        frames.keep("r", {"ann", "bob"});
        CPPUNIT_ASSERT(frames.frame("r") != first);
        CPPUNIT_ASSERT((*frames.names("r") == std::vector<std::string>{"ann", "bob"}));
        frames.forget("r");
        CPPUNIT_ASSERT(!frames.frame("r") && !frames.names("r"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PresenceFramesTest);

} // namespace hchat::test
