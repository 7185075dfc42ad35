#include "chat/RoomRoles.h"

#include "chat/Nickname.h"
#include "util/Secrets.h"

namespace hchat
{

RoomRoles::RoomRoles(const std::vector<std::string>& operators)
{
    for (const std::string& name : operators)
        _operators.insert(Nickname::folded(name));
}

Permissions::Role RoomRoles::roleOfAccount(const std::string& account, const RoomRecord& room) const
{
    if (account.empty())
        return Permissions::Role::Person;
    const std::string folded = Nickname::folded(account);
    if (_operators.count(folded) > 0)
        return Permissions::Role::Operator;
    if (folded == Nickname::folded(room.owner))
        return Permissions::Role::Owner;
    for (const std::string& moderator : room.moderators)
        if (folded == Nickname::folded(moderator))
            return Permissions::Role::Moderator;
    return Permissions::Role::Person;
}

Permissions::Role RoomRoles::roleOf(const ChatActions::Actor& actor, const RoomRecord& room) const
{
    Permissions::Role role = roleOfAccount(actor.account, room);
    if (role < Permissions::Role::Owner && !actor.ownerSecret.empty() && !room.ownerKey.empty() &&
        Secrets::digest(actor.ownerSecret) == room.ownerKey)
        return Permissions::Role::Owner;
    return role;
}

const RoomBan* RoomRoles::banOf(const ChatActions::Actor& actor, const std::string& name,
                                const RoomRecord& room)
{
    if (room.bans.empty())
        return nullptr; // most rooms: no digest of the person to make
    const Poco::Timestamp now;
    const std::string folded = Nickname::folded(name);
    const std::string account = Nickname::folded(actor.account);
    const std::string sender = actor.sender();
    for (const RoomBan& ban : room.bans)
    {
        if (ban.over(now))
            continue;
        if (ban.name == folded || (!account.empty() && ban.name == account) ||
            (!sender.empty() && ban.sender == sender))
            return &ban;
    }
    return nullptr;
}

} // namespace hchat
