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
    Nick
};

class Message
/// One entry of a room's log (SPEC §6): its number in the room, its kind, the
/// author's display name, the time it was appended and its text. Immutable
/// once made, so it is shared between the room, the store and every reader
/// without locks; its JSON form is built once, because every delivery of a
/// message to every subscriber sends the same bytes.
{
public:
    Message(std::uint64_t id, MessageKind kind, std::string author, Poco::Timestamp time,
            std::string text, Crowd crowd = Crowd(), std::string account = "");
    /// crowd: for a notice about many people at once (then author is the
    /// first of them); account: the registered account that sent it, or "".

    std::uint64_t id() const { return _id; }
    MessageKind kind() const { return _kind; }
    const std::string& author() const { return _author; }
    const Poco::Timestamp& time() const { return _time; }
    const std::string& text() const { return _text; }
    const Crowd& crowd() const { return _crowd; }
    const std::string& account() const { return _account; }
    /// The account its author was logged in to; "" for a guest.

    const std::string& json() const { return _json; }
    /// {"type":"message","id":…,"kind":…,"author":…,"time":…,"text":…},
    /// with "account":… after the author when sent by an account, and
    /// "names":[…],"count":n for a notice about a crowd

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
    std::string _account;
    std::string _timeText;
    std::string _json;
};

using MessagePtr = std::shared_ptr<const Message>;

} // namespace hchat
