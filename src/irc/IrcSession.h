#pragma once

#include "chat/ChatActions.h"
#include "irc/IrcChannels.h"
#include "irc/IrcCodec.h"
#include "irc/IrcRegistration.h"
#include "line/LineReader.h"
#include "stream/StreamTransport.h"

#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>

#include <deque>
#include <memory>
#include <string>
#include <utility>

namespace hchat
{

class LineServer;
class StreamSession;
struct IrcMessage;

class IrcSession : public Poco::Net::TCPServerConnection, private StreamTransport
/// One IRC client (SPEC §14) on one thread: a StreamSession in IRC lines
/// (IrcCodec), in any number of channels (IrcChannels), under one name.
///
/// Registration is IrcRegistration's. Handled here: PING and PONG (a
/// client silent for irc.pingInterval is PINGed, and closed with "Ping
/// timeout" when it stays silent as long again; one that does not register
/// within that time is closed too), AWAY (305, 306; nothing else changes),
/// ISON (303), QUIT. Before registration any other command is 451; an
/// unknown one is 421; a line over the limit 417.
/// The channels' commands are IrcChannels'.
/// Not thread-safe: one session per connection thread.
{
public:
    IrcSession(const Poco::Net::StreamSocket& socket, LineServer& server);
    ~IrcSession() override;

    void run() override;

    // For IrcChannels, on this session's thread:
    LineServer& server() { return _server; }
    ChatActions::Actor& actor() { return _actor; }
    IrcCodec& codec() { return _codec; }
    StreamSession& stream() { return *_session; }
    void reply(const std::string& bytes);
    /// Queued for the client, sent before anything new.
    void numeric(const char* code, const std::string& rest);
    void renamedTo(const std::string& previous, const std::string& name);
    /// Tells the client of a rename (its own or another's), once.

private:
    void entries(const Cursor::Slice& slice, std::string& out) override;
    void presence(const Room& room, const std::string& frame, std::string& out) override;
    void letter(const Mailbox::Letter& letter, std::string& out) override;
    bool received(const char* data, std::size_t size) override;
    int quietMs() override;
    bool quiet() override;
    void closing(std::string& out) override;
    bool removed(const Room& room, Removal why, std::string& out) override;

    bool handle(const IrcMessage& m);
    void nickRenames(const Message& m, std::string& out);
    bool close(const std::string& reason);

    LineServer& _server;
    ChatActions::Actor _actor;
    IrcCodec _codec; ///< its nick and capabilities change under the connection's claim
    IrcChannels _channels;
    IrcRegistration _registration;
    LineReader _reader;
    std::shared_ptr<StreamSession> _session;
    Poco::Timestamp _lastInput;
    Poco::Timestamp _pinged{0}; ///< when a PING went out unanswered; 0: none
    const Poco::Timestamp _connected;
    std::deque<std::pair<std::string, std::string>> _renames; ///< the last renames told
};

} // namespace hchat
