#include "chat/Doorbell.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <unistd.h>

namespace hchat::test
{

class DoorbellTest : public CppUnit::TestFixture
/// The fd-free Doorbell: a ring is never lost, wherever it falls relative
/// to the owner's wait, and the owner's sockets still wake it.
{
    CPPUNIT_TEST_SUITE(DoorbellTest);
    CPPUNIT_TEST(ringBeforeWaitReturnsAtOnce);
    CPPUNIT_TEST(ringDuringWaitWakes);
    CPPUNIT_TEST(socketWakesAndTimeoutExpires);
    CPPUNIT_TEST(manyRingsNoneLost);
    CPPUNIT_TEST_SUITE_END();

    using Clock = std::chrono::steady_clock;
    static double msSince(Clock::time_point t)
    {
        return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    }

public:
    void ringBeforeWaitReturnsAtOnce()
    {
        Doorbell bell;
        bell.ring();
        auto t = Clock::now();
        CPPUNIT_ASSERT_EQUAL(-1, bell.wait(nullptr, 0, 5000));
        CPPUNIT_ASSERT_EQUAL(EINTR, errno);
        CPPUNIT_ASSERT(msSince(t) < 1000);
        CPPUNIT_ASSERT(bell.rung());
        bell.clear();
        CPPUNIT_ASSERT(!bell.rung());
    }

    void ringDuringWaitWakes()
    {
        Doorbell bell;
        std::thread ringer(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                bell.ring();
            });
        auto t = Clock::now();
        int result = bell.wait(nullptr, 0, 10000);
        ringer.join();
        CPPUNIT_ASSERT_EQUAL(-1, result);
        CPPUNIT_ASSERT(bell.rung());
        CPPUNIT_ASSERT(msSince(t) < 5000);
    }

    void socketWakesAndTimeoutExpires()
    {
        Doorbell bell;
        int fds[2];
        CPPUNIT_ASSERT_EQUAL(0, ::pipe(fds));
        pollfd wait{fds[0], POLLIN, 0};
        auto t = Clock::now();
        CPPUNIT_ASSERT_EQUAL(0, bell.wait(&wait, 1, 100)); // nothing: the timeout
        CPPUNIT_ASSERT(msSince(t) >= 90);
        CPPUNIT_ASSERT_EQUAL(ssize_t(1), ::write(fds[1], "x", 1));
        CPPUNIT_ASSERT_EQUAL(1, bell.wait(&wait, 1, 5000));
        CPPUNIT_ASSERT(wait.revents & POLLIN);
        ::close(fds[0]);
        ::close(fds[1]);
    }

    void manyRingsNoneLost()
    {
        // The owner clears, says it is ready for round n, looks, waits, 2,000
        // times; the ringer rings once the owner is ready for its round. A
        // lost ring leaves the owner waiting its full 10 s: a failure, and
        // the ringer is let go.
        Doorbell bell;
        std::atomic<int> ready{0};
        const int rounds = 2000;
        std::thread ringer(
            [&]
            {
                for (int round = 1; round <= rounds; ++round)
                {
                    while (ready.load() < round)
                        std::this_thread::yield();
                    bell.ring();
                }
            });
        auto t = Clock::now();
        int woken = 0;
        bool lost = false;
        while (woken < rounds && !lost)
        {
            bell.clear();
            ready.store(woken + 1); // only now may the ring of this round come
            if (bell.rung() || bell.wait(nullptr, 0, 10000) < 0)
                ++woken;
            else
                lost = true;
        }
        ready.store(rounds + 1);
        ringer.join();
        CPPUNIT_ASSERT(!lost);
        CPPUNIT_ASSERT_EQUAL(rounds, woken);
        CPPUNIT_ASSERT(msSince(t) < 10000);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DoorbellTest);

} // namespace hchat::test
