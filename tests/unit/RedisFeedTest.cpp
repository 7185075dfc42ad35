#include "redis/RedisFeed.h"
#include "support/Eventually.h"
#include "support/RedisServer.h"

#include <Poco/Exception.h>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <mutex>
#include <vector>

namespace hchat::test
{

class RedisFeedTest : public CppUnit::TestFixture
/// RedisFeed against a real redis-server: what is published reaches
/// `received`, and a `resumed` that fails is tried again on the same
/// subscription.
{
    CPPUNIT_TEST_SUITE(RedisFeedTest);
    CPPUNIT_TEST(aFailedCatchUpKeepsTheSubscription);
    CPPUNIT_TEST(aSilentSubscriptionIsMadeAgain);
    CPPUNIT_TEST_SUITE_END();

public:
    void aFailedCatchUpKeepsTheSubscription()
    {
        // In a cluster failover the channel is back before the keys are:
        // the catch-up fails a while. Meanwhile what is published arrives,
        // on the one subscription, and the catch-up is tried until it works.
        RedisServer redis(false);
        RedisRouter router(redis.address(), "", Poco::Timespan(1, 0), false);
        std::mutex mutex;
        std::vector<std::string> received;
        std::atomic<int> tries{0}, caughtUp{0};
        std::atomic<bool> reachable{false};
        RedisFeed feed(
            router, "feed",
            [&](const std::string& payload)
            {
                std::lock_guard<std::mutex> lock(mutex);
                received.push_back(payload);
            },
            [&]
            {
                ++tries;
                if (reachable)
                    ++caughtUp;
                else
                    throw Poco::IOException("the keys are out of reach");
            },
            Poco::Timespan(2, 0));
        feed.start();
        CPPUNIT_ASSERT(feed.waitSubscribed(Poco::Timespan(5, 0)));
        CPPUNIT_ASSERT(eventually([&] { return tries >= 3; }));
        const std::string subscriber = redis.command("CLIENT LIST TYPE pubsub");
        CPPUNIT_ASSERT(subscriber.find("sub=1") != std::string::npos);
        CPPUNIT_ASSERT(redis.command("PUBLISH feed one").find(":1") == 0);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                std::lock_guard<std::mutex> lock(mutex);
                return received == std::vector<std::string>{"one"};
            }));
        reachable = true;
        CPPUNIT_ASSERT(eventually([&] { return caughtUp == 1; }));
        const int tried = tries;
        // Not tried again once it worked; the subscription is the first one.
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        CPPUNIT_ASSERT_EQUAL(tried, tries.load());
        CPPUNIT_ASSERT_EQUAL(1, caughtUp.load());
        CPPUNIT_ASSERT_EQUAL(id(subscriber), id(redis.command("CLIENT LIST TYPE pubsub")));
        CPPUNIT_ASSERT(redis.command("PUBLISH feed two").find(":1") == 0);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                std::lock_guard<std::mutex> lock(mutex);
                return received.size() == 2 && received.back() == "two";
            }));
    }

    void aSilentSubscriptionIsMadeAgain()
    {
        // A server that stops answering (here paused for 4 s) does not
        // answer the feed's PING: the feed gives up after its timeout (2 s)
        // and subscribes again once it answers; the catch-up runs again.
        RedisServer redis(false);
        RedisRouter router(redis.address(), "", Poco::Timespan(1, 0), false);
        std::atomic<int> received{0}, resumed{0};
        RedisFeed feed(
            router, "feed", [&](const std::string&) { ++received; }, [&] { ++resumed; },
            Poco::Timespan(2, 0));
        feed.start();
        CPPUNIT_ASSERT(feed.waitSubscribed(Poco::Timespan(5, 0)));
        CPPUNIT_ASSERT(eventually([&] { return resumed == 1; }));
        const std::string first = id(redis.command("CLIENT LIST TYPE pubsub"));
        CPPUNIT_ASSERT(redis.command("CLIENT PAUSE 4000 ALL").find("+OK") == 0);
        CPPUNIT_ASSERT(eventually([&] { return resumed == 2; }, 15));
        const std::string second = id(redis.command("CLIENT LIST TYPE pubsub"));
        CPPUNIT_ASSERT(first != second);
        CPPUNIT_ASSERT(redis.command("PUBLISH feed one").find(":1") == 0);
        CPPUNIT_ASSERT(eventually([&] { return received == 1; }));
    }

private:
    static std::string id(const std::string& clientList)
    /// The id= of the one client listed.
    {
        const std::size_t at = clientList.find("id=");
        CPPUNIT_ASSERT(at != std::string::npos);
        CPPUNIT_ASSERT(clientList.find("id=", at + 1) == std::string::npos);
        return clientList.substr(at, clientList.find(' ', at) - at);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisFeedTest);

} // namespace hchat::test
