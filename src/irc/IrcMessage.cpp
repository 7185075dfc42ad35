#include "irc/IrcMessage.h"

#include <cctype>
#include <sstream>

namespace hchat
{

namespace
{
std::size_t skipSpaces(const std::string& line, std::size_t at)
{
    while (at < line.size() && line[at] == ' ')
        ++at;
    return at;
}

// The word at `at` (up to a space or the end); `at` moves past it.
std::string word(const std::string& line, std::size_t& at)
{
    const std::size_t end = std::min(line.find(' ', at), line.size());
    std::string w = line.substr(at, end - at);
    at = end;
    return w;
}
} // namespace

bool IrcMessage::parse(const std::string& line, IrcMessage& message)
{
    message = IrcMessage();
    std::size_t at = skipSpaces(line, 0);
    if (at < line.size() && line[at] == '@')
    {
        ++at;
        const std::string all = word(line, at);
        std::size_t start = 0;
        while (start <= all.size())
        {
            const std::size_t end = std::min(all.find(';', start), all.size());
            const std::string tag = all.substr(start, end - start);
            if (!tag.empty())
            {
                const std::size_t equals = tag.find('=');
                message.tags.emplace_back(
                    tag.substr(0, equals),
                    equals == std::string::npos ? "" : unescapeTag(tag.substr(equals + 1)));
            }
            start = end + 1;
        }
        at = skipSpaces(line, at);
    }
    if (at < line.size() && line[at] == ':')
    {
        ++at;
        message.source = word(line, at);
        at = skipSpaces(line, at);
    }
    message.command = word(line, at);
    if (message.command.empty())
        return false;
    for (char& c : message.command)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (;;)
    {
        at = skipSpaces(line, at);
        if (at >= line.size())
            break;
        if (line[at] == ':')
        {
            message.params.push_back(line.substr(at + 1));
            break;
        }
        message.params.push_back(word(line, at));
    }
    return true;
}

const std::string& IrcMessage::param(std::size_t i) const
{
    static const std::string none;
    return i < params.size() ? params[i] : none;
}

std::string IrcMessage::escapeTag(const std::string& value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value)
    {
        switch (c)
        {
        case ';':
            out += "\\:";
            break;
        case ' ':
            out += "\\s";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string IrcMessage::unescapeTag(const std::string& value)
{
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
    {
        if (value[i] != '\\')
        {
            out += value[i];
            continue;
        }
        if (++i == value.size())
            break; // a lone backslash at the end is dropped
        switch (value[i])
        {
        case ':':
            out += ';';
            break;
        case 's':
            out += ' ';
            break;
        case 'r':
            out += '\r';
            break;
        case 'n':
            out += '\n';
            break;
        default:
            out += value[i]; // "\\" and any other escaped character
        }
    }
    return out;
}

bool IrcMessage::isSafeParam(const std::string& value)
{
    return !value.empty() && value[0] != ':' && value.find(' ') == std::string::npos;
}

std::string IrcMessage::shown(const std::string& value)
{
    return isSafeParam(value) ? value : "*";
}

std::vector<std::string> IrcMessage::split(const std::string& list)
{
    std::vector<std::string> items;
    std::istringstream in(list);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

} // namespace hchat
