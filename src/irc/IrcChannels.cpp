#include "irc/IrcChannels.h"

#include "chat/Accounts.h"
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

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>

namespace hchat
{

namespace
{
// CHATHISTORY answers at most this many messages (ISUPPORT CHATHISTORY=100).
const std::uint64_t historyLimit = 100;
// LIST shows at most this many public rooms, the most recently active.
const std::size_t listed = 500;
// Bytes of names in one 353 line.
const std::size_t namesPerLine = 400;

std::vector<std::string> split(const std::string& list)
{
    std::vector<std::string> items;
    std::istringstream in(list);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

std::string seconds(const Poco::Timestamp& time)
{
    return std::to_string(time.epochTime());
}

std::string shown(const std::string& text)
{
    return IrcMessage::isSafeParam(text) ? text : "*";
}
} // namespace

IrcChannels::IrcChannels(IrcSession& session) : _session(session) {}

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

std::string IrcChannels::prefixOf(const std::string& name, const RoomRecord& record) const
{
    switch (_session.server().roomActions().roleOfOnlineName(name, record))
    {
    case Permissions::Role::Operator:
    case Permissions::Role::Owner:
        return "~";
    case Permissions::Role::Moderator:
        return "@";
    default:
        return "";
    }
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
        names(m.param(0));
    else if (c == "LIST")
        list();
    else if (c == "WHO")
        who(m.param(0));
    else if (c == "WHOIS")
        whois(m.params.back());
    else if (c == "MODE")
        mode(m);
    else if (c == "KICK")
        kick(m);
    else if (c == "CHATHISTORY")
        history(m);
    else
        return false;
    return true;
}

// JOIN #a,#b (keys ignored: rooms have none); JOIN 0 parts every channel.
void IrcChannels::join(const std::string& list)
{
    if (list == "0")
        return partAll();
    for (const std::string& name : split(list))
        joinOne(name);
}

void IrcChannels::joinOne(const std::string& name)
{
    LineServer& server = _session.server();
    ChatActions& actions = server.actions();
    ChatActions::Actor& actor = _session.actor();
    IrcCodec& codec = _session.codec();
    if (name[0] != '#')
        return _session.numeric("403", shown(name) + " :No such channel: a channel is #name");
    std::shared_ptr<Room> room =
        isRoomId(name.substr(1)) ? server.rooms().find(name.substr(1)) : nullptr;
    if (!room)
    {
        const ChatActions::Outcome opened = actions.openRoom(actor, name);
        if (!opened.done())
            return _session.numeric("403", shown(name) + " :" + opened.detail);
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
    namesOf(*find(*room), false);
    const auto recent = static_cast<std::uint64_t>(server.options().recentOnJoin);
    if (codec.has(IrcCodec::Batch) && codec.has(IrcCodec::ServerTime) &&
        !codec.has(IrcCodec::ChatHistory) && recent > 0)
        playBack(*room, channel, liveFrom > recent ? liveFrom - recent : 0, liveFrom);
}

void IrcChannels::part(const std::string& list)
{
    for (const std::string& name : split(list))
    {
        Channel* channel = byName(name);
        if (!channel)
            _session.numeric("442", shown(name) + " :You're not on that channel");
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
        return _session.numeric("442", shown(m.param(0)) + " :You're not on that channel");
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
    for (const std::string& target : split(m.param(0)))
    {
        ChatActions::Outcome outcome;
        if (target[0] == '#')
        {
            Channel* channel = byName(target);
            if (!channel)
            {
                if (!quiet)
                    _session.numeric("404",
                                     shown(target) + " :Cannot send to channel: join it first");
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
            _session.numeric("401", shown(target) + " :No such nick");
        else
            _session.numeric("404", shown(target) + " :Cannot send: " + outcome.detail);
    }
}

void IrcChannels::names(const std::string& list)
{
    for (const std::string& name : split(list))
    {
        if (Channel* channel = byName(name))
            namesOf(*channel, true);
        else
            _session.numeric("366", shown(name) + " :End of /NAMES list");
    }
}

void IrcChannels::namesOf(const Channel& channel, bool exact)
{
    const Room& room = *channel.room;
    const RoomRecord record = room.record();
    const std::string head = std::string(room.isPublic() ? "= " : "@ ") + channel.name + " :";
    // On JOIN, as of the last sweep (a second at most: thousands may arrive
    // at once), with this client surely; NAMES, as it is now.
    People& people = _session.server().people();
    const People::Names everyone =
        exact ? std::make_shared<const std::vector<std::string>>(people.online(room.id()))
              : people.namesAsOfSweep(room.id());
    const std::string& me = _session.codec().nick();
    std::string line;
    auto add = [&](const std::string& name)
    {
        if (line.size() > namesPerLine)
        {
            _session.numeric("353", head + line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + prefixOf(name, record) + name;
    };
    bool meToo = true;
    for (const std::string& name : *everyone)
    {
        meToo = meToo && name != me;
        add(name);
    }
    if (meToo)
        add(me);
    if (!line.empty())
        _session.numeric("353", head + line);
    _session.numeric("366", channel.name + " :End of /NAMES list");
}

// LIST: the public rooms, most recently active first; unlisted ones never.
void IrcChannels::list()
{
    RoomRegistry& rooms = _session.server().rooms();
    People& people = _session.server().people();
    _session.numeric("321", "Channel :Users  Name");
    for (const auto& room : rooms.mostActive(listed).rooms)
        _session.numeric("322", channelName(*room) + " " +
                                    std::to_string(people.countOnline(room->id())) + " :" +
                                    topicOf(*room));
    _session.numeric("323", ":End of /LIST");
}

// WHO #channel (one joined) or WHO name
void IrcChannels::who(const std::string& target)
{
    LineServer& server = _session.server();
    const std::string me = server.options().serverName;
    auto row = [&](const std::string& channel, const std::string& name) {
        _session.numeric("352",
                         channel + " " + name + " hchat " + me + " " + name + " H :0 " + name);
    };
    if (Channel* channel = byName(target))
        for (const std::string& name : server.people().online(channel->room->id()))
            row(channel->name, name);
    else if (target[0] != '#')
    {
        const std::string key = server.people().keyOf(target);
        if (!key.empty())
            row("*", server.people().nameOf(key, target));
    }
    _session.numeric("315", shown(target) + " :End of /WHO list");
}

// WHOIS [server] name
void IrcChannels::whois(const std::string& target)
{
    People& people = _session.server().people();
    const std::string key = people.keyOf(target);
    if (key.empty())
    {
        _session.numeric("401", shown(target) + " :No such nick");
        return _session.numeric("318", shown(target) + " :End of /WHOIS list");
    }
    const std::string name = people.nameOf(key, target);
    _session.numeric("311", name + " " + name + " hchat * :" + name);
    _session.numeric("312", name + " " + _session.server().options().serverName + " :hchatd");
    const std::string account = Accounts::accountOfKey(key);
    if (!account.empty())
        _session.numeric("330", name + " " + account + " :is logged in as");
    _session.numeric("318", name + " :End of /WHOIS list");
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
        return _session.numeric("442", shown(target) + " :You're not on that channel");
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
        return _session.numeric("472", shown(change) + " :is unknown mode char to me");
    const std::string name = mask.substr(0, mask.find('!'));
    RoomActions& actions = _session.server().roomActions();
    const ChatActions::Outcome outcome =
        change == "+b" ? actions.ban(_session.actor(), channel->room, name, 0, codec.nick())
                       : actions.unban(_session.actor(), channel->room, name, codec.nick());
    if (outcome.result == ChatActions::Result::NotAllowed)
        return _session.numeric("482", channel->name + " :You're not channel operator");
    if (!outcome.done())
        return _session.numeric("401", shown(name) + " :" + outcome.detail);
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
        return _session.numeric("442", shown(m.param(0)) + " :You're not on that channel");
    const std::string& name = m.param(1);
    IrcCodec& codec = _session.codec();
    const ChatActions::Outcome outcome =
        _session.server().roomActions().kick(_session.actor(), channel->room, name, codec.nick());
    if (outcome.result == ChatActions::Result::NotAllowed)
        return _session.numeric("482", channel->name + " :You're not channel operator");
    if (outcome.result == ChatActions::Result::NotOnline)
        return _session.numeric("441", shown(name) + " " + channel->name +
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

// CHATHISTORY LATEST|BEFORE|AFTER #channel <*|msgid=…> <limit>
void IrcChannels::history(const IrcMessage& m)
{
    const std::string& sub = m.param(0);
    auto fail = [this, &sub](const std::string& code, const std::string& why)
    { _session.reply("FAIL CHATHISTORY " + code + " " + shown(sub) + " :" + why + "\r\n"); };
    if (sub == "TARGETS")
    {
        const std::string name = "t" + std::to_string(++_batches);
        return _session.reply("BATCH +" + name + " draft/chathistory-targets\r\nBATCH -" + name +
                              "\r\n");
    }
    if (sub != "LATEST" && sub != "BEFORE" && sub != "AFTER")
        return fail("INVALID_PARAMS", "LATEST, BEFORE and AFTER are answered");
    Channel* channel = byName(m.param(1));
    if (!channel)
        return fail("INVALID_TARGET", "join the channel first");
    const std::string& ref = m.param(2);
    std::uint64_t limit = 0;
    if (!Poco::NumberParser::tryParseUnsigned64(m.param(3), limit) || limit == 0)
        return fail("INVALID_PARAMS", "a limit of 1 to 100 is needed");
    limit = std::min(limit, historyLimit);
    std::uint64_t n = 0;
    const bool any = ref == "*";
    if (!any && (ref.compare(0, 6, "msgid=") != 0 || !IrcCodec::parseMsgid(ref.substr(6), n)))
        return fail("INVALID_PARAMS", "a reference is * or msgid=…");
    if (any && sub != "LATEST")
        return fail("INVALID_PARAMS", "* is for LATEST");
    Room& room = *channel->room;
    const std::uint64_t next = room.next();
    std::uint64_t from = 0, to = next;
    if (sub == "LATEST")
        from = std::max(any ? 0 : n + 1, next > limit ? next - limit : 0);
    else if (sub == "BEFORE")
        to = std::min(n, next), from = to > limit ? to - limit : 0;
    else
        from = n + 1, to = std::min(next, from + limit);
    playBack(room, channel->name, from, to);
}

void IrcChannels::playBack(Room& room, const std::string& channel, std::uint64_t from,
                           std::uint64_t to)
{
    IrcCodec& codec = _session.codec();
    const std::string name = "h" + std::to_string(++_batches);
    std::string out;
    if (codec.has(IrcCodec::Batch))
        out += "BATCH +" + name + " chathistory " + channel + "\r\n";
    std::uint64_t after = 0;
    if (from < to)
        for (const MessagePtr& m : room.range(from, static_cast<std::size_t>(to - from), after))
            if (m->id() < to)
                codec.entry(*m, room.id(), channel, name, out);
    if (codec.has(IrcCodec::Batch))
        out += "BATCH -" + name + "\r\n";
    _session.reply(out);
}

} // namespace hchat
