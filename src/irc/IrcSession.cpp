#include "irc/IrcSession.h"

#include "chat/Accounts.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "irc/IrcMessage.h"
#include "line/LineServer.h"
#include "stream/StreamSession.h"

#include <sstream>

namespace hchat
{

namespace
{
// IRC's own limit is 512 bytes without tags and 8,191 with them; a message
// may be as long as chat.maxMessageBytes allows on every transport.
const std::size_t ircLine = 512 + 8191;
// Room for "PRIVMSG #<32 hex> :" and tags in front of the longest text.
const std::size_t commandOverhead = 600;
// Renames remembered so that one told is not told again by another channel.
const std::size_t renamesKept = 16;

} // namespace

IrcSession::IrcSession(const Poco::Net::StreamSocket& socket, LineServer& server)
    : Poco::Net::TCPServerConnection(socket), _server(server), _codec(server.options().serverName),
      _channels(*this), _registration(*this),
      _reader(std::max(ircLine, server.actions().maxMessageBytes() + commandOverhead))
{
    _actor = server.actorFor(socket, ChatActions::Transport::Irc);
}

IrcSession::~IrcSession() = default;

void IrcSession::run()
{
    _server.serve(socket(), _actor, *this, _session, [this] { return _registration.registered(); });
}

void IrcSession::entries(const Cursor::Slice& slice, std::string& out)
{
    IrcChannels::Channel* channel = slice.room ? _channels.find(*slice.room) : nullptr;
    if (!channel)
        return;
    for (const MessagePtr& m : slice.messages)
    {
        if (m->kind() == MessageKind::Nick)
            nickRenames(*m, out);
        else
            _codec.entry(*m, slice.room->id(), channel->name, "", out);
        if (m->kind() != MessageKind::Moderation)
            continue;
        // The subject changed (or something else did): the topic bar follows.
        const std::string topic = _channels.topicOf(*slice.room);
        if (topic != channel->topic)
        {
            channel->topic = topic;
            _codec.fromPerson(m->author(), "TOPIC " + channel->name + " :" + topic, out);
        }
    }
}

void IrcSession::nickRenames(const Message& m, std::string& out)
{
    // "old is now known as new", by new.
    const std::size_t end = m.text().find(" is now known as ");
    if (end == std::string::npos)
        return;
    const std::pair<std::string, std::string> rename(m.text().substr(0, end), m.author());
    for (const auto& told : _renames)
        if (told == rename)
            return;
    _renames.push_back(rename);
    if (_renames.size() > renamesKept)
        _renames.pop_front();
    _codec.fromPerson(rename.first, "NICK " + rename.second, out);
}

void IrcSession::renamedTo(const std::string& previous, const std::string& name)
{
    std::string out;
    {
        auto hold = _session->connection().hold();
        _renames.emplace_back(previous, name);
        if (_renames.size() > renamesKept)
            _renames.pop_front();
        _codec.fromPerson(previous, "NICK " + name, out);
        if (Nickname::folded(previous) == Nickname::folded(_codec.nick()))
            _codec.setNick(name);
    }
    reply(out);
}

void IrcSession::presence(const Room&, const std::string&, std::string&)
{
    // IRC has JOIN and PART from the log, and NAMES.
}

void IrcSession::letter(const Mailbox::Letter& letter, std::string& out)
{
    _codec.letter(letter, out);
}

bool IrcSession::received(const char* data, std::size_t size)
{
    _lastInput.update();
    _pinged = 0;
    _reader.feed(data, size);
    std::string line;
    for (;;)
    {
        switch (_reader.next(line))
        {
        case LineReader::Result::NeedMore:
            return true;
        case LineReader::Result::TooLong:
            _server.actions().refuse(_actor, ChatActions::Result::TooLong,
                                     "an IRC line over the limit", "Line too long");
            numeric("417", ":Input line was too long");
            break;
        case LineReader::Result::Line:
        {
            IrcMessage m;
            if (IrcMessage::parse(line, m) && !handle(m))
                return false;
            break;
        }
        }
    }
}

int IrcSession::quietMs()
{
    const Poco::Timespan interval(_server.options().pingInterval, 0);
    const Poco::Timestamp since = !_registration.registered() ? _connected
                                  : _pinged != 0              ? _pinged
                                                              : _lastInput;
    const Poco::Timespan passed = since.elapsed();
    return passed >= interval ? 0 : static_cast<int>((interval - passed).totalMilliseconds()) + 1;
}

bool IrcSession::quiet()
{
    const Poco::Timespan interval(_server.options().pingInterval, 0);
    if (!_registration.registered())
        return Poco::Timespan(_connected.elapsed()) < interval || close("Registration timed out");
    if (_pinged != 0)
        return Poco::Timespan(_pinged.elapsed()) < interval ||
               close("Ping timeout: " + std::to_string(_server.options().pingInterval) +
                     " seconds");
    if (Poco::Timespan(_lastInput.elapsed()) >= interval)
    {
        _pinged.update();
        reply("PING :" + _codec.server() + "\r\n");
    }
    return true;
}

bool IrcSession::close(const std::string& reason)
{
    reply("ERROR :Closing link: " + reason + "\r\n");
    return false;
}

void IrcSession::closing(std::string& out)
{
    out += "ERROR :Server shutting down\r\n";
}

bool IrcSession::removed(const Room& room, Removal why, std::string& out)
{
    IrcChannels::Channel* channel = _channels.find(room);
    if (!channel)
        return true;
    _codec.fromServer(
        "KICK " + channel->name + " " + _codec.nick() + " :" +
            (why == Removal::RoomDeleted ? "The room was deleted" : "Put out by a moderator"),
        out);
    _channels.forget(room);
    return true; // still connected: other channels go on
}

void IrcSession::reply(const std::string& bytes)
{
    _session->queue(bytes);
}

void IrcSession::numeric(const char* code, const std::string& rest)
{
    std::string out;
    _codec.numeric(code, rest, out);
    reply(out);
}

// The connection's own commands; registration is IrcRegistration's, the
// channels' IrcChannels'.
bool IrcSession::handle(const IrcMessage& m)
{
    const std::string& c = m.command;
    if (c == "PING")
        reply(":" + _codec.server() + " PONG " + _codec.server() + " :" + m.param(0) + "\r\n");
    else if (c == "PONG")
        ; // any input answers a PING
    else if (c == "QUIT")
    {
        _session->flush();
        _channels.partAll();
        return close("Quit: " + m.param(0));
    }
    else if (_registration.handle(m))
        ;
    else if (!_registration.registered())
        numeric("451", ":You have not registered");
    else if (c == "AWAY")
        numeric(m.param(0).empty() ? "305" : "306", m.param(0).empty()
                                                        ? ":You are no longer marked as being away"
                                                        : ":You have been marked as being away");
    else if (c == "ISON")
    {
        std::vector<std::string> names;
        for (const std::string& list : m.params)
        {
            std::istringstream words(list);
            std::string name;
            while (words >> name)
                names.push_back(name);
        }
        const std::vector<bool> on = _server.people().online(names);
        std::string online;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (on[i])
                online += (online.empty() ? "" : " ") + names[i];
        numeric("303", ":" + online);
    }
    else if (!_channels.handle(m))
        numeric("421", (IrcMessage::isSafeParam(c) ? c : "*") + " :Unknown command");
    return true;
}

} // namespace hchat
