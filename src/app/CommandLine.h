#pragma once

#include <string>
#include <vector>

namespace hchat
{

class CommandLine
/// hchatd's command line (SPEC §3): `hchatd [-h] [-d] [-p portnum] [-c file]`
/// and the long forms --help, --daemon, --port, --config; and
/// `hchatd [-c file] --ctl command [argument …]`, the operator's client. Parsed with POCO's
/// OptionProcessor before the ServerApplication starts, so that a bad option
/// can be answered with one line and exit status 64 (EX_USAGE) and "-d" can
/// be handed on as the "--daemon" that ServerApplication looks for.
{
public:
    bool help = false;
    bool daemon = false;
    int port = -1;                    ///< -1: not given
    std::string configFile;           ///< empty: not given
    bool control = false;             ///< --ctl: talk to a running daemon
    std::vector<std::string> command; ///< --ctl's command and arguments

    void parse(const std::vector<std::string>& args);
    /// Parses the arguments after the program name. Throws
    /// Poco::Util::OptionException or Poco::InvalidArgumentException with a
    /// message that names the offending option or value.

    static std::string usage();
};

} // namespace hchat
