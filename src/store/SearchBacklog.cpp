#include "store/SearchBacklog.h"

#include <algorithm>

namespace hchat
{

void SearchBacklog::left(const std::vector<Room>& rooms, Clock::time_point now)
{
    _rooms.insert(rooms.begin(), rooms.end());
    _count = _rooms.empty() ? 0 : chunk;
    _since = now;
}

void SearchBacklog::stored(const std::vector<Room>& rooms, std::size_t messages,
                           Clock::time_point now)
{
    _rooms.insert(rooms.begin(), rooms.end());
    if (_count == 0)
        _since = now;
    _count += messages;
}

bool SearchBacklog::due(Clock::time_point now) const
{
    if (now < _notBefore)
        return false;
    return _cutShort || _count >= chunk || (_count > 0 && now - _since >= delay);
}

SearchBacklog::Clock::time_point SearchBacklog::dueAt() const
{
    return _count > 0 ? std::max(_since + delay, _notBefore) : Clock::time_point::max();
}

void SearchBacklog::step(std::size_t budget, std::size_t roomBudget, const Look& look,
                         const Index& index)
{
    try
    {
        std::vector<std::pair<Room, Poco::Int64>> rooms;
        std::size_t planned = 0;
        auto it = _rooms.begin();
        while (it != _rooms.end() && planned < budget && rooms.size() < roomBudget)
        {
            const auto [next, indexed] = look(*it);
            if (indexed >= next)
            {
                it = _rooms.erase(it);
                continue;
            }
            rooms.emplace_back(*it, next);
            planned += static_cast<std::size_t>(next - indexed);
            ++it;
        }
        const bool roomsLeft = it != _rooms.end();
        const std::size_t done = index(rooms, budget);
        for (const auto& [room, next] : rooms)
            if (look(room).second >= next)
                _rooms.erase(room);
        _count = _rooms.empty() ? 0 : std::max<std::size_t>(1, _count - std::min(done, _count));
        _cutShort = roomsLeft || done >= budget;
        if (_cutShort)
            return;
    }
    catch (...)
    {
        _cutShort = false;
        _since = Clock::now();
        _notBefore = _since + delay;
        throw;
    }
    _since = Clock::now();
}

} // namespace hchat
