#include "chat/RateLimiter.h"
#include "store/MemoryStore.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <string>
#include <vector>

namespace hchat::test
{

namespace
{
class SharedBuckets : public MemoryStore
{
public:
    SharedBuckets() : MemoryStore(10) {}
    bool takeToken(const std::string&, double, double, Poco::Timespan&) override
    {
        if (down)
            throw Poco::IOException("connection refused");
        return true;
    }
    bool down = false;
};

class Lines : public Poco::Channel
{
public:
    void log(const Poco::Message& message) override { lines.push_back(message.getText()); }
    std::vector<std::string> lines;
};
} // namespace

class RateLimiterTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(RateLimiterTest);
    CPPUNIT_TEST(burstThenRefuse);
    CPPUNIT_TEST(refillsAtRate);
    CPPUNIT_TEST(peopleHaveSeparateBudgets);
    CPPUNIT_TEST(zeroRateIsOff);
    CPPUNIT_TEST(anAddressHasSeveralPeoplesBudget);
    CPPUNIT_TEST(anOutageOfTheSharedStoreIsToldOnce);
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

    void anOutageOfTheSharedStoreIsToldOnce()
    {
        // With the shared store out of reach, this daemon's buckets count,
        // and the log says so once, not per send; and once when it is back.
        SharedBuckets store;
        RateLimiter limiter(1, 3);
        limiter.share(store);
        Poco::AutoPtr<Lines> log(new Lines);
        Poco::Logger& logger = Poco::Logger::get("hchatd.limits");
        Poco::AutoPtr<Poco::Channel> before(logger.getChannel(), true);
        logger.setChannel(log);
        Poco::Timestamp now;
        Poco::Timespan retry;
        store.down = true;
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT(limiter.tryAcquire("a", now, retry));
        CPPUNIT_ASSERT(!limiter.tryAcquire("a", now, retry)); // the local bucket
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log->lines.size());
        store.down = false;
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT(limiter.tryAcquire("a", now, retry)); // the shared one
        store.down = true;
        CPPUNIT_ASSERT(!limiter.tryAcquire("a", now, retry));
        logger.setChannel(before);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), log->lines.size());
        CPPUNIT_ASSERT(log->lines[0].find("this daemon only") != std::string::npos);
        CPPUNIT_ASSERT(log->lines[1].find("shared again") != std::string::npos);
        CPPUNIT_ASSERT(log->lines[2].find("connection refused") != std::string::npos);
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
