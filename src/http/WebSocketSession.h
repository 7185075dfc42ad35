#pragma once

#include "chat/Message.h"
#include "http/Outbox.h"

#include <Poco/Buffer.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Runnable.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Room;
class Doorbell;
class Mailbox;
struct ServerContext;

class WebSocketSession : public Poco::Runnable
/// One WebSocket client of one room, served by one thread (of the StreamPool) that waits in
/// poll() on the socket and on a Doorbell the room rings for every new
/// message: the connection is a cursor into the room log (in its Outbox,
/// through which whoever publishes a message may send it at once), with
/// nothing queued for it but its private messages (a bounded Mailbox). While
/// it is open, its person is in the room (Attendance: join entry, presence).
///
/// Server → client text frames (SPEC §6): the message objects
///   {"type":"message","id":n,"kind":…,"author":…,"time":…,"text":…}
/// {"type":"presence","online":[names],"count":n} at the start and when the
/// people in the room change (once a second at most),
/// {"type":"private","from":…,"to":…,"time":…,"text":…} for a private
/// message to or from this person (also the echo of one it sent),
/// and {"type":"error","error":code,"message":…} for a request that was
/// refused (the connection stays): bad-request, empty, too-long, bad-nick,
/// nick-taken, not-online, not-stored; or {"type":"error","error":"gone",…,
/// "next":m} when messages were deleted by retention before they were read.
///
/// Client → server text frames (JSON):
///   {"type":"send","text":"…"}   appended under the person's name; the client
///                                sees it come back in order like any message
///   {"type":"nick","nick":"…"}   renames the person (a nick entry in each
///                                room they are in), if no one online has it
///   {"type":"privmsg","to":"…","text":"…"}
///                                to every live connection of that person
///
/// RFC 6455 on the server side: fragmented messages are reassembled (at
/// most chat.maxMessageBytes × 6 + 256 bytes, room for JSON escapes); a ping
/// is answered with a pong; a close is echoed with the client's code. Close
/// codes: 1001 shutdown or a client that stopped answering pings, 1003 a
/// binary frame, 1007 text that is not UTF-8, 1008 over the rate limit,
/// 1009 a message too big. An idle client is pinged every
/// websocket.pingInterval seconds and dropped when it misses a pong.
///
/// Not thread-safe: one session per connection thread; publishers reach it
/// only through its Outbox.
{
public:
    WebSocketSession(const ServerContext& context, std::unique_ptr<Poco::Net::WebSocket> socket,
                     std::shared_ptr<Room> room, std::uint64_t from, std::string limitKey,
                     std::string personKey, std::string wantedNick, std::string peer);
    /// from: the first message to send; limitKey: whose
    /// limits.messagesPerSecond budget is spent (the cookie or the address);
    /// personKey: who the connection is (People).

    void run() override;
    /// Serves the client until it closes, breaks the protocol, stops
    /// answering, or the daemon shuts down. Never throws.

private:
    void deliver(std::string& out);
    void sendPresence(std::string& out);
    bool readFrame();
    bool handleText(const std::string& text);
    bool handleSend(const Poco::JSON::Object& request);
    void handleNick(const Poco::JSON::Object& request);
    bool handlePrivate(const Poco::JSON::Object& request);
    bool checkText(const std::string& text);
    bool spendToken();
    void sendText(const std::string& json);
    void close(Poco::UInt16 code, const std::string& reason);

    const ServerContext& _context;
    const std::unique_ptr<Poco::Net::WebSocket> _socket;
    std::shared_ptr<Room> _room;
    Outbox _outbox;
    std::shared_ptr<Doorbell> _bell;
    std::shared_ptr<Mailbox> _mailbox;
    const std::string _limitKey;
    const std::string _personKey;
    const std::string _wantedNick;
    const std::string _guestName;
    const std::string _peer;
    Poco::Logger& _log;

    std::uint64_t _presenceSent = 0;                   ///< the room's presence version last sent
    std::shared_ptr<const std::string> _presenceFrame; ///< the frame last sent (shared)
    std::string _partial;                              ///< a fragmented message being reassembled
    bool _inFragments = false;
    bool _pingOutstanding = false;
    bool _closed = false;
    Poco::Buffer<char> _frame{0};
};

} // namespace hchat
