#pragma once

#include <Poco/Process.h>

#include <string>
#include <vector>

namespace hchat::test
{

class Program
/// Another program run to completion by a test (make, dpkg, sqlite3,
/// setpriv, hchatd --ctl): its exit status, and its output, stdout and
/// stderr together.
{
public:
    static int run(const std::string& command, const std::vector<std::string>& args,
                   std::string& output, const Poco::Process::Env& env = {});

    static std::string fileText(const std::string& path);
    /// The whole file; "" when it cannot be read.
};

} // namespace hchat::test
