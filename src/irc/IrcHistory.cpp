#include "irc/IrcHistory.h"

#include "chat/Room.h"
#include "irc/IrcCodec.h"
#include "irc/IrcMessage.h"
#include "irc/IrcSession.h"

#include <Poco/NumberParser.h>

#include <algorithm>

namespace hchat
{

namespace
{
// CHATHISTORY answers at most this many messages (ISUPPORT CHATHISTORY=100).
const std::uint64_t historyLimit = 100;
} // namespace

IrcHistory::IrcHistory(IrcSession& session, IrcChannels& channels)
    : _session(session), _channels(channels)
{
}

// CHATHISTORY LATEST|BEFORE|AFTER #channel <*|msgid=…> <limit>
void IrcHistory::request(const IrcMessage& m)
{
    const std::string& sub = m.param(0);
    auto fail = [this, &sub](const std::string& code, const std::string& why)
    {
        _session.reply("FAIL CHATHISTORY " + code + " " + IrcMessage::shown(sub) + " :" + why +
                       "\r\n");
    };
    if (sub == "TARGETS")
    {
        const std::string name = "t" + std::to_string(++_batches);
        return _session.reply("BATCH +" + name + " draft/chathistory-targets\r\nBATCH -" + name +
                              "\r\n");
    }
    if (sub != "LATEST" && sub != "BEFORE" && sub != "AFTER")
        return fail("INVALID_PARAMS", "LATEST, BEFORE and AFTER are answered");
    IrcChannels::Channel* channel = _channels.byName(m.param(1));
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

void IrcHistory::playBack(Room& room, const std::string& channel, std::uint64_t from,
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
