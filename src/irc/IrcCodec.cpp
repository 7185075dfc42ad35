#include "irc/IrcCodec.h"

#include "chat/Nickname.h"
#include "irc/IrcMessage.h"

#include <Poco/NumberParser.h>

#include <algorithm>
#include <cctype>

namespace hchat
{

namespace
{
struct Named
{
    const char* name;
    IrcCodec::Capability capability;
};
// Offered in this order by CAP LS.
const Named offered[] = {
    {"account-tag", IrcCodec::AccountTag},        {"batch", IrcCodec::Batch},
    {"draft/chathistory", IrcCodec::ChatHistory}, {"echo-message", IrcCodec::EchoMessage},
    {"message-tags", IrcCodec::MessageTags},      {"sasl", IrcCodec::Sasl},
    {"server-time", IrcCodec::ServerTime},
};
const std::string action = "/me ";
} // namespace

unsigned IrcCodec::capabilityOf(const std::string& name)
{
    for (const Named& n : offered)
        if (name == n.name)
            return n.capability;
    return 0;
}

std::string IrcCodec::capabilityList(bool withValues)
{
    std::string list;
    for (const Named& n : offered)
    {
        list += list.empty() ? "" : " ";
        list += n.name;
        if (withValues && n.capability == Sasl)
            list += "=PLAIN";
    }
    return list;
}

IrcCodec::IrcCodec(std::string server) : _server(std::move(server)) {}

std::string IrcCodec::mask(const std::string& name)
{
    return name + "!" + name + "@hchat";
}

void IrcCodec::numeric(const char* code, const std::string& rest, std::string& out) const
{
    out += ':';
    out += _server;
    out += ' ';
    out += code;
    out += ' ';
    out += _nick;
    out += ' ';
    out += rest;
    out += "\r\n";
}

void IrcCodec::fromServer(const std::string& rest, std::string& out) const
{
    out += ':' + _server + ' ' + rest + "\r\n";
}

void IrcCodec::fromPerson(const std::string& name, const std::string& rest, std::string& out) const
{
    out += ':' + mask(name) + ' ' + rest + "\r\n";
}

bool IrcCodec::mine(const std::string& name) const
{
    // Names are ASCII (Nickname): compared without making folded copies.
    return name.size() == _nick.size() &&
           std::equal(name.begin(), name.end(), _nick.begin(),
                      [](char a, char b)
                      {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                      });
}

std::string IrcCodec::msgid(const std::string& roomId, std::uint64_t n)
{
    return roomId + "-" + std::to_string(n);
}

bool IrcCodec::parseMsgid(const std::string& msgid, std::uint64_t& n)
{
    const std::size_t dash = msgid.rfind('-');
    return dash != std::string::npos &&
           Poco::NumberParser::tryParseUnsigned64(msgid.substr(dash + 1), n);
}

std::string IrcCodec::tags(const Message& m, const std::string& roomId,
                           const std::string& batch) const
{
    std::string t;
    auto add = [&t](const std::string& tag)
    {
        t += t.empty() ? "@" : ";";
        t += tag;
    };
    if (!batch.empty() && has(Batch))
        add("batch=" + batch);
    if (has(ServerTime))
        add("time=" + m.timeText());
    if (has(MessageTags))
        add("msgid=" + msgid(roomId, m.id()));
    if (has(AccountTag) && !m.account().empty())
        add("account=" + IrcMessage::escapeTag(m.account()));
    return t.empty() ? t : t + " ";
}

void IrcCodec::say(const std::string& author, const std::string& target, const std::string& text,
                   const std::string& tags, std::string& out) const
{
    const bool isAction = text.compare(0, action.size(), action) == 0;
    const std::string head = tags + ':' + mask(author) + " PRIVMSG " + target + " :";
    std::size_t start = isAction ? action.size() : 0;
    while (start < text.size())
    {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::size_t length = end - start;
        if (length > 0 && text[start + length - 1] == '\r')
            --length;
        if (length > 0)
        {
            out += head;
            if (isAction)
                out += "\x01"
                       "ACTION ";
            out.append(text, start, length);
            if (isAction)
                out += '\x01';
            out += "\r\n";
        }
        start = end + 1;
    }
}

void IrcCodec::said(const Message& m, const std::string& roomId, const std::string& channel,
                    const std::string& batch, std::string& out) const
{
    if (!batch.empty())
        return say(m.author(), channel, m.text(), tags(m, roomId, batch), out);
    // A publishing thread writes one message to every client of the
    // channel in a row: it is rendered once for all with the same tags.
    struct Rendered
    {
        const Message* message = nullptr;
        std::uint64_t id = 0;
        std::size_t size = 0; ///< of its text: an edited message is a new one
        unsigned tagged = 0;
        std::string roomId, channel, bytes;
    };
    thread_local Rendered last;
    const unsigned tagged = _capabilities & (ServerTime | MessageTags | AccountTag);
    if (last.message != &m || last.id != m.id() || last.size != m.text().size() ||
        last.tagged != tagged || last.channel != channel || last.roomId != roomId)
    {
        last.bytes.clear();
        say(m.author(), channel, m.text(), tags(m, roomId, ""), last.bytes);
        last.message = &m;
        last.id = m.id();
        last.size = m.text().size();
        last.tagged = tagged;
        last.channel = channel;
        last.roomId = roomId;
    }
    out += last.bytes;
}

void IrcCodec::entry(const Message& m, const std::string& roomId, const std::string& channel,
                     const std::string& batch, std::string& out) const
{
    if (!batch.empty() && m.kind() != MessageKind::Message)
        return; // played back: what was said, as it reads now
    if (m.kind() == MessageKind::Message)
    {
        if (!mine(m.author()) || has(EchoMessage) || !batch.empty())
            said(m, roomId, channel, batch, out);
        return;
    }
    const std::string t = tags(m, roomId, batch);
    auto notice = [&](const std::string& text)
    { out += t + ':' + _server + " NOTICE " + channel + " :" + text + "\r\n"; };
    // Those a notice is about: its crowd, or its author alone.
    auto each = [&](const char* verb)
    {
        const Crowd& crowd = m.crowd();
        if (crowd.empty())
        {
            if (!mine(m.author()))
                fromPerson(m.author(), std::string(verb) + " " + channel, out);
            return;
        }
        for (const std::string& name : crowd.names)
            if (!mine(name))
                fromPerson(name, std::string(verb) + " " + channel, out);
        if (crowd.count > crowd.names.size())
            notice(m.text());
    };
    switch (m.kind())
    {
    case MessageKind::Message: // above
        break;
    case MessageKind::Join:
        each("JOIN");
        break;
    case MessageKind::Leave:
        each("PART");
        break;
    case MessageKind::Nick: // the session renders these: once, not once per channel
        break;
    case MessageKind::Moderation:
        notice(m.text());
        break;
    case MessageKind::Edit:
        notice(m.author() + " edited message " + std::to_string(m.target()) + ": " +
               m.text().substr(0, m.text().find('\n')));
        break;
    case MessageKind::Delete:
        notice(m.author() + " deleted message " + std::to_string(m.target()));
        break;
    case MessageKind::Deleted: // gone: not shown
        break;
    }
}

void IrcCodec::letter(const Mailbox::Letter& letter, std::string& out) const
{
    const bool fromMe = mine(letter.from);
    if (fromMe && !mine(letter.to) && !has(EchoMessage))
        return;
    say(letter.from, fromMe ? letter.to : _nick, letter.text, "", out);
}

} // namespace hchat
