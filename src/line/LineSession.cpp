#include "line/LineSession.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Announcer.h"
#include "chat/Attendance.h"
#include "chat/Doorbell.h"
#include "chat/IdGenerator.h"
#include "chat/Mailbox.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/RateLimiter.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "http/ServerContext.h"
#include "line/LineServer.h"
#include "util/Utf8.h"

#include <Poco/Net/NetException.h>
#include <Poco/String.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace hchat
{

namespace
{
const std::size_t sliceSize = 100;
// Room for "PRIVMSG <32-character name> " in front of the longest text.
const std::size_t commandOverhead = 64;

std::string peerHost(const Poco::Net::StreamSocket& socket)
{
    try
    {
        return socket.peerAddress().host().toString();
    }
    catch (const Poco::Exception&)
    {
        return "unknown";
    }
}
} // namespace

LineSession::LineSession(const Poco::Net::StreamSocket& socket, const ServerContext& context,
                         LineServer& server, Poco::AutoPtr<ConnectionGate> gate)
    : Poco::Net::TCPServerConnection(socket), _context(context), _server(server),
      _gate(std::move(gate)), _address(peerHost(socket)), _limitKey("addr:" + _address),
      _personKey(IdGenerator::next()), _log(Poco::Logger::get("hchatd.line")),
      _bell(std::make_shared<Doorbell>()), _mailbox(std::make_shared<Mailbox>(_bell)),
      _reader(static_cast<std::size_t>(context.settings.maxMessageBytes) + commandOverhead)
{
}

LineSession::~LineSession() = default;

void LineSession::run()
{
    Metrics& metrics = _context.metrics;
    metrics.lineSessions.fetch_add(1, std::memory_order_relaxed);
    _server.enlist(_bell);
    try
    {
        socket().setNoDelay(true);
        // A client that stops reading blocks only this thread, and only this long.
        socket().setSendTimeout(Poco::Timespan(_context.settings.httpRequestTimeout, 0));
        serve();
    }
    catch (const Poco::Exception& e)
    {
        // The client went away or stopped reading.
        _log.debug("line client %s ended: %s", _address, e.displayText());
    }
    try
    {
        leave(false); // a dropped connection leaves after the grace period
        if (!_name.empty())
            _context.people.disconnect(_personKey, _mailbox);
    }
    catch (const std::exception& e)
    {
        _log.error("line client %s: %s", _address, std::string(e.what()));
    }
    _server.dismiss(_bell);
    _gate->dropHolder(socket());
    metrics.lineSessions.fetch_sub(1, std::memory_order_relaxed);
}

bool LineSession::serve()
{
    const Poco::Timespan idleLimit(_context.settings.lineIdleTimeout, 0);
    Poco::Timestamp lastInput;
    char buffer[4096];
    while (!_quit)
    {
        _bell->clear(); // anything from here on rings it again
        if (_server.stopping() || (_room && _room->isClosed()))
        {
            queue("ERROR Server shutting down");
            flush();
            return false;
        }
        deliver();
        deliverLetters();
        flush();
        const Poco::Timespan idle = lastInput.elapsed();
        if (idle >= idleLimit)
        {
            queue("ERROR Idle timeout, closing");
            flush();
            return false;
        }
        const int waitMs = static_cast<int>((idleLimit - idle).totalMilliseconds()) + 1;
        pollfd waits[1] = {{socket().impl()->sockfd(), POLLIN, 0}};
        int ready = _bell->wait(waits, 1, waitMs);
        if (ready < 0 && errno != EINTR)
            return false;
        if (ready <= 0 || (waits[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            continue;
        int n = socket().receiveBytes(buffer, sizeof buffer);
        if (n <= 0)
            return false; // the client closed
        lastInput.update();
        _reader.feed(buffer, static_cast<std::size_t>(n));
        std::string line;
        for (;;)
        {
            LineReader::Result result = _reader.next(line);
            if (result == LineReader::Result::NeedMore)
                break;
            if (result == LineReader::Result::TooLong)
                queue("ERROR Message too long");
            else if (!handle(line))
                break;
        }
    }
    flush();
    return true;
}

bool LineSession::handle(const std::string& line)
{
    if (!Utf8::isValid(line))
    {
        queue("ERROR Invalid UTF-8");
        return true;
    }
    if (Poco::trim(line).empty())
        return true; // an empty line (an extra Enter) asks nothing
    LineCommand command = LineCommand::parse(line);
    using Verb = LineCommand::Verb;
    if (command.verb == Verb::Quit)
    {
        leave(true);
        queue("OK Goodbye!");
        _quit = true;
        return false;
    }
    if (command.verb == Verb::Username)
    {
        username(command.argument);
        return true;
    }
    if (command.verb == Verb::Rooms)
    {
        rooms();
        return true;
    }
    if (_name.empty())
    {
        queue(command.verb == Verb::Text ? "ERROR Unknown command"
                                         : "ERROR Set a username first: USERNAME <name>");
        return true;
    }
    switch (command.verb)
    {
    case Verb::Join:
        join(command.argument);
        break;
    case Verb::Leave:
        if (!_room)
            queue("ERROR Not in a room");
        else
        {
            const std::string label = _roomLabel;
            leave(true);
            queue("OK Left " + label);
        }
        break;
    case Verb::Msg:
        say(command.text);
        break;
    case Verb::Text:
        if (_room)
            say(command.text);
        else
            queue("ERROR Unknown command");
        break;
    case Verb::Privmsg:
        whisper(command.argument, command.text);
        break;
    case Verb::Users:
        users();
        break;
    default:
        break;
    }
    return true;
}

void LineSession::username(const std::string& name)
{
    if (!Nickname::isValid(name))
    {
        queue("ERROR Invalid username: use 1 to 32 letters, digits, '_', '-' or '.'");
        return;
    }
    if (_name.empty())
    {
        People::Outcome outcome =
            _context.people.connect(_personKey, name, Nickname::guestName(_personKey), _mailbox);
        if (outcome.taken)
        {
            _context.people.disconnect(_personKey, _mailbox);
            queue("ERROR Username taken");
            return;
        }
        _name = outcome.name;
        queue("OK Welcome, " + _name + "!");
        return;
    }
    People::Outcome outcome = _context.people.rename(_personKey, name);
    if (outcome.taken)
    {
        queue("ERROR Username taken");
        return;
    }
    _context.announcer.renamed(outcome);
    _name = outcome.name;
    queue("OK Welcome, " + _name + "!");
}

void LineSession::join(const std::string& target)
{
    if (target.empty())
    {
        queue("ERROR Usage: JOIN <#name or room id>");
        return;
    }
    std::shared_ptr<Room> room;
    if (target[0] == '#')
    {
        if (!RoomRegistry::isRoomName(target))
        {
            queue("ERROR Invalid room name: # and 1 to 32 letters, digits, '_', '-' or '.'");
            return;
        }
        try
        {
            room = _context.rooms.openNamed(target);
        }
        catch (const Poco::Exception& e)
        {
            _log.error("cannot create room %s: %s", target, e.displayText());
            queue("ERROR Room not created, try again");
            return;
        }
    }
    else if (IdGenerator::isValid(target))
        room = _context.rooms.find(target);
    if (!room)
    {
        queue("ERROR Room not found");
        return;
    }
    if (room == _room)
    {
        queue("ERROR Already in " + _roomLabel);
        return;
    }
    leave(true);
    _room = room;
    _roomLabel = _context.rooms.label(*room);
    // The recent history first, then everything from the join on.
    _liveFrom = room->next();
    const auto recent = static_cast<std::uint64_t>(_context.settings.recentOnJoin);
    _cursor.emplace(room, _liveFrom > recent ? _liveFrom - recent : 0);
    _stay = std::make_unique<Attendance>(_context.people, _context.announcer, room, _personKey, "",
                                         _name, _bell, nullptr);
    const std::size_t others = _context.people.countOnline(room->id()) - 1;
    queue("OK Joined " + _roomLabel + " (" + std::to_string(others) +
          (others == 1 ? " user)" : " users)"));
}

void LineSession::leave(bool announced)
{
    if (!_room)
        return;
    if (announced && _stay)
        _stay->leaveNow();
    _stay.reset();
    _cursor.reset();
    _room.reset();
    _roomLabel.clear();
}

bool LineSession::spendToken()
{
    Poco::Timespan retryAfter;
    if (_context.limiter.tryAcquire(_limitKey, Poco::Timestamp(), retryAfter))
        return true;
    _context.metrics.rateLimited.fetch_add(1, std::memory_order_relaxed);
    queue("ERROR Too many messages, slow down");
    return false;
}

void LineSession::say(const std::string& text)
{
    if (!_room)
    {
        queue("ERROR Not in a room");
        return;
    }
    if (Poco::trim(text).empty())
    {
        queue("ERROR Empty message");
        return;
    }
    if (text.size() > static_cast<std::size_t>(_context.settings.maxMessageBytes))
    {
        queue("ERROR Message too long");
        return;
    }
    if (!spendToken())
        return;
    try
    {
        _room->append(MessageKind::Message, _name, text);
        _context.metrics.messagesAppended.fetch_add(1, std::memory_order_relaxed);
    }
    catch (const Poco::Exception& e)
    {
        _log.error("cannot append to %s: %s", _room->id(), e.displayText());
        queue("ERROR Message not stored, try again");
    }
}

void LineSession::whisper(const std::string& to, const std::string& text)
{
    if (to.empty() || Poco::trim(text).empty())
    {
        queue("ERROR Usage: PRIVMSG <user> <text>");
        return;
    }
    if (text.size() > static_cast<std::size_t>(_context.settings.maxMessageBytes))
    {
        queue("ERROR Message too long");
        return;
    }
    if (!Nickname::isValid(to))
    {
        queue("ERROR User not found");
        return;
    }
    if (!spendToken())
        return;
    if (_context.people.sendPrivate(_personKey, to, text) == People::Delivery::NotOnline)
        queue("ERROR User not found");
    else
    {
        _context.metrics.privateMessages.fetch_add(1, std::memory_order_relaxed);
        queue("OK Sent");
    }
}

void LineSession::users()
{
    if (!_room)
    {
        queue("ERROR Not in a room");
        return;
    }
    std::string line = "USERLIST";
    for (const std::string& name : _context.people.online(_room->id()))
        line += " " + name;
    queue(line);
}

void LineSession::rooms()
{
    std::string line = "ROOMLIST";
    for (const auto& room : _context.rooms.publicRooms())
        line += " " + _context.rooms.label(*room);
    queue(line);
}

void LineSession::deliver()
{
    if (!_cursor)
        return;
    for (;;)
    {
        Cursor::Slice slice = _cursor->take(sliceSize);
        for (const MessagePtr& m : slice.messages)
            render(*m, m->id() < _liveFrom);
        if (slice.messages.empty())
            return;
    }
}

void LineSession::render(const Message& m, bool history)
{
    const bool mine = Nickname::folded(m.author()) == Nickname::folded(_name);
    switch (m.kind())
    {
    case MessageKind::Message:
    {
        queueLines("ROOM " + _roomLabel + " " + m.author() + " ", m.text());
        break;
    }
    case MessageKind::Join:
        if (!history && !mine)
            queue("JOIN " + _roomLabel + " " + m.author());
        break;
    case MessageKind::Leave:
        if (!history && !mine)
            queue("LEAVE " + _roomLabel + " " + m.author());
        break;
    case MessageKind::Nick:
        if (!history)
            queue("ROOM " + _roomLabel + " * " + m.text());
        break;
    }
}

void LineSession::deliverLetters()
{
    const std::string me = Nickname::folded(_name);
    for (const Mailbox::LetterPtr& letter : _mailbox->takeAll())
    {
        // The echo of one's own private message: "OK Sent" said it already.
        if (Nickname::folded(letter->from) == me && Nickname::folded(letter->to) != me)
            continue;
        queueLines("PRIVMSG " + letter->from + " ", letter->text);
    }
}

void LineSession::queueLines(const std::string& prefix, const std::string& text)
{
    // A line per line: a message from the web may hold several.
    std::istringstream lines(text);
    std::string part;
    while (std::getline(lines, part))
    {
        if (!part.empty() && part.back() == '\r')
            part.pop_back();
        queue(prefix + part);
    }
}

void LineSession::queue(const std::string& line)
{
    _output += line;
    _output += "\r\n";
}

void LineSession::flush()
{
    std::size_t sent = 0;
    while (sent < _output.size())
    {
        int n = socket().sendBytes(_output.data() + sent, static_cast<int>(_output.size() - sent));
        if (n <= 0)
            throw Poco::Net::NetException("the client stopped reading");
        sent += static_cast<std::size_t>(n);
    }
    _output.clear();
}

} // namespace hchat
