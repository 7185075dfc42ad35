#include "net/IdleThreads.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Event.h>
#include <Poco/Runnable.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace hchat::test
{

namespace
{
class Held : public Poco::Runnable
{
public:
    void run() override
    {
        ++started;
        released.wait();
    }
    std::atomic<int> started{0};
    Poco::Event released{Poco::Event::EVENT_MANUALRESET};
};
} // namespace

class IdleThreadsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(IdleThreadsTest);
    CPPUNIT_TEST(aCrowdsThreadsEndOnceIdle);
    CPPUNIT_TEST_SUITE_END();

public:
    void aCrowdsThreadsEndOnceIdle()
    {
        // POCO's pool ends idle threads only when it starts another; with
        // nothing new to start, the collector ends them.
        Poco::ThreadPool pool(1, 32, 1);
        Held held; // ten at once: ten threads
        for (int i = 0; i < 10; ++i)
            pool.start(held);
        while (held.started < 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        held.released.set();
        pool.joinAll();
        CPPUNIT_ASSERT_EQUAL(10, pool.allocated());
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        CPPUNIT_ASSERT_EQUAL(10, pool.allocated()); // idle, and kept

        IdleThreads idle([&] { pool.collect(); }, 100);
        idle.start();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (pool.allocated() > 1 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        idle.stop();
        CPPUNIT_ASSERT_EQUAL(1, pool.allocated()); // the pool's minimum
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdleThreadsTest);

} // namespace hchat::test
