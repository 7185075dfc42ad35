#pragma once

#include "chat/People.h"
#include "model/Message.h"

#include <Poco/Timespan.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

namespace Poco
{
class Logger;
}

namespace hchat
{

class Announcer;
class Mailbox;
class RateLimiter;
class Room;
class RoomRegistry;
class RoomRoles;
struct Metrics;

class ChatActions
/// What people do in hchatd, written once for every transport: send a
/// message, take or change a name, send a private message, create or open a
/// room. Each action checks its input, spends the person's rate limit where
/// it should, acts, and returns an Outcome that the transport only renders
/// (an HTTP status, an error frame, an ERROR line). The texts of refusals
/// live here. Every refusal is logged with the peer and counted for
/// /metrics. Thread-safe.
{
public:
    enum class Result
    {
        Done,
        Empty,       ///< a blank text
        TooLong,     ///< over chat.maxMessageBytes
        BadUtf8,     ///< not valid UTF-8
        BadText,     ///< a control character (TextRule)
        BadName,     ///< breaks the naming rule (Nickname)
        NameTaken,   ///< someone online has that name
        NotOnline,   ///< a private message to nobody online
        RateLimited, ///< over limits.messagesPerSecond
        NotStored,   ///< the store failed: nothing happened
        NoRoom,      ///< no such room
        BadRoom,     ///< a bad room name or subject
        NotInRoom,   ///< the line protocol: an action that needs a room
        BadRequest,  ///< what the transport could not parse
        RoomDeleted, ///< the room was deleted
        BadPassword, ///< a password under 8 or over 1024 bytes
        WrongLogin,  ///< a wrong name or password, or an unknown token
        NotLoggedIn, ///< an action for someone logged in
        NotAllowed,  ///< not this person's to do
        NoMessage,   ///< no such message (or not one that can be edited or deleted)
        TooLate,     ///< the edit window has passed
        Banned,      ///< the room's ban keeps this person out
        KeyReused    ///< a send's request key names a message that says something else
    };
    static constexpr std::size_t results = 23;

    enum class Transport
    {
        Http,
        EventStream,
        WebSocket,
        Line,
        Irc
    };
    static constexpr std::size_t transports = 5;

    struct Actor
    /// Who acts, and from where.
    {
        std::string key;      ///< the person (People)
        std::string limitKey; ///< whose rate limit is spent: the cookie, or "addr:" and the address
        std::string peer;     ///< the client's address, for the log
        Transport transport = Transport::Http;
        std::string account;     ///< the account logged in to (key is its person), or ""
        std::string ownerSecret; ///< the owner link's secret shown for the room acted in, or ""

        std::string defaultName() const;
        /// The name before any is chosen: the account's, else a guest name
        /// from the key (Nickname::guestName).
        std::string host() const;
        /// The address of peer, without its port.
        std::string nameFor(const std::string& wanted) const;
        /// What a request for `wanted` asks for: the account's name when
        /// logged in (an account's person is always under its name).
        std::string sender() const;
        /// What a message keeps of who sent it (Message::sender): a digest
        /// of key, so the same person may edit it later; "" for a person
        /// known only by an address, who may not.
    };

    struct Outcome
    {
        Result result = Result::Done;
        std::string detail;         ///< a refusal in a sentence, for HTTP bodies and error frames
        std::string brief;          ///< the same as the line protocol words it: "Message too long"
        MessagePtr message;         ///< send(): the message appended
        bool replayed = false;      ///< send(): appended before, with the same request key
        std::string name;           ///< the person's name now (names, markSeen)
        std::shared_ptr<Room> room; ///< createRoom(), openRoom()
        std::string secret;         ///< AccountActions: a session's or token's secret
        Poco::Timespan retryAfter;  ///< RateLimited: when a token is back

        bool done() const { return result == Result::Done; }
        const char* code() const;
        /// The refusal's code in JSON error objects: "too-long", "nick-taken", …
    };

    ChatActions(RoomRegistry& rooms, People& people, Announcer& announcer, RateLimiter& limiter,
                Metrics& metrics, const RoomRoles& roles, std::size_t maxMessageBytes);

    std::size_t maxMessageBytes() const { return _maxMessageBytes; }

    Outcome checkText(const Actor& actor, std::string& text);
    /// The text rule (TextRule: UTF-8, no control characters, line ends
    /// made LF), not blank, at most chat.maxMessageBytes.

    Outcome checkName(const Actor& actor, const std::string& name);
    /// The naming rule (Nickname): 1 to 32 letters, digits, '_', '-' or '.'.

    Outcome send(const Actor& actor, Room& room, const std::string& author, std::string text,
                 const std::string& request = "");
    /// Checks the text and the room's rules (mayPost), spends a token and
    /// appends the message; durable when Done (Outcome::message).
    /// request: the client's key for this message (an Idempotency-Key), or
    /// "". Sent again with the same key while the message is in the room's
    /// window, it is that message again (replayed; no token spent, nothing
    /// appended); KeyReused when the key's message says something else.

    Outcome typing(const Actor& actor, Room& room, const std::string& name);
    /// The person (as name) is writing a message in the room: told to its
    /// streams (Room::typed), never logged. Refused as mayEnter().

    Outcome mayEnter(const Actor& actor, const Room& room, const std::string& name = "");
    /// Refused (Banned) when one of the room's bans keeps this person, as
    /// `name` (default: the name they have), out (RoomRoles::banOf); its
    /// moderators are never kept out. Costs nothing in a room without bans.

    Outcome mayPost(const Actor& actor, Room& room, const std::string& name);
    /// mayEnter(), then the room's posting rule (NotAllowed) and slow mode
    /// (RateLimited, with retryAfter; the post is counted when Done). Its
    /// moderators, owner and the operator may always post.

    Outcome whisper(const Actor& actor, const std::string& to, std::string text);
    /// A private message to every live connection of the person called
    /// `to` (never in a log), echoed to the sender's.

    Outcome connect(const Actor& actor, const std::string& name,
                    const std::shared_ptr<Mailbox>& mailbox);
    /// A connection's person takes a name before it is in a room (the line
    /// protocol's USERNAME); held until People::disconnect().

    Outcome rename(const Actor& actor, const std::string& name);
    /// Someone online changes name; nick entries in their rooms.

    Outcome arrive(const Actor& actor, const std::string& wanted, const People::Outcome& arrival);
    /// A stream's arrival (Attendance): refused (and counted) when the name
    /// it wanted is someone else's; it goes on under its own name.

    Outcome markSeen(const Actor& actor, Room& room, const std::string& wanted);
    /// A long poll or send of the person in the room (People::seen), under
    /// `wanted` if that is free; a rename is announced.

    Outcome checkSubject(const Actor& actor, const std::string& subject);
    /// A room's subject: UTF-8 without control characters, at most 200 bytes.

    Outcome createRoom(const Actor& actor, const std::string& subject, bool isPublic);
    /// A new room; the subject is UTF-8 without control characters, at
    /// most 200 bytes. Spends a token. Owned by the actor's account, else
    /// by whoever has its owner link: then Outcome::secret is the link's
    /// secret, shown once and kept only as a digest (SPEC §11).

    Outcome openRoom(const Actor& actor, const std::string& target);
    /// The room `#name` (created, public, if there is none) or the room of
    /// that 32-hex id.

    Outcome refuse(const Actor& actor, Result result, std::string detail, std::string brief);
    /// Logs, counts and returns a refusal; for what a transport refuses itself.

    Outcome spendMessageToken(const Actor& actor);
    Outcome replay(const Actor& actor, const MessagePtr& earlier, const std::string& text);
    /// A token of the person's, then one of their address's shared budget.

    std::string metricsText() const;
    /// hchatd_refusals_total by transport and code, for /metrics.

private:
    Outcome spendRoomToken(const Actor& actor);
    /// A token of the person's and one of their address's (actor.peer).

    Outcome spendToken(const Actor& actor, const std::string& detail, const std::string& brief);

    RoomRegistry& _rooms;
    People& _people;
    Announcer& _announcer;
    RateLimiter& _limiter;
    Metrics& _metrics;
    const RoomRoles& _roles;
    const std::size_t _maxMessageBytes;
    Poco::Logger& _log;
    std::array<std::array<std::atomic<std::uint64_t>, results>, transports> _refusals{};
};

} // namespace hchat
