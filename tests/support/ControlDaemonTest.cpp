#include "support/ControlDaemonTest.h"

#include <Poco/File.h>

#include <cppunit/TestAssert.h>

namespace hchat::test
{

std::map<std::string, std::string> ControlDaemonTest::configuration() const
{
    return {{"control.socket", _state + "/ctl.sock"}, {"store.path", _state + "/hchatd.db"}};
}

int ControlDaemonTest::ctl(const std::vector<std::string>& command, std::string& output) const
{
    std::vector<std::string> args = {"-c", _daemon->configPath(), "--ctl"};
    args.insert(args.end(), command.begin(), command.end());
    return DaemonProcess::run(args, output);
}

std::string ControlDaemonTest::ctlOk(const std::vector<std::string>& command) const
{
    std::string output;
    const int status = ctl(command, output);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, status);
    return output;
}

} // namespace hchat::test
