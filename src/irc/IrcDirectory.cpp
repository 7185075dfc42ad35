#include "irc/IrcDirectory.h"

#include "chat/Accounts.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "chat/RoomRegistry.h"
#include "irc/IrcChannels.h"
#include "irc/IrcCodec.h"
#include "irc/IrcMessage.h"
#include "irc/IrcSession.h"
#include "line/LineServer.h"

namespace hchat
{

namespace
{
// LIST shows at most this many public rooms, the most recently active.
const std::size_t listed = 500;
// Bytes of names in one 353 line.
const std::size_t namesPerLine = 400;
} // namespace

IrcDirectory::IrcDirectory(IrcSession& session, IrcChannels& channels)
    : _session(session), _channels(channels)
{
}

std::string IrcDirectory::prefixOf(const std::string& name, const RoomRecord& record) const
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

void IrcDirectory::names(const std::string& list)
{
    for (const std::string& name : IrcMessage::split(list))
    {
        if (IrcChannels::Channel* channel = _channels.byName(name))
            namesOf(*channel->room, channel->name, true);
        else
            _session.numeric("366", IrcMessage::shown(name) + " :End of /NAMES list");
    }
}

void IrcDirectory::namesOf(const Room& room, const std::string& channel, bool exact)
{
    const RoomRecord record = room.record();
    const std::string head = std::string(room.isPublic() ? "= " : "@ ") + channel + " :";
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
    _session.numeric("366", channel + " :End of /NAMES list");
}

// LIST: the public rooms, most recently active first; unlisted ones never.
void IrcDirectory::list()
{
    RoomRegistry& rooms = _session.server().rooms();
    People& people = _session.server().people();
    _session.numeric("321", "Channel :Users  Name");
    for (const auto& room : rooms.mostActive(listed).rooms)
        _session.numeric("322", _channels.channelName(*room) + " " +
                                    std::to_string(people.countOnline(room->id())) + " :" +
                                    _channels.topicOf(*room));
    _session.numeric("323", ":End of /LIST");
}

// WHO #channel (one joined) or WHO name
void IrcDirectory::who(const std::string& target)
{
    LineServer& server = _session.server();
    const std::string me = server.options().serverName;
    auto row = [&](const std::string& channel, const std::string& name) {
        _session.numeric("352",
                         channel + " " + name + " hchat " + me + " " + name + " H :0 " + name);
    };
    if (IrcChannels::Channel* channel = _channels.byName(target))
        for (const std::string& name : server.people().online(channel->room->id()))
            row(channel->name, name);
    else if (target[0] != '#')
    {
        const std::string key = server.people().keyOf(target);
        if (!key.empty())
            row("*", server.people().nameOf(key, target));
    }
    _session.numeric("315", IrcMessage::shown(target) + " :End of /WHO list");
}

// WHOIS [server] name
void IrcDirectory::whois(const std::string& target)
{
    People& people = _session.server().people();
    const std::string key = people.keyOf(target);
    if (key.empty())
    {
        _session.numeric("401", IrcMessage::shown(target) + " :No such nick");
        return _session.numeric("318", IrcMessage::shown(target) + " :End of /WHOIS list");
    }
    const std::string name = people.nameOf(key, target);
    _session.numeric("311", name + " " + name + " hchat * :" + name);
    _session.numeric("312", name + " " + _session.server().options().serverName + " :hchatd");
    const std::string account = Accounts::accountOfKey(key);
    if (!account.empty())
        _session.numeric("330", name + " " + account + " :is logged in as");
    _session.numeric("318", name + " :End of /WHOIS list");
}

} // namespace hchat
