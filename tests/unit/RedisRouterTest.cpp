#include "redis/RedisRouter.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class RedisRouterTest : public CppUnit::TestFixture
/// Where RedisRouter sends a command in a Redis Cluster: the key's slot
/// (the values Redis's CLUSTER KEYSLOT gives) and which argument is the key.
{
    CPPUNIT_TEST_SUITE(RedisRouterTest);
    CPPUNIT_TEST(slotsAreRedisClusterSlots);
    CPPUNIT_TEST(theKeyOfEachCommand);
    CPPUNIT_TEST_SUITE_END();

public:
    void slotsAreRedisClusterSlots()
    {
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(12739), RedisRouter::slotOf("123456789"));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(12182), RedisRouter::slotOf("foo"));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(5061), RedisRouter::slotOf("bar"));
        // A hash tag: only what is between the first { and the next } counts.
        CPPUNIT_ASSERT_EQUAL(RedisRouter::slotOf("foo"), RedisRouter::slotOf("hchat:{foo}:next"));
        CPPUNIT_ASSERT_EQUAL(RedisRouter::slotOf("foo"), RedisRouter::slotOf("x{foo}{bar}"));
        // An empty tag or none closed: the whole key.
        CPPUNIT_ASSERT(RedisRouter::slotOf("{}foo") != RedisRouter::slotOf("foo"));
        CPPUNIT_ASSERT(RedisRouter::slotOf("{foo") != RedisRouter::slotOf("foo"));
    }

    void theKeyOfEachCommand()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("k"), *RedisRouter::keyOf({"GET", "k"}));
        CPPUNIT_ASSERT_EQUAL(std::string("k1"),
                             *RedisRouter::keyOf({"EVALSHA", "sha", "2", "k1", "k2", "arg"}));
        CPPUNIT_ASSERT(!RedisRouter::keyOf({"EVAL", "return 1", "0"}));
        CPPUNIT_ASSERT(!RedisRouter::keyOf({"PUBLISH", "channel", "x"}));
        CPPUNIT_ASSERT(!RedisRouter::keyOf({"PING"}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisRouterTest);

} // namespace hchat::test
