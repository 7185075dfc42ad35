#include "app/CommandLine.h"

#include "ctl/ControlCommands.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

namespace hchat
{

using Poco::Util::Option;
using Poco::Util::OptionSet;

void CommandLine::parse(const std::vector<std::string>& args)
{
    OptionSet options;
    options.addOption(Option("help", "h", "print usage and exit"));
    options.addOption(Option("daemon", "d", "run in the background as a daemon"));
    options.addOption(Option("port", "p", "HTTP port").argument("portnum"));
    options.addOption(Option("config", "c", "configuration file").argument("file"));

    Poco::Util::OptionProcessor processor(options);
    processor.setUnixStyle(true);
    for (auto it = args.begin(); it != args.end(); ++it)
    {
        const std::string& arg = *it;
        if (arg == "--ctl")
        {
            // The rest is the command for the daemon, not options.
            control = true;
            command.assign(it + 1, args.end());
            if (command.empty())
                throw Poco::InvalidArgumentException("option --ctl needs a command");
            if (daemon || port >= 0)
                throw Poco::InvalidArgumentException("--ctl goes with -c only");
            break;
        }
        std::string name, value;
        if (!processor.process(arg, name, value))
            throw Poco::InvalidArgumentException("unexpected argument '" + arg + "'");
        if (name == "help")
            help = true;
        else if (name == "daemon")
            daemon = true;
        else if (name == "config")
        {
            if (value.empty())
                throw Poco::InvalidArgumentException("option --config needs a file name");
            configFile = value;
        }
        else if (name == "port")
        {
            unsigned number = 0;
            if (!Poco::NumberParser::tryParseUnsigned(value, number) || number > 65535 ||
                value.find_first_not_of("0123456789") != std::string::npos)
                throw Poco::InvalidArgumentException("bad port '" + value +
                                                     "' (expected 0 to 65535)");
            port = static_cast<int>(number);
        }
    }
    processor.checkRequired(); // throws MissingArgumentException for "-p" at the very end
}

std::string CommandLine::usage()
{
    return "usage: hchatd [-h] [-d] [-p portnum] [-c file]\n"
           "       hchatd [-c file] --ctl command [argument ...]\n"
           "  -h, --help           print this help and exit\n"
           "  -d, --daemon         detach and run in the background (see daemon.pidFile)\n"
           "  -p, --port=portnum   HTTP port (default 1234, 0 = no plain HTTP)\n"
           "  -c, --config=file    configuration file (default ./hchatd.conf, then\n"
           "                       /etc/hchatd/hchatd.conf, if present)\n"
           "Command-line values override the configuration file.\n"
           "--ctl sends a command to the daemon running with that configuration\n"
           "(its control.socket):\n" +
           ControlCommands::usage() + "See hchatd(8).\n";
}

} // namespace hchat
