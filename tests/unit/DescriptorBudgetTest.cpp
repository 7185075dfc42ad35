#include "app/DescriptorBudget.h"
#include "app/Settings.h"

#include <Poco/Logger.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hchat::test
{

class DescriptorBudgetTest : public CppUnit::TestFixture
/// The limits are fitted in a child process: a lowered hard limit cannot
/// be raised again.
{
    CPPUNIT_TEST_SUITE(DescriptorBudgetTest);
    CPPUNIT_TEST(softLimitIsRaisedToWhatIsNeeded);
    CPPUNIT_TEST(aLowHardLimitLowersTheConnectionLimits);
    CPPUNIT_TEST_SUITE_END();

    struct Result
    {
        long soft;
        int httpThreads;
        int lineConnections;
    };

    static Result fitUnder(rlim_t soft, rlim_t hard)
    {
        int pipeFds[2];
        CPPUNIT_ASSERT_EQUAL(0, ::pipe(pipeFds));
        const pid_t child = ::fork();
        if (child == 0)
        {
            rlimit limit{soft, hard};
            ::setrlimit(RLIMIT_NOFILE, &limit);
            Settings settings;
            settings.httpMaxThreads = 12000;
            settings.linePort = 1235;
            settings.lineMaxConnections = 2048;
            DescriptorBudget::fit(settings, Poco::Logger::get("test"));
            ::getrlimit(RLIMIT_NOFILE, &limit);
            Result r{static_cast<long>(limit.rlim_cur), settings.httpMaxThreads,
                     settings.lineMaxConnections};
            (void)!::write(pipeFds[1], &r, sizeof r);
            ::_exit(0);
        }
        ::close(pipeFds[1]);
        Result r{};
        const ssize_t got = ::read(pipeFds[0], &r, sizeof r);
        ::close(pipeFds[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(sizeof r), got);
        return r;
    }

public:
    void softLimitIsRaisedToWhatIsNeeded()
    {
        rlimit now{};
        ::getrlimit(RLIMIT_NOFILE, &now);
        if (now.rlim_max != RLIM_INFINITY && now.rlim_max < 14112)
            return; // this machine cannot hold the defaults at all: the next test covers it
        const Result r = fitUnder(1024, now.rlim_max);
        CPPUNIT_ASSERT_EQUAL(12000 + 2048 + DescriptorBudget::reserved, static_cast<int>(r.soft));
        CPPUNIT_ASSERT_EQUAL(12000, r.httpThreads);
        CPPUNIT_ASSERT_EQUAL(2048, r.lineConnections);
    }

    void aLowHardLimitLowersTheConnectionLimits()
    {
        const Result r = fitUnder(1000, 1000);
        CPPUNIT_ASSERT_EQUAL(1000L, r.soft);
        CPPUNIT_ASSERT(r.httpThreads + r.lineConnections + DescriptorBudget::reserved <= 1000);
        CPPUNIT_ASSERT(r.httpThreads > r.lineConnections); // in proportion
        CPPUNIT_ASSERT(r.lineConnections >= 4);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DescriptorBudgetTest);

} // namespace hchat::test
