#include "chat/Permissions.h"

namespace hchat
{

const char* Permissions::name(Role role)
{
    switch (role)
    {
    case Role::Person:
        return "person";
    case Role::Moderator:
        return "moderator";
    case Role::Owner:
        return "owner";
    case Role::Operator:
        return "operator";
    }
    return "person";
}

bool Permissions::may(Role actor, Action action, Role subject)
{
    switch (action)
    {
    case Action::EditOwn:
    case Action::DeleteOwn:
        return true;
    case Action::DeleteMessage:
    case Action::Kick:
    case Action::Ban:
        return actor >= Role::Moderator && subject < actor;
    case Action::ChangeRoom:
    case Action::NameModerators:
    case Action::DeleteRoom:
        return actor >= Role::Owner;
    }
    return false;
}

} // namespace hchat
