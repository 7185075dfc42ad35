#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace hchat
{

struct RoomBan
/// Someone kept out of one room (SPEC §11): they can neither post nor join.
/// A ban holds a name and, when someone online had that name, the person
/// they were (ChatActions::Actor::sender), so a new name does not get them
/// back in.
{
    std::string name;         ///< the name banned, folded (Nickname::folded)
    std::string sender;       ///< the banned person's Actor::sender(), or ""
    Poco::Timestamp until{0}; ///< when it ends; the epoch (0): never

    bool forGood() const { return until.epochMicroseconds() == 0; }
    bool over(const Poco::Timestamp& now) const { return !forGood() && until <= now; }
};

} // namespace hchat
