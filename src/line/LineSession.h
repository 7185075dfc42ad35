#pragma once

#include "chat/Cursor.h"
#include "http/ConnectionGate.h"
#include "line/LineCommand.h"
#include "line/LineReader.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>

#include <memory>
#include <optional>
#include <string>

namespace hchat
{

class Attendance;
class Doorbell;
class LineServer;
class Mailbox;
class Room;
struct ServerContext;

class LineSession : public Poco::Net::TCPServerConnection
/// One TCP client of the line protocol (SPEC §5), served by one thread that
/// waits in poll() on its socket and on a Doorbell (new entries in its room,
/// private messages, shutdown). Like a WebSocket it is a cursor into its
/// room's log, with nothing queued for it but private messages (Mailbox).
///
/// Client → server: USERNAME <name> (first), JOIN <#name|id>, LEAVE,
/// MSG <text> (or any line that is no command, in a room),
/// PRIVMSG <user> <text>, ROOMS, USERS, QUIT.
/// Server → client: OK …, ERROR <message>, ROOM <room> <user> <text>,
/// PRIVMSG <from> <text>, JOIN <room> <user>, LEAVE <room> <user>,
/// USERLIST <user> …, ROOMLIST <room> …
///
/// Decisions where SPEC §5 is silent:
///  - a message of several lines (sent from the web) is one ROOM line per line;
///  - a nick entry is "ROOM <room> * alice is now known as bob" ("*" is no name);
///  - on JOIN the history is the recent messages only (no notices), and the
///    count in "OK Joined #r (n users)" is of the others in the room;
///  - one's own JOIN/LEAVE entries are not sent back;
///  - USERS lists the people in one's room; ROOMLIST lists public rooms;
///  - LEAVE and QUIT end the stay at once (a leave entry within a second);
///    a dropped connection gets the chat.leaveGrace like a web page;
///  - a client silent for line.idleTimeout seconds gets "ERROR Idle timeout"
///    and is closed; one that stops reading is dropped after
///    http.requestTimeout per write, delaying nobody else.
/// Not thread-safe: one session per connection thread.
{
public:
    LineSession(const Poco::Net::StreamSocket& socket, const ServerContext& context,
                LineServer& server, Poco::AutoPtr<ConnectionGate> gate);
    ~LineSession() override;

    void run() override;

private:
    bool serve();
    bool handle(const std::string& line);
    void username(const std::string& name);
    void join(const std::string& target);
    void leave(bool announced);
    void say(const std::string& text);
    void whisper(const std::string& to, const std::string& text);
    void users();
    void rooms();
    bool spendToken();
    void deliver();
    void deliverLetters();
    void render(const Message& m, bool history);

    void queue(const std::string& line); ///< adds "line\r\n" to the output
    void queueLines(const std::string& prefix, const std::string& text);
    /// One line per line of text (a web message may hold several), each after prefix.
    void flush(); ///< writes the queued output

    const ServerContext& _context;
    LineServer& _server;
    Poco::AutoPtr<ConnectionGate> _gate;
    const std::string _address;
    const std::string _limitKey;
    const std::string _personKey;
    Poco::Logger& _log;
    std::shared_ptr<Doorbell> _bell;
    std::shared_ptr<Mailbox> _mailbox;
    LineReader _reader;

    std::string _name; ///< empty until USERNAME
    std::shared_ptr<Room> _room;
    std::string _roomLabel;
    std::unique_ptr<Attendance> _stay;
    std::optional<Cursor> _cursor;
    std::uint64_t _liveFrom = 0; ///< entries before this are the history shown on JOIN
    std::string _output;
    bool _quit = false;
};

} // namespace hchat
