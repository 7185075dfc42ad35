// libFuzzer target: IRC lines as clients send them (IrcMessage::parse), and
// the tag escaping hchatd writes back (IrcMessage::escapeTag / unescapeTag).
// Parsing never fails on any bytes; a parsed command is upper case and not
// empty, no middle parameter holds a space, and escaping round-trips.
#include "irc/IrcMessage.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string line(reinterpret_cast<const char*>(data), size);
    hchat::IrcMessage m;
    if (hchat::IrcMessage::parse(line, m))
    {
        if (m.command.empty())
            std::abort();
        for (char c : m.command)
            if (c >= 'a' && c <= 'z')
                std::abort();
        for (std::size_t i = 0; i + 1 < m.params.size(); ++i)
            if (m.params[i].find(' ') != std::string::npos)
                std::abort();
    }
    if (hchat::IrcMessage::unescapeTag(hchat::IrcMessage::escapeTag(line)) != line)
        std::abort();
    const std::string escaped = hchat::IrcMessage::escapeTag(line);
    if (escaped.find_first_of("; \r\n") != std::string::npos)
        std::abort();
    return 0;
}
