#include "chat/RateLimiter.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class RateLimiterTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(RateLimiterTest);
    CPPUNIT_TEST(burstThenRefuse);
    CPPUNIT_TEST(refillsAtRate);
    CPPUNIT_TEST(peopleHaveSeparateBudgets);
    CPPUNIT_TEST(zeroRateIsOff);
    CPPUNIT_TEST(anAddressHasSeveralPeoplesBudget);
    CPPUNIT_TEST_SUITE_END();

public:
    void burstThenRefuse()
    {
        RateLimiter limiter(2, 5);
        Poco::Timestamp now;
        Poco::Timespan retry;
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT(limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(!limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(retry.totalMilliseconds() > 0 && retry.totalMilliseconds() <= 500);
    }

    void refillsAtRate()
    {
        RateLimiter limiter(2, 1);
        Poco::Timestamp now;
        Poco::Timespan retry;
        CPPUNIT_ASSERT(limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(!limiter.tryAcquire("a", now + 400000, retry)); // 0.4 s: 0.8 token
        CPPUNIT_ASSERT(limiter.tryAcquire("a", now + 500000, retry));  // 0.5 s: 1 token
        CPPUNIT_ASSERT(!limiter.tryAcquire("a", now + 500000, retry));
    }

    void peopleHaveSeparateBudgets()
    {
        RateLimiter limiter(1, 1);
        Poco::Timestamp now;
        Poco::Timespan retry;
        CPPUNIT_ASSERT(limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(!limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(limiter.tryAcquire("b", now, retry));
    }

    void anAddressHasSeveralPeoplesBudget()
    {
        RateLimiter limiter(2, 5, 3);
        Poco::Timestamp now;
        Poco::Timespan retry;
        for (int i = 0; i < 15; ++i)
            CPPUNIT_ASSERT(limiter.tryAcquireForAddress("sends:h", now, retry));
        CPPUNIT_ASSERT(!limiter.tryAcquireForAddress("sends:h", now, retry));
        // Three people's rate: 6 tokens a second.
        CPPUNIT_ASSERT(retry.totalMilliseconds() > 0 && retry.totalMilliseconds() <= 167);
        CPPUNIT_ASSERT(limiter.tryAcquireForAddress("sends:h", now + 170000, retry));
        // 0 people per address: no address budget at all.
        RateLimiter unlimited(2, 5, 0);
        for (int i = 0; i < 100; ++i)
            CPPUNIT_ASSERT(unlimited.tryAcquireForAddress("sends:h", now, retry));
    }

    void zeroRateIsOff()
    {
        RateLimiter limiter(0, 1);
        Poco::Timestamp now;
        Poco::Timespan retry;
        for (int i = 0; i < 1000; ++i)
            CPPUNIT_ASSERT(limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(!limiter.enabled());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RateLimiterTest);

} // namespace hchat::test
