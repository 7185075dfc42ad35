#include "support/Program.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>

#include <fstream>
#include <iterator>

namespace hchat::test
{

int Program::run(const std::string& command, const std::vector<std::string>& args,
                 std::string& output, const Poco::Process::Env& env)
{
    Poco::Pipe out;
    Poco::ProcessHandle handle = Poco::Process::launch(command, args, nullptr, &out, &out, env);
    Poco::PipeInputStream in(out);
    output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return handle.wait();
}

std::string Program::fileText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace hchat::test
