#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hchat
{

class JsonWriter;

struct Crowd
/// The people a grouped notice is about ("alice, bob, carol and 997 others
/// joined"): the first maxNames of their names and how many they are. An
/// entry about its author alone has count 0 and no names.
{
    static constexpr std::size_t maxNames = 20;

    std::vector<std::string> names;
    std::uint64_t count = 0;

    bool empty() const { return count == 0; }

    void addTo(JsonWriter& json) const;
    /// Writes "names" and "count" (into a message's JSON form).

    std::string json() const;
    /// {"names":[…],"count":n}, or "" when empty (as the store keeps it).

    static Crowd parse(const std::string& json);
    /// What json() wrote; "" or anything unreadable is an empty Crowd.
};

} // namespace hchat
