#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hchat
{

struct IrcMessage
/// One IRC line as a client sends it ("Modern IRC": [@tags] [:source]
/// COMMAND [params] [:trailing]), parsed, and how hchatd writes its own.
{
    std::vector<std::pair<std::string, std::string>> tags; ///< unescaped values
    std::string source;
    std::string command; ///< upper case; a numeric as its three digits
    std::vector<std::string> params;

    static bool parse(const std::string& line, IrcMessage& message);
    /// False for a line with no command (blank, or only tags and a source).

    const std::string& param(std::size_t i) const;
    /// The i-th parameter, or "" when there are fewer.

    static std::string escapeTag(const std::string& value);
    static std::string unescapeTag(const std::string& value);
    /// A tag value as IRCv3 message-tags writes it: ';' ' ' '\' CR LF escaped.

    static bool isSafeParam(const std::string& value);
    /// May be a middle parameter: not empty, no space, no leading ':'.
    static std::string shown(const std::string& value);
    /// value when isSafeParam(), else "*": a client's word echoed in a numeric.
    static std::vector<std::string> split(const std::string& list);
    /// "#a,#b" as its non-empty items.
};

} // namespace hchat
