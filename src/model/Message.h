#pragma once

#include "model/Crowd.h"

#include <Poco/Timestamp.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

enum class MessageKind
{
    Message,
    Join,
    Leave,
    Nick,
    Edit,       ///< an author changed message `target`: text is its new text
    Delete,     ///< message `target` was deleted (text empty)
    Moderation, ///< a kick, ban or change of the room, in a sentence
    Deleted     ///< what a deleted message reads as afterwards (text empty)
};

struct MessageDetails
/// What only some log entries have (Message::details()).
{
    static constexpr std::uint64_t noTarget = ~std::uint64_t(0);

    std::string account;                 ///< the account its author was logged in to, or ""
    std::string sender;                  ///< who sent it (ChatActions::Actor::sender), never shown
    std::uint64_t target = noTarget;     ///< an edit or delete entry: the message it is about
    Poco::Timestamp::TimeVal edited = 0; ///< when its text was last edited; 0: never
    std::string request; ///< the sender's Idempotency-Key for it (Room::append), never shown
};

class Message
/// One entry of a room's log (SPEC §6): its number in the room, its kind, the
/// author's display name, the time it was appended and its text. Immutable
/// once made, so it is shared between the room, the store and every reader
/// without locks; its JSON form is built once, because every delivery of a
/// message to every subscriber sends the same bytes. An edit or deletion
/// (SPEC §11) makes a new Message that replaces the old one where it is kept.
{
public:
    static constexpr std::uint64_t noTarget = MessageDetails::noTarget;
    using Details = MessageDetails;

    Message(std::uint64_t id, MessageKind kind, std::string author, Poco::Timestamp time,
            std::string text, Crowd crowd = Crowd(), Details details = Details());
    /// crowd: for a notice about many people at once (then author is the
    /// first of them).

    std::uint64_t id() const { return _id; }
    MessageKind kind() const { return _kind; }
    const std::string& author() const { return _author; }
    const Poco::Timestamp& time() const { return _time; }
    const std::string& text() const { return _text; }
    const Crowd& crowd() const { return _crowd; }
    const std::string& account() const { return _details.account; }
    /// The account its author was logged in to; "" for a guest.
    const std::string& sender() const { return _details.sender; }
    std::uint64_t target() const { return _details.target; }
    bool isEdited() const { return _details.edited != 0; }
    Poco::Timestamp edited() const { return Poco::Timestamp(_details.edited); }
    const std::string& request() const { return _details.request; }
    const Details& details() const { return _details; }

    bool isAmendment() const { return _kind == MessageKind::Edit || _kind == MessageKind::Delete; }
    /// An entry that rewrites an earlier one (its target).

    std::shared_ptr<const Message> amendedBy(const Message& amendment) const;
    /// What this entry reads as once `amendment` (an edit or delete entry
    /// that targets it, or targets what this edit entry targets) is in the
    /// log: an edited message gets the edit's text and time; a deleted one
    /// becomes kind Deleted with no text, and the edits of it lose theirs,
    /// so the deleted text is kept nowhere. Null when it does not change.

    const std::string& json() const { return _json; }
    /// {"type":"message","id":…,"kind":…,"author":…,"time":…,"text":…},
    /// with "account":… after the author when sent by an account, and
    /// "names":[…],"count":n for a notice about a crowd, "target":n for an
    /// edit or delete entry and "edited":time once edited

    const std::string& timeText() const { return _timeText; }
    /// RFC 3339, UTC, milliseconds: 2026-11-22T03:01:08.123Z (formatted
    /// once: a long poll answer carries it in a header for every delivery)

    static const char* kindName(MessageKind kind);
    static bool parseKind(const std::string& name, MessageKind& kind);
    static std::string formatTime(const Poco::Timestamp& time);

private:
    std::uint64_t _id;
    MessageKind _kind;
    std::string _author;
    Poco::Timestamp _time;
    std::string _text;
    Crowd _crowd;
    Details _details;
    std::string _timeText;
    std::string _json;
};

using MessagePtr = std::shared_ptr<const Message>;

} // namespace hchat
