#pragma once

#include "chat/ChatActions.h"
#include "chat/Permissions.h"
#include "model/RoomRecord.h"

#include <Poco/Timespan.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hchat
{

class Accounts;
class People;
class Room;
class RoomRegistry;
class RoomRoles;

class RoomActions
/// What people do to a room besides speaking (SPEC §11), written once for
/// every transport, as Permissions rules over RoomRoles: edit and delete
/// messages; kick and ban people and lift bans; name moderators; change the
/// room's subject, listing, posting rule and slow mode; delete the room.
/// Kicks, bans and changes are `moderation` entries of the room's log with
/// a sentence ("olga banned bob for 10 minutes"), so every transport learns
/// them in order. Each returns a ChatActions::Outcome that the transport
/// renders; refusals are logged and counted by ChatActions::refuse.
/// Thread-safe (no state of its own beyond its settings).
{
public:
    using Outcome = ChatActions::Outcome;
    using Actor = ChatActions::Actor;

    struct Settings
    /// What a change of a room asks for; what is absent stays.
    {
        std::optional<std::string> subject;
        std::optional<bool> isPublic;
        std::optional<RoomRecord::Posting> posting;
        std::optional<int> slowMode; ///< seconds, 0 (off) to 86400
    };

    RoomActions(ChatActions& actions, RoomRegistry& rooms, People& people, Accounts& accounts,
                const RoomRoles& roles, Poco::Timespan editWindow);
    /// editWindow: how long after sending an author may edit a message
    /// (chat.editWindow).

    Poco::Timespan editWindow() const { return _editWindow; }

    Permissions::Role roleOf(const Actor& actor, const Room& room) const;
    /// RoomRoles::roleOf for the room as it is now.
    Permissions::Role roleOfName(const std::string& name, const RoomRecord& record,
                                 std::string& key) const;
    /// What the person called `name` is to the room; key: theirs when online, else "".
    Permissions::Role roleOfOnlineName(const std::string& name, const RoomRecord& record) const;
    /// What someone online as `name` is to the room, without asking People
    /// (for lists of thousands): a registered name is its account's alone
    /// (People::reserve), so the role is that account's.

    Outcome edit(const Actor& actor, Room& room, std::uint64_t n, const std::string& author,
                 std::string text);
    /// An edit entry by `author` (the actor's display name) giving message
    /// n the text. Only its author, within the edit window. Done:
    /// Outcome::message is the entry. Refused: the text's refusals,
    /// NoMessage (none, or not a chat message, or deleted), NotAllowed,
    /// TooLate, Banned, RateLimited, NotStored, RoomDeleted.

    Outcome remove(const Actor& actor, Room& room, std::uint64_t n, const std::string& author);
    /// A delete entry of message n: by its author, or by whoever outranks
    /// the author (Permissions::Action::DeleteMessage). Refused as edit().

    Outcome kick(const Actor& actor, const std::shared_ptr<Room>& room, const std::string& name,
                 const std::string& author);
    /// Ends the live connections in the room of the person online as
    /// `name` (Room::kick), with an entry that says so. By moderators, of
    /// people they outrank. Refused: NotAllowed, NotOnline.

    Outcome ban(const Actor& actor, const std::shared_ptr<Room>& room, const std::string& name,
                int seconds, const std::string& author);
    /// Keeps `name` (and the person online under it) out of the room for
    /// `seconds` (0: for good), and kicks them. Refused: BadName,
    /// BadRequest, NotAllowed, NotStored.

    Outcome unban(const Actor& actor, const std::shared_ptr<Room>& room, const std::string& name,
                  const std::string& author);
    /// Lifts the ban on `name`. Refused: NotAllowed, NotOnline (no such ban), NotStored.

    Outcome listBans(const Actor& actor, const Room& room, std::vector<RoomBan>& bans);
    /// The room's bans in force, for its moderators. Refused: NotAllowed.

    Outcome setModerator(const Actor& actor, const std::shared_ptr<Room>& room,
                         const std::string& account, bool named, const std::string& author);
    /// Names (or removes) the account as a moderator. By the owner and the
    /// operator. Refused: NotAllowed, NotOnline (no such account), NotStored.

    Outcome change(const Actor& actor, const std::shared_ptr<Room>& room, const Settings& settings,
                   const std::string& author);
    /// The room's settings, by the owner and the operator; one entry says
    /// what changed (none when nothing did). Outcome::room is the room.
    /// Refused: NotAllowed, BadRoom (a bad subject), BadRequest, NotStored.

    Outcome deleteRoom(const Actor& actor, Room& room);
    /// The room, for everyone (RoomRegistry::remove): by its owner or the
    /// operator. Refused: NotAllowed, RoomDeleted (already), NotStored.

private:
    bool isAuthor(const Actor& actor, const Message& message) const;
    Outcome amend(const Actor& actor, Room& room, MessageKind kind, std::uint64_t n,
                  const std::string& author, const std::string& text);
    Outcome refuseUnless(const Actor& actor, bool allowed, const std::string& why);
    Outcome update(const Actor& actor, const std::shared_ptr<Room>& room, RoomRecord record,
                   const std::string& author, const std::string& sentence);
    /// Stores and applies the record, then appends the sentence as a moderation entry.
    static std::string duration(int seconds);
    /// "10 minutes", "1 day", "90 seconds".

    ChatActions& _actions;
    RoomRegistry& _rooms;
    People& _people;
    Accounts& _accounts;
    const RoomRoles& _roles;
    const Poco::Timespan _editWindow;
};

} // namespace hchat
