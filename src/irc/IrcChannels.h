#pragma once

#include "irc/IrcDirectory.h"
#include "irc/IrcHistory.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace hchat
{

class IrcSession;
struct IrcMessage;
class Room;
struct RoomRecord;

class IrcChannels
/// The channels of one IRC client (SPEC §14) and their commands. A room
/// with a public #name is the channel #name; any room is #<its 32-hex id>;
/// JOIN #new creates a public room as the line protocol does.
///
/// Handled here, each as irssi, WeeChat and HexChat expect: JOIN (#a,#b;
/// 0 parts all; the JOIN echo, 332/333 topic = the subject, 353/366 names,
/// then, to a client with batch and server-time but not
/// draft/chathistory, the recent history in a "chathistory" BATCH), PART,
/// TOPIC (query 331/332/333; a change is the room's owner's or the
/// operator's, else 482), PRIVMSG and NOTICE to a channel (CTCP ACTION is
/// a "/me" message; other CTCP is dropped) or to a name (a private message;
/// 401 when nobody online has it), MODE queries (324, 329, 221, 368;
/// +b and -b ban and unban, +b alone lists bans 367/368), KICK (moderation;
/// 482 when not allowed, 441 when the person is not there). NAMES, LIST,
/// WHO and WHOIS are IrcDirectory's; CHATHISTORY is IrcHistory's.
/// Refusals: 401, 403 (no such channel, bad name), 404 (cannot send: why),
/// 442, 461, 474 (banned), 482.
/// The map of channels is read by publishers' threads under the
/// connection's claim; the session's thread changes it under hold().
{
public:
    explicit IrcChannels(IrcSession& session);

    struct Channel
    {
        std::shared_ptr<Room> room;
        std::string name;  ///< as the client is told it
        std::string topic; ///< the subject it was last told
    };
    Channel* find(const Room& room);
    /// Null when the client is not in it (under the connection's claim).

    bool handle(const IrcMessage& m);
    /// False when m is no command of the channels.

    void partAll();
    /// PART of every channel (QUIT).
    void forget(const Room& room);
    /// The client is out of the room already (a kick, a deletion).

    static bool isRoomId(const std::string& text);
    std::string topicOf(const Room& room) const;
    /// The room's subject as a topic ("" for a #name room's own name).
    Channel* byName(const std::string& name);
    /// The channel of that name the client is in, or null.
    std::string channelName(const Room& room) const;
    /// #name, or #<its id>.

private:
    void join(const std::string& list);
    void joinOne(const std::string& name);
    void part(const std::string& list);
    void leave(Channel& channel);
    void topic(const IrcMessage& m);
    void say(const IrcMessage& m);
    void mode(const IrcMessage& m);
    void kick(const IrcMessage& m);

    IrcSession& _session;
    std::map<const Room*, Channel> _channels;
    IrcDirectory _directory;
    IrcHistory _history;
};

} // namespace hchat
