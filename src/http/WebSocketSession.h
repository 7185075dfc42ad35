#pragma once

#include "chat/ChatActions.h"
#include "http/WebSocketCodec.h"
#include "stream/StreamStart.h"
#include "stream/StreamTransport.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Announcer;
class People;
class Room;
class RoomActions;
class StreamSession;
struct Metrics;

class WebSocketSession : public Poco::Runnable, private StreamTransport
/// One WebSocket client of one room (RFC 6455), on a StreamPool thread: a
/// StreamSession in WebSocket frames (WebSocketCodec). While it is open its
/// person is in the room.
///
/// Server → client text frames (SPEC §6): the message objects
///   {"type":"message","id":n,"kind":…,"author":…,"time":…,"text":…},
/// {"type":"presence","online":[names],"count":n} at the start and when the
/// room's people change, {"type":"typing","names":[…]} when who is writing
/// changes (Typing), {"type":"private","from":…,"to":…,"time":…,"text":…}
/// for a private message to or from this person, and
/// {"type":"error","error":code,"message":…} for a refused request (the
/// connection stays; codes in ChatActions), or "gone" with "next":m when
/// retention deleted messages before they were read.
///
/// Client → server text frames: {"type":"send","text":…},
/// {"type":"nick","nick":…}, {"type":"privmsg","to":…,"text":…},
/// {"type":"typing"} (this person is writing: told to the room's streams,
/// at most once per 3 s per person, never logged),
/// {"type":"edit","id":n,"text":…}, {"type":"delete","id":n},
/// {"type":"kick","name":…}, {"type":"ban","name":…,"seconds":n} (0 or
/// absent: for good) and {"type":"unban","name":…} (SPEC §11, RoomActions:
/// what is done arrives as a log entry, a refusal as an error frame). A
/// person kicked or banned gets an error frame "kicked" and close 1008.
/// Opened with ?watch=1 it only reads: its person is not in the room (no
/// presence, no notices) and every request is refused (bad-request). Fragments are reassembled
/// (at most chat.maxMessageBytes × 6
/// + 256 bytes, room for JSON escapes); a ping is answered with a pong, a
/// close echoed with its code. Close codes: 1000 after an error frame
/// "room-deleted" when the room was deleted, 1001 shutdown or no pong by
/// the next websocket.pingInterval, 1002 a protocol error, 1003 a binary
/// message, 1007 text (or a close reason) that is not UTF-8, 1008 after 20
/// refusals for the rate limit in a row (each before is an error frame
/// "rate-limited"), 1009 a message too big. Not thread-safe: one session per thread.
{
public:
    WebSocketSession(ChatActions& actions, RoomActions& roomActions, People& people,
                     Announcer& announcer, Metrics& metrics, Poco::Net::StreamSocket socket,
                     StreamStart start, std::string early, int pingInterval);
    /// early: the bytes the client sent with its handshake; pingInterval:
    /// seconds of silence before a ping.

    void run() override;
    /// Serves the client until it closes, breaks the protocol, stops
    /// answering, or the daemon shuts down. Never throws.

private:
    void entries(const Cursor::Slice& slice, std::string& out) override;
    void presence(const Room& room, const std::string& frame, std::string& out) override;
    void typing(const Room& room, const std::string& frame, std::string& out) override;
    void letter(const Mailbox::Letter& letter, std::string& out) override;
    bool received(const char* data, std::size_t size) override;
    int quietMs() override;
    bool quiet() override;
    void closing(std::string& out) override;
    bool removed(const Room& room, Removal why, std::string& out) override;

    bool handleText(const std::string& text);
    bool render(const ChatActions::Outcome& outcome);
    bool closeWith(std::uint16_t code, const std::string& reason);

    ChatActions& _actions;
    RoomActions& _roomActions;
    People& _people;
    Announcer& _announcer;
    Metrics& _metrics;
    struct Opening
    /// What only the start needs, given up once the stream runs: a held
    /// connection keeps only what it acts with.
    {
        StreamStart start;
        std::string early; ///< frames that came with the handshake
    };

    Poco::Net::StreamSocket _socket;
    const ChatActions::Actor _actor;   ///< who acts
    const std::shared_ptr<Room> _room; ///< the room, for moderation
    const bool _watching;              ///< ?watch=1: every request refused
    std::unique_ptr<Opening> _opening; ///< until run() begins
    const int _pingInterval;
    WebSocketCodec _codec;
    std::shared_ptr<StreamSession> _session;
    bool _pingOutstanding = false;
    int _limitedInARow = 0; ///< rate-limit refusals since the last action done
};

} // namespace hchat
