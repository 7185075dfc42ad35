#include "chat/RemotePresence.h"

#include "chat/Nickname.h"

namespace hchat
{

bool RemotePresence::heard(const std::string& daemon, const std::string& roomId,
                           const std::vector<std::string>& names, const Poco::Timestamp& now)
{
    if (names.empty())
    {
        auto room = _rooms.find(roomId);
        if (room == _rooms.end() || room->second.erase(daemon) == 0)
            return false;
        if (room->second.empty())
            _rooms.erase(room);
        return true;
    }
    List& list = _rooms[roomId][daemon];
    const bool changed = list.names != names;
    list.names = names;
    list.heard = now;
    return changed;
}

std::vector<std::string> RemotePresence::expire(const Poco::Timestamp& now, Poco::Timespan age)
{
    std::vector<std::string> changed;
    for (auto room = _rooms.begin(); room != _rooms.end();)
    {
        const std::size_t before = room->second.size();
        for (auto there = room->second.begin(); there != room->second.end();)
            there = now - there->second.heard >= age.totalMicroseconds() ? room->second.erase(there)
                                                                         : std::next(there);
        if (room->second.size() != before)
            changed.push_back(room->first);
        room = room->second.empty() ? _rooms.erase(room) : std::next(room);
    }
    return changed;
}

std::size_t RemotePresence::count(const std::string& roomId) const
{
    std::size_t count = 0;
    auto room = _rooms.find(roomId);
    if (room != _rooms.end())
        for (const auto& [daemon, list] : room->second)
            count += list.names.size();
    return count;
}

bool RemotePresence::lists(const std::string& roomId, const std::string& folded) const
{
    auto room = _rooms.find(roomId);
    if (room != _rooms.end())
        for (const auto& [daemon, list] : room->second)
            for (const std::string& name : list.names)
                if (Nickname::folded(name) == folded)
                    return true;
    return false;
}

void RemotePresence::addTo(const std::string& roomId,
                           std::vector<std::pair<std::string, std::string>>& keyed) const
{
    auto room = _rooms.find(roomId);
    if (room != _rooms.end())
        for (const auto& [daemon, list] : room->second)
            for (const std::string& name : list.names)
                keyed.emplace_back(Nickname::folded(name), name);
}

} // namespace hchat
