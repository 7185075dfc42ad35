#pragma once

namespace hchat
{

class Permissions
/// Who may do what to whom in a room (SPEC §11), as one table. A role is
/// what someone is to one room; an action is done by one role to what
/// belongs to another (a message's author, a person kicked or banned). No
/// one acts on what belongs to an equal or a higher role, except on their
/// own messages.
{
public:
    enum class Role
    {
        Person,    ///< anyone else: guests and accounts
        Moderator, ///< an account the owner named
        Owner,     ///< the room's creator (account or owner link)
        Operator   ///< an account of admin.accounts: every room
    };

    enum class Action
    {
        EditOwn,        ///< edit one's own message (within chat.editWindow)
        DeleteOwn,      ///< delete one's own message
        DeleteMessage,  ///< delete someone else's message
        Kick,           ///< end someone's connections in the room
        Ban,            ///< keep someone out of the room (and lift it)
        ChangeRoom,     ///< subject, listing, posting rule, slow mode
        NameModerators, ///< name and remove moderators
        DeleteRoom      ///< the room, for everyone
    };

    static const char* name(Role role);
    /// "person", "moderator", "owner", "operator" (the page's data-role).

    static bool may(Role actor, Action action, Role subject = Role::Person);
    /// Whether `actor` may do `action` to what belongs to `subject` (for
    /// the owner's own actions, subject is ignored).
};

} // namespace hchat
