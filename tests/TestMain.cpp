// Runs every registered CppUnit suite (or those named on the command line,
// but for those named in $HCHAT_TEST_SKIP, comma-separated) and ends with the
// line "N passed, N failed" that CI reads. $HCHAT_TEST_SHARD=k/n runs the
// k-th of n shares of the tests (every n-th, from the k-th; k from 0), so
// that n processes side by side run each test once.
#include "support/DaemonProcess.h"

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN); // tests close sockets the daemon still writes to
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector collected;
    controller.addListener(&collected);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);

    CppUnit::TestRunner runner;
    CppUnit::Test* all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
    if (argc > 1)
        for (int i = 1; i < argc; ++i)
            runner.addTest(all->findTest(argv[i]));
    else
    {
        const char* skipped = std::getenv("HCHAT_TEST_SKIP");
        const std::string skip = "," + std::string(skipped ? skipped : "") + ",";
        int shard = 0, shards = 1;
        if (const char* share = std::getenv("HCHAT_TEST_SHARD"))
            if (std::sscanf(share, "%d/%d", &shard, &shards) != 2 || shards < 1 || shard < 0 ||
                shard >= shards)
            {
                std::cerr << "HCHAT_TEST_SHARD must be k/n with 0 <= k < n" << std::endl;
                return 64;
            }
        // Test by test, not suite by suite: a few suites take most of the
        // time, and every test has a fixture of its own.
        int index = 0;
        for (int i = 0; i < all->getChildTestCount(); ++i)
        {
            CppUnit::Test* suite = all->getChildTestAt(i);
            if (skip.find("," + suite->getName() + ",") != std::string::npos)
                continue;
            for (int j = 0; j < suite->getChildTestCount(); ++j)
                if (index++ % shards == shard)
                    runner.addTest(suite->getChildTestAt(j));
        }
    }
    runner.run(controller);

    CppUnit::CompilerOutputter(&collected, std::cerr).write();
    int failed = collected.testFailuresTotal();
    // A daemon's sanitizer report fails the run even when every assertion held.
    if (int reports = hchat::test::DaemonProcess::sanitizerReports())
    {
        std::cerr << reports << " daemon run(s) reported sanitizer errors" << std::endl;
        failed += reports;
    }
    int run = collected.runTests();
    std::cout << (run - failed) << " passed, " << failed << " failed" << std::endl;
    return failed == 0 ? 0 : 1;
}
