#pragma once

#include "chat/ChatActions.h"
#include "chat/Permissions.h"
#include "model/RoomRecord.h"

#include <set>
#include <string>
#include <vector>

namespace hchat
{

class Room;

class RoomRoles
/// What each person is to a room (Permissions::Role): the operator
/// (admin.accounts) in every room, its owner (its account, or whoever shows
/// its owner link's secret), the moderators the owner named, everyone
/// else; and whom a room's bans keep out. Thread-safe (its settings are
/// fixed; a room's are read from a copy of its record).
{
public:
    explicit RoomRoles(const std::vector<std::string>& operators);
    /// operators: the account names of admin.accounts.

    Permissions::Role roleOf(const ChatActions::Actor& actor, const RoomRecord& room) const;
    /// The actor's account's role, or Owner by actor.ownerSecret.

    Permissions::Role roleOfAccount(const std::string& account, const RoomRecord& room) const;
    /// What an account ("" for a guest) is to the room.

    static const RoomBan* banOf(const ChatActions::Actor& actor, const std::string& name,
                                const RoomRecord& room);
    /// The room's ban that keeps out this person (by their name, their
    /// account's name, or who they are), or null. Bans past their end do not count.

private:
    std::set<std::string> _operators; ///< folded names
};

} // namespace hchat
