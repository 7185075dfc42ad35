#pragma once

#include "chat/ChatActions.h"
#include "line/LineCommand.h"
#include "line/LineReader.h"
#include "stream/StreamTransport.h"

#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class LineServer;
class StreamSession;

class LineSession : public Poco::Net::TCPServerConnection, private StreamTransport
/// One TCP client of the line protocol (SPEC §5) on one thread: a
/// StreamSession in lines (LineCodec), in one room at a time or none.
///
/// Client → server, one per line (CRLF or LF), each handled below:
/// USERNAME <name> [<password>] (first; with a password it logs in to the
/// account of that name), JOIN <#name|id>, LEAVE, MSG <text> (or any line
/// that is no command, in a room), PRIVMSG <user> <text>, EDIT <n> <text>
/// and DELETE <n> (message n of one's room, SPEC §11), KICK <user>, BAN
/// <user> [seconds], UNBAN <user> (the room's moderators), ROOMS, USERS, QUIT.
/// Server → client: OK …, ERROR <message>, ROOM <room> <user> <text>,
/// PRIVMSG <from> <text>, JOIN <room> <user>, LEAVE <room> <user>,
/// USERLIST <user> …, ROOMLIST <room> …
///
/// Decisions where SPEC §5 is silent: on JOIN the count in "OK Joined #r
/// (n users)" is of the others in the room; USERS lists the people in one's
/// room, ROOMLIST the public rooms; LEAVE and QUIT end the stay at once (a
/// dropped connection gets chat.leaveGrace like a web page); a client
/// silent for line.idleTimeout gets "ERROR Idle timeout, closing"; one in
/// a room that is deleted gets "ERROR Room <room> was deleted" and is out of
/// it, still connected.
/// Not thread-safe: one session per connection thread.
{
public:
    LineSession(const Poco::Net::StreamSocket& socket, LineServer& server);
    ~LineSession() override;

    void run() override;

private:
    void entries(const Cursor::Slice& slice, std::string& out) override;
    void presence(const Room& room, const std::string& frame, std::string& out) override;
    void letter(const Mailbox::Letter& letter, std::string& out) override;
    bool received(const char* data, std::size_t size) override;
    int quietMs() override;
    bool quiet() override;
    void closing(std::string& out) override;
    bool removed(const Room& room, Removal why, std::string& out) override;

    bool handle(const std::string& line);
    void username(const std::string& argument);
    void join(const std::string& target);
    void leave();
    void say(const std::string& text);
    void whisper(const std::string& to, const std::string& text);
    void amend(LineCommand::Verb verb, const std::string& number, const std::string& text);
    void moderate(LineCommand::Verb verb, const std::string& name, const std::string& seconds);
    void users();
    void rooms();

    void reply(const std::string& line);
    void refuse(ChatActions::Result result, const std::string& detail, const std::string& brief);
    void render(const ChatActions::Outcome& outcome);
    /// "ERROR <brief>" for a refusal.

    LineServer& _server;
    ChatActions::Actor _actor;
    LineReader _reader;
    std::shared_ptr<StreamSession> _session;
    Poco::Timestamp _lastInput;
    const Poco::Timestamp _connected; ///< the join timeout counts from here
    // What entries() renders with; changed under the connection's claim.
    std::string _name; ///< empty until USERNAME
    std::string _roomLabel;
    std::uint64_t _liveFrom = 0; ///< entries before this are the history shown on JOIN
};

} // namespace hchat
