#pragma once

#include "ctl/ControlCommands.h"
#include "ctl/ControlServer.h"

#include <Poco/Net/TCPServerConnection.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace hchat
{

class ControlSession : public Poco::Net::TCPServerConnection
/// One request on the control socket (the protocol: ControlServer). The
/// peer's credentials (SO_PEERCRED) must be root's or the daemon's own
/// user's; anyone else is answered DENIED, logged and counted. A request
/// line must come within 10 s and be at most 4 KiB. Not thread-safe: one
/// session per connection thread.
{
public:
    ControlSession(const Poco::Net::StreamSocket& socket, ControlCommands& commands,
                   std::atomic<std::uint64_t>& refusals, ControlServer::Sessions& sessions);
    /// Listed in sessions while it lives.
    ~ControlSession() override;

    void run() override;

private:
    bool readLine(std::string& line);
    void answer(const ControlCommands::Answer& answer);
    void sendFile(const std::string& file);

    ControlCommands& _commands;
    std::atomic<std::uint64_t>& _refusals;
    ControlServer::Sessions& _sessions;
    std::string _who; ///< "uid 0 pid 4711", for the log
};

} // namespace hchat
