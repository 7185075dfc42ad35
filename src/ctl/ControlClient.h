#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hchat
{

class ControlClient
/// hchatd --ctl: sends one command to a running daemon over its control
/// socket (ControlServer) and shows the answer. For backup FILE it writes
/// the copy to FILE.part, flushes it to disk and renames it to FILE, so
/// FILE is whole or untouched. Not thread-safe.
{
public:
    explicit ControlClient(std::string socketPath);

    int run(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);
    /// Returns the exit status: 0 done, 1 the daemon refused the command
    /// (its reason on err), 64 (EX_USAGE) no such command or arguments,
    /// 69 (EX_UNAVAILABLE) no daemon answers on the socket, 74 (EX_IOERR)
    /// FILE cannot be written, 77 (EX_NOPERM) not allowed to use it.

private:
    const std::string _path;
};

} // namespace hchat
