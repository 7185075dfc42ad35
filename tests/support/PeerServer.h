#pragma once

#include <Poco/Process.h>

#include <memory>
#include <string>
#include <vector>

namespace hchat::test
{

class PeerServer
/// A server program from Debian that a test runs beside hchatd (haproxy,
/// nginx): a temporary folder of its own for its configuration and files,
/// the program in the foreground, stopped by its PID (SIGTERM) when this
/// goes, and the folder removed.
{
public:
    PeerServer();
    /// Makes the folder; start() runs the program.
    ~PeerServer();

    const std::string& dir() const { return _dir; }

    void start(const std::string& program, const std::vector<std::string>& args, int port);
    /// Launches it and waits up to 10 s until it accepts connections on
    /// 127.0.0.1:port; throws when it does not.

private:
    std::string _dir;
    std::unique_ptr<Poco::ProcessHandle> _process;
};

} // namespace hchat::test
