#pragma once

#include "support/DaemonTest.h"

#include <map>
#include <string>
#include <vector>

namespace hchat::test
{

class ControlDaemonTest : public DaemonTest
/// A DaemonTest whose daemon has a control socket, with its database and
/// socket in a folder of the test's own (_state) that outlives restarts;
/// and the operator's client, hchatd --ctl, to talk to it.
{
protected:
    std::map<std::string, std::string> configuration() const override;
    /// control.socket and store.path in _state.

    int ctl(const std::vector<std::string>& command, std::string& output) const;
    /// Runs hchatd -c <the daemon's configuration> --ctl command…; its exit
    /// status, and stdout and stderr in output.
    std::string ctlOk(const std::vector<std::string>& command) const;
    /// The output of a command that must succeed (asserted).

    static bool has(const std::string& text, const std::string& part)
    {
        return text.find(part) != std::string::npos;
    }
};

} // namespace hchat::test
