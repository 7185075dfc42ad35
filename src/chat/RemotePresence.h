#pragma once

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hchat
{

class RemotePresence
/// Who is in each room on the other daemons of a shared store, as each of
/// them last told (People::roomNames), until its list is too old: the
/// daemon stopped telling, it is gone.
/// Not thread-safe: People's mutex guards it.
{
public:
    bool heard(const std::string& daemon, const std::string& roomId,
               const std::vector<std::string>& names, const Poco::Timestamp& now);
    /// That daemon's list of the room now (empty: nobody there any more).
    /// True when it is not what it was.

    std::vector<std::string> expire(const Poco::Timestamp& now, Poco::Timespan age);
    /// Forgets the lists not heard within age; the rooms they were of.

    bool has(const std::string& roomId) const { return _rooms.count(roomId) > 0; }
    std::size_t count(const std::string& roomId) const;
    /// Names on every list of the room (someone on two daemons counts twice).
    bool lists(const std::string& roomId, const std::string& folded) const;
    /// Whether a list of the room has that name (Nickname::folded).
    void addTo(const std::string& roomId,
               std::vector<std::pair<std::string, std::string>>& keyed) const;
    /// Appends (folded, name) for every name on the room's lists.

private:
    struct List
    {
        std::vector<std::string> names;
        Poco::Timestamp heard;
    };
    std::unordered_map<std::string, std::map<std::string, List>> _rooms; ///< room → daemon → list
};

} // namespace hchat
