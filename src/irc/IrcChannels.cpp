#include "irc/IrcChannels.h"

#include "chat/ChatActions.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "chat/RoomRegistry.h"
#include "irc/IrcMessage.h"
#include "irc/IrcSession.h"
#include "line/LineServer.h"
#include "stream/StreamSession.h"

#include <Poco/String.h>

#include <algorithm>

namespace hchat
{

namespace
{

std::string seconds(const Poco::Timestamp& time)
{
    return std::to_string(time.epochTime());
}

} // namespace

IrcChannels::IrcChannels(IrcSession& session)
    : _session(session), _directory(session, *this), _history(session, *this)
{
}

bool IrcChannels::isRoomId(const std::string& text)
{
    if (text.size() != 32)
        return false;
    for (char c : text)
        if (!std::isxdigit(static_cast<unsigned char>(c)) ||
            std::isupper(static_cast<unsigned char>(c)))
            return false;
    return true;
}

IrcChannels::Channel* IrcChannels::find(const Room& room)
{
    auto it = _channels.find(&room);
    return it == _channels.end() ? nullptr : &it->second;
}

IrcChannels::Channel* IrcChannels::byName(const std::string& name)
{
    for (auto& [room, channel] : _channels)
        if (Poco::icompare(channel.name, name) == 0 || name == "#" + room->id())
            return &channel;
    return nullptr;
}

std::string IrcChannels::channelName(const Room& room) const
{
    const std::string label = _session.server().rooms().label(room);
    return label[0] == '#' ? label : "#" + room.id();
}

std::string IrcChannels::topicOf(const Room& room) const
{
    const std::string subject = room.record().subject;
    return subject == channelName(room) ? "" : subject;
}

bool IrcChannels::handle(const IrcMessage& m)
{
    const std::string& c = m.command;
    if (c == "JOIN" || c == "PART" || c == "KICK" || c == "MODE" || c == "TOPIC" || c == "WHO" ||
        c == "WHOIS" || c == "PRIVMSG" || c == "NOTICE" || c == "CHATHISTORY")
    {
        const std::size_t needed = c == "KICK" || c == "CHATHISTORY" ? 2 : 1;
        if (m.params.size() < needed)
        {
            _session.numeric("461", c + " :Not enough parameters");
            return true;
        }
    }
    if (c == "JOIN")
        join(m.param(0));
    else if (c == "PART")
        part(m.param(0));
    else if (c == "TOPIC")
        topic(m);
    else if (c == "PRIVMSG" || c == "NOTICE")
        say(m);
    else if (c == "NAMES")
        _directory.names(m.param(0));
    else if (c == "LIST")
        _directory.list();
    else if (c == "WHO")
        _directory.who(m.param(0));
    else if (c == "WHOIS")
        _directory.whois(m.params.back());
    else if (c == "MODE")
        mode(m);
    else if (c == "KICK")
        kick(m);
    else if (c == "CHATHISTORY")
        _history.request(m);
    else
        return false;
    return true;
}

// JOIN #a,#b (keys ignored: rooms have none); JOIN 0 parts every channel.
void IrcChannels::join(const std::string& list)
{
    if (list == "0")
        return partAll();
    for (const std::string& name : IrcMessage::split(list))
        joinOne(name);
}

void IrcChannels::joinOne(const std::string& name)
{
    LineServer& server = _session.server();
    ChatActions& actions = server.actions();
    ChatActions::Actor& actor = _session.actor();
    IrcCodec& codec = _session.codec();
    if (name[0] != '#')
        return _session.numeric("403",
                                IrcMessage::shown(name) + " :No such channel: a channel is #name");
    std::shared_ptr<Room> room =
        isRoomId(name.substr(1)) ? server.rooms().find(name.substr(1)) : nullptr;
    if (!room)
    {
        const ChatActions::Outcome opened = actions.openRoom(actor, name);
        if (!opened.done())
            return _session.numeric("403", IrcMessage::shown(name) + " :" + opened.detail);
        room = opened.room;
    }
    if (find(*room))
        return;
    const ChatActions::Outcome allowed = actions.mayEnter(actor, *room, codec.nick());
    const std::string channel = channelName(*room);
    if (allowed.result == ChatActions::Result::Banned)
        return _session.numeric("474", channel + " :Cannot join channel (+b): " + allowed.detail);
    if (!allowed.done())
        return _session.numeric("403", channel + " :" + allowed.detail);
    const std::string topic = topicOf(*room);
    {
        auto hold = _session.stream().connection().hold();
        _channels[room.get()] = Channel{room, channel, topic};
    }
    const std::uint64_t liveFrom = room->next();
    _session.stream().enterToo(room, liveFrom, actor.key, codec.nick(), actor.defaultName());
    std::string out;
    codec.fromPerson(codec.nick(), "JOIN " + channel, out);
    _session.reply(out);
    if (!topic.empty())
    {
        _session.numeric("332", channel + " :" + topic);
        _session.numeric("333", channel + " hchatd " + seconds(room->record().created));
    }
    _directory.namesOf(*room, channel, false);
    const auto recent = static_cast<std::uint64_t>(server.options().recentOnJoin);
    if (codec.has(IrcCodec::Batch) && codec.has(IrcCodec::ServerTime) &&
        !codec.has(IrcCodec::ChatHistory) && recent > 0)
        _history.playBack(*room, channel, liveFrom > recent ? liveFrom - recent : 0, liveFrom);
}

void IrcChannels::part(const std::string& list)
{
    for (const std::string& name : IrcMessage::split(list))
    {
        Channel* channel = byName(name);
        if (!channel)
            _session.numeric("442", IrcMessage::shown(name) + " :You're not on that channel");
        else
            leave(*channel);
    }
}

void IrcChannels::leave(Channel& channel)
{
    std::string out;
    _session.codec().fromPerson(_session.codec().nick(), "PART " + channel.name, out);
    // What it said just before comes first, then the echo of its PART.
    _session.stream().flush();
    _session.reply(out);
    const std::shared_ptr<Room> room = channel.room;
    _session.stream().leave(*room, true);
    forget(*room);
}

void IrcChannels::partAll()
{
    while (!_channels.empty())
        leave(_channels.begin()->second);
}

void IrcChannels::forget(const Room& room)
{
    auto hold = _session.stream().connection().hold();
    _channels.erase(&room);
}

// TOPIC #c: the subject; TOPIC #c :text changes it (the owner, the operator).
void IrcChannels::topic(const IrcMessage& m)
{
    Channel* channel = byName(m.param(0));
    if (!channel)
        return _session.numeric("442",
                                IrcMessage::shown(m.param(0)) + " :You're not on that channel");
    if (m.params.size() < 2)
    {
        const std::string topic = topicOf(*channel->room);
        if (topic.empty())
            return _session.numeric("331", channel->name + " :No topic is set");
        _session.numeric("332", channel->name + " :" + topic);
        _session.numeric("333",
                         channel->name + " hchatd " + seconds(channel->room->record().created));
        return;
    }
    RoomActions::Settings settings;
    settings.subject = m.param(1);
    const ChatActions::Outcome outcome = _session.server().roomActions().change(
        _session.actor(), channel->room, settings, _session.codec().nick());
    if (outcome.result == ChatActions::Result::NotAllowed)
        return _session.numeric("482", channel->name + " :You're not channel operator");
    if (!outcome.done())
        _session.numeric("477", channel->name + " :" + outcome.detail);
}

// PRIVMSG/NOTICE <#channel|name>[,…] :text
void IrcChannels::say(const IrcMessage& m)
{
    const bool quiet = m.command == "NOTICE"; // never answered with an error
    std::string text = m.param(1);
    if (!text.empty() && text[0] == '\x01')
    {
        const std::string ctcp = "\x01"
                                 "ACTION ";
        if (text.compare(0, ctcp.size(), ctcp) != 0)
            return; // other CTCP (VERSION, PING…): not answered
        text =
            "/me " + text.substr(ctcp.size(), text.size() - ctcp.size() - (text.back() == '\x01'));
    }
    if (Poco::trim(text).empty())
    {
        if (!quiet)
            _session.numeric("412", ":No text to send");
        return;
    }
    ChatActions& actions = _session.server().actions();
    for (const std::string& target : IrcMessage::split(m.param(0)))
    {
        ChatActions::Outcome outcome;
        if (target[0] == '#')
        {
            Channel* channel = byName(target);
            if (!channel)
            {
                if (!quiet)
                    _session.numeric("404", IrcMessage::shown(target) +
                                                " :Cannot send to channel: join it first");
                continue;
            }
            outcome = actions.send(_session.actor(), *channel->room, _session.codec().nick(), text);
            if (!outcome.done() && !quiet)
                _session.numeric("404",
                                 channel->name + " :Cannot send to channel: " + outcome.detail);
            continue;
        }
        outcome = actions.whisper(_session.actor(), target, text);
        if (quiet || outcome.done())
            continue;
        if (outcome.result == ChatActions::Result::NotOnline)
            _session.numeric("401", IrcMessage::shown(target) + " :No such nick");
        else
            _session.numeric("404", IrcMessage::shown(target) + " :Cannot send: " + outcome.detail);
    }
}

// MODE name (221), MODE #c (324, 329), MODE #c b (367, 368), MODE #c +b/-b mask
void IrcChannels::mode(const IrcMessage& m)
{
    const std::string& target = m.param(0);
    IrcCodec& codec = _session.codec();
    if (target[0] != '#')
    {
        if (Nickname::folded(target) != Nickname::folded(codec.nick()))
            return _session.numeric("502", ":Can't change mode for other users");
        return _session.numeric("221", "+");
    }
    Channel* channel = byName(target);
    if (!channel)
        return _session.numeric("442", IrcMessage::shown(target) + " :You're not on that channel");
    const std::string change = m.param(1);
    if (change.empty())
    {
        _session.numeric("324", channel->name + " +nt");
        return _session.numeric("329",
                                channel->name + " " + seconds(channel->room->record().created));
    }
    const std::string mask = m.param(2);
    const bool listing = (change == "b" || change == "+b") && mask.empty();
    if (listing)
    {
        std::vector<RoomBan> bans;
        if (_session.server().roomActions().listBans(_session.actor(), *channel->room, bans).done())
            for (const RoomBan& ban : bans)
                _session.numeric("367", channel->name + " " + ban.name + "!*@* hchatd");
        return _session.numeric("368", channel->name + " :End of channel ban list");
    }
    if ((change != "+b" && change != "-b") || mask.empty())
        return _session.numeric("472", IrcMessage::shown(change) + " :is unknown mode char to me");
    const std::string name = mask.substr(0, mask.find('!'));
    RoomActions& actions = _session.server().roomActions();
    const ChatActions::Outcome outcome =
        change == "+b" ? actions.ban(_session.actor(), channel->room, name, 0, codec.nick())
                       : actions.unban(_session.actor(), channel->room, name, codec.nick());
    if (outcome.result == ChatActions::Result::NotAllowed)
        return _session.numeric("482", channel->name + " :You're not channel operator");
    if (!outcome.done())
        return _session.numeric("401", IrcMessage::shown(name) + " :" + outcome.detail);
    std::string out;
    codec.fromPerson(codec.nick(), "MODE " + channel->name + " " + change + " " + name + "!*@*",
                     out);
    _session.reply(out);
}

// KICK #channel name [:reason]
void IrcChannels::kick(const IrcMessage& m)
{
    Channel* channel = byName(m.param(0));
    if (!channel)
        return _session.numeric("442",
                                IrcMessage::shown(m.param(0)) + " :You're not on that channel");
    const std::string& name = m.param(1);
    IrcCodec& codec = _session.codec();
    const ChatActions::Outcome outcome =
        _session.server().roomActions().kick(_session.actor(), channel->room, name, codec.nick());
    if (outcome.result == ChatActions::Result::NotAllowed)
        return _session.numeric("482", channel->name + " :You're not channel operator");
    if (outcome.result == ChatActions::Result::NotOnline)
        return _session.numeric("441", IrcMessage::shown(name) + " " + channel->name +
                                           " :They aren't on that channel");
    if (!outcome.done())
        return _session.numeric("482", channel->name + " :" + outcome.detail);
    std::string out;
    codec.fromPerson(codec.nick(),
                     "KICK " + channel->name + " " + name + " :" +
                         (m.param(2).empty() ? codec.nick() : m.param(2)),
                     out);
    _session.reply(out);
}

} // namespace hchat
