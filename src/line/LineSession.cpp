#include "line/LineSession.h"

#include "chat/AccountActions.h"
#include "chat/Accounts.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "chat/RoomRegistry.h"
#include "line/LineCodec.h"
#include "line/LineCommand.h"
#include "line/LineServer.h"
#include "stream/StreamSession.h"
#include "util/Utf8.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

namespace hchat
{

namespace
{
// Room for "PRIVMSG <32-character name> " in front of the longest text.
const std::size_t commandOverhead = 64;
// Names in one USERLIST or ROOMLIST answer; an OK line says how many more.
const std::size_t listed = 100;

} // namespace

LineSession::LineSession(const Poco::Net::StreamSocket& socket, LineServer& server)
    : Poco::Net::TCPServerConnection(socket), _server(server),
      _reader(server.actions().maxMessageBytes() + commandOverhead)
{
    _actor = server.actorFor(socket, ChatActions::Transport::Line);
}

LineSession::~LineSession() = default;

void LineSession::run()
{
    _server.serve(socket(), _actor, *this, _session, [this] { return !_name.empty(); });
}

void LineSession::entries(const Cursor::Slice& slice, std::string& out)
{
    for (const MessagePtr& m : slice.messages)
        LineCodec::entry(*m, _roomLabel, _name, m->id() < _liveFrom, out);
}

void LineSession::presence(const Room&, const std::string&, std::string&)
{
    // The line protocol has no presence frames: USERS asks.
}

void LineSession::letter(const Mailbox::Letter& letter, std::string& out)
{
    LineCodec::letter(letter, _name, out);
}

bool LineSession::received(const char* data, std::size_t size)
{
    _lastInput.update();
    _reader.feed(data, size);
    std::string line;
    for (;;)
    {
        switch (_reader.next(line))
        {
        case LineReader::Result::NeedMore:
            return true;
        case LineReader::Result::TooLong:
            refuse(ChatActions::Result::TooLong, "a line over the limit", "Message too long");
            break;
        case LineReader::Result::Line:
            if (!handle(line))
                return false;
            break;
        }
    }
}

int LineSession::quietMs()
{
    auto left = [](int seconds, const Poco::Timestamp& since)
    {
        const Poco::Timespan limit(seconds, 0);
        const Poco::Timespan passed = since.elapsed();
        return passed >= limit ? 0 : static_cast<int>((limit - passed).totalMilliseconds()) + 1;
    };
    const int idle = left(_server.options().idleTimeout, _lastInput);
    // A connection that holds a thread without being in a room is no user's
    // for long: it has line.joinTimeout to get there.
    return _session->room() ? idle
                            : std::min(idle, left(_server.options().joinTimeout, _connected));
}

bool LineSession::quiet()
{
    const auto seconds = [](int s) { return Poco::Timespan(s, 0).totalMicroseconds(); };
    if (!_session->room() && _connected.elapsed() >= seconds(_server.options().joinTimeout))
    {
        reply("ERROR No room joined within " + std::to_string(_server.options().joinTimeout) +
              " s, closing");
        return false;
    }
    if (_lastInput.elapsed() < seconds(_server.options().idleTimeout))
        return true;
    reply("ERROR Idle timeout, closing");
    return false;
}

void LineSession::closing(std::string& out)
{
    LineCodec::line("ERROR Server shutting down", out);
}

bool LineSession::removed(const Room&, Removal why, std::string& out)
{
    // The connection stays: JOIN takes it to another room.
    LineCodec::line(why == Removal::RoomDeleted ? "ERROR Room " + _roomLabel + " was deleted"
                                                : "ERROR Kicked from " + _roomLabel,
                    out);
    return true;
}

bool LineSession::handle(const std::string& line)
{
    if (!Utf8::isValid(line))
    {
        refuse(ChatActions::Result::BadUtf8, "a line that is not UTF-8", "Invalid UTF-8");
        return true;
    }
    if (Poco::trim(line).empty())
        return true; // an empty line (an extra Enter) asks nothing
    const LineCommand command = LineCommand::parse(line);
    using Verb = LineCommand::Verb;
    switch (command.verb)
    {
    case Verb::Quit: // QUIT
        // The echo of what was said just before comes first.
        _session->flush();
        _session->leave(true);
        reply("OK Goodbye!");
        return false;
    case Verb::Username:
        username(command.argument);
        return true;
    case Verb::Rooms:
        rooms();
        return true;
    default:
        break;
    }
    if (_name.empty())
    {
        if (command.verb == Verb::Text)
            refuse(ChatActions::Result::BadRequest, "unknown command", "Unknown command");
        else
            refuse(ChatActions::Result::BadRequest, "no username yet",
                   "Set a username first: USERNAME <name>");
        return true;
    }
    switch (command.verb)
    {
    case Verb::Join:
        join(command.argument);
        break;
    case Verb::Leave:
        leave();
        break;
    case Verb::Msg:
    case Verb::Text: // a line that is no command is a message
        say(command.text);
        break;
    case Verb::Privmsg:
        whisper(command.argument, command.text);
        break;
    case Verb::Edit:
    case Verb::Delete:
        amend(command.verb, command.argument, command.text);
        break;
    case Verb::Kick:
    case Verb::Ban:
    case Verb::Unban:
        moderate(command.verb, command.argument, command.text);
        break;
    case Verb::Users:
        users();
        break;
    default:
        break;
    }
    return true;
}

// USERNAME <name> [<password>]: the first names the connection, later ones
// rename it. With a password, the first logs in to the account of that name
// (everything after the name and a space is the password).
void LineSession::username(const std::string& argument)
{
    const std::size_t space = argument.find(' ');
    std::string name = argument.substr(0, space);
    if (space != std::string::npos)
    {
        if (!_name.empty())
            return refuse(ChatActions::Result::BadRequest, "a login after USERNAME",
                          "Log in with the first USERNAME (reconnect to log in)");
        const ChatActions::Outcome login =
            _server.accountActions().authenticate(_actor, name, argument.substr(space + 1));
        if (!login.done())
            return render(login);
        _actor.account = login.name;
        _actor.key = _actor.limitKey = Accounts::personKey(login.name);
        name = login.name;
    }
    ChatActions& actions = _server.actions();
    const ChatActions::Outcome outcome = _name.empty()
                                             ? actions.connect(_actor, name, _session->mailbox())
                                             : actions.rename(_actor, name);
    if (!outcome.done())
        return render(outcome);
    {
        // entries() reads the name on publishers' threads.
        auto hold = _session->connection().hold();
        _name = outcome.name;
    }
    reply("OK Welcome, " + _name + "!");
}

// JOIN <#name | 32-hex id>: a #name that does not exist is created (public).
void LineSession::join(const std::string& target)
{
    if (target.empty())
        return refuse(ChatActions::Result::BadRequest, "JOIN without a room",
                      "Usage: JOIN <#name or room id>");
    const ChatActions::Outcome opened = _server.actions().openRoom(_actor, target);
    if (!opened.done())
        return render(opened);
    const std::shared_ptr<Room>& room = opened.room;
    if (room.get() == _session->room())
        return refuse(ChatActions::Result::BadRequest, "already in the room",
                      "Already in " + _roomLabel);
    const ChatActions::Outcome allowed = _server.actions().mayEnter(_actor, *room, _name);
    if (!allowed.done())
        return render(allowed);
    _session->flush();
    _session->leave(true);
    {
        auto hold = _session->connection().hold();
        _roomLabel = _server.rooms().label(*room);
        _liveFrom = room->next();
    }
    // The recent history first, then everything from the join on.
    const auto recent = static_cast<std::uint64_t>(_server.options().recentOnJoin);
    _session->enter(room, _liveFrom > recent ? _liveFrom - recent : 0, _actor.key, "", _name,
                    false);
    const std::size_t others = _server.people().countOnline(room->id()) - 1;
    reply("OK Joined " + _roomLabel + " (" + std::to_string(others) +
          (others == 1 ? " user)" : " users)"));
}

// LEAVE
void LineSession::leave()
{
    if (!_session->room())
        return refuse(ChatActions::Result::NotInRoom, "not in a room", "Not in a room");
    const std::string label = _roomLabel;
    _session->flush();
    _session->leave(true);
    reply("OK Left " + label);
}

// MSG <text>, or a line that is no command
void LineSession::say(const std::string& text)
{
    Room* room = _session->room();
    if (!room)
        return refuse(ChatActions::Result::NotInRoom, "not in a room", "Not in a room");
    render(_server.actions().send(_actor, *room, _name, text));
}

// PRIVMSG <user> <text>
void LineSession::whisper(const std::string& to, const std::string& text)
{
    if (to.empty() || Poco::trim(text).empty())
        return refuse(ChatActions::Result::BadRequest, "PRIVMSG without a user or text",
                      "Usage: PRIVMSG <user> <text>");
    const ChatActions::Outcome outcome = _server.actions().whisper(_actor, to, text);
    if (outcome.done())
        reply("OK Sent");
    else
        render(outcome);
}

// EDIT <n> <text>: one's own message n, within chat.editWindow.
// DELETE <n>: one's own message n, or anyone's for the room's owner,
// moderators and the operator. Answered "OK Edited <n>" / "OK Deleted <n>";
// everyone in the room gets a ROOM line that says so.
void LineSession::amend(LineCommand::Verb verb, const std::string& number, const std::string& text)
{
    Room* room = _session->room();
    if (!room)
        return refuse(ChatActions::Result::NotInRoom, "not in a room", "Not in a room");
    std::uint64_t n = 0;
    if (!Poco::NumberParser::tryParseUnsigned64(number, n))
        return refuse(ChatActions::Result::NoMessage, "no message " + number, "No such message");
    const bool editing = verb == LineCommand::Verb::Edit;
    RoomActions& actions = _server.roomActions();
    const ChatActions::Outcome outcome = editing ? actions.edit(_actor, *room, n, _name, text)
                                                 : actions.remove(_actor, *room, n, _name);
    if (outcome.done())
        reply((editing ? "OK Edited " : "OK Deleted ") + number);
    else
        render(outcome);
}

// KICK <user>, BAN <user> [seconds] (none or 0: for good), UNBAN <user>:
// the room's moderators. Answered "OK Kicked <user>" / "OK Banned <user>"
// / "OK Unbanned <user>"; everyone in the room gets the ROOM line that says so.
void LineSession::moderate(LineCommand::Verb verb, const std::string& name,
                           const std::string& seconds)
{
    if (!_session->room())
        return refuse(ChatActions::Result::NotInRoom, "not in a room", "Not in a room");
    const std::shared_ptr<Room> room = _server.rooms().find(_session->room()->id());
    if (!room)
        return refuse(ChatActions::Result::RoomDeleted, "this room was deleted", "Room deleted");
    RoomActions& actions = _server.roomActions();
    ChatActions::Outcome outcome;
    std::string said;
    if (verb == LineCommand::Verb::Kick)
        outcome = actions.kick(_actor, room, name, _name), said = "OK Kicked ";
    else if (verb == LineCommand::Verb::Ban)
        outcome = actions.ban(_actor, room, name, seconds.empty() ? 0 : std::stoi(seconds), _name),
        said = "OK Banned ";
    else
        outcome = actions.unban(_actor, room, name, _name), said = "OK Unbanned ";
    if (outcome.done())
        reply(said + name);
    else
        render(outcome);
}

// USERS
void LineSession::users()
{
    Room* room = _session->room();
    if (!room)
        return refuse(ChatActions::Result::NotInRoom, "not in a room", "Not in a room");
    const std::vector<std::string> names = _server.people().online(room->id());
    std::string line = "USERLIST";
    for (std::size_t i = 0; i < names.size() && i < listed; ++i)
        line += " " + names[i];
    reply(line);
    if (names.size() > listed)
        reply("OK " + std::to_string(listed) + " of " + std::to_string(names.size()) +
              " users listed");
}

// ROOMS: the most recently active public rooms.
void LineSession::rooms()
{
    const RoomRegistry::Listing listing = _server.rooms().mostActive(listed);
    std::string line = "ROOMLIST";
    for (const auto& room : listing.rooms)
        line += " " + _server.rooms().label(*room);
    reply(line);
    if (listing.more)
        reply("OK " + std::to_string(listing.rooms.size()) + " of " +
              std::to_string(listing.total) + " rooms listed, the most recently active");
}

void LineSession::reply(const std::string& line)
{
    std::string out;
    LineCodec::line(line, out);
    _session->queue(out);
}

void LineSession::refuse(ChatActions::Result result, const std::string& detail,
                         const std::string& brief)
{
    render(_server.actions().refuse(_actor, result, detail, brief));
}

void LineSession::render(const ChatActions::Outcome& outcome)
{
    if (!outcome.done())
        reply("ERROR " + outcome.brief);
}

} // namespace hchat
