#include "chat/RoomRegistry.h"

#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "store/Store.h"

#include <algorithm>
#include <mutex>

namespace hchat
{

RoomRegistry::RoomRegistry(Store& store, std::size_t window, Poco::Timespan retention)
    : _store(store), _window(window), _retention(retention)
{
}

void RoomRegistry::load()
{
    for (const RoomRecord& record : _store.rooms())
        insert(record);
}

std::shared_ptr<Room> RoomRegistry::insert(const RoomRecord& record)
{
    std::unique_lock<std::shared_mutex> lock(_mutex);
    auto& slot = _rooms[record.id];
    if (!slot)
    {
        slot = std::make_shared<Room>(record, _store, _window, _retention);
        // Rooms are inserted oldest first (the store lists them in creation
        // order), so the first public room with a name keeps it.
        if (record.isPublic && isRoomName(record.subject))
            _named.emplace(Nickname::folded(record.subject), slot);
        // A room made while the daemon stops holds up no reader.
        if (_closed)
            slot->close();
    }
    return slot;
}

bool RoomRegistry::isRoomName(const std::string& text)
{
    return text.size() > 1 && text[0] == '#' && Nickname::isValid(text.substr(1));
}

std::shared_ptr<Room> RoomRegistry::findNamed(const std::string& name) const
{
    std::shared_lock<std::shared_mutex> lock(_mutex);
    auto it = _named.find(Nickname::folded(name));
    return it == _named.end() ? nullptr : it->second;
}

std::shared_ptr<Room> RoomRegistry::openNamed(const std::string& name)
{
    std::lock_guard<std::mutex> naming(_naming);
    if (auto room = findNamed(name))
        return room;
    return create(name, true);
}

std::string RoomRegistry::label(const Room& room) const
{
    const std::string& subject = room.record().subject;
    if (room.record().isPublic && isRoomName(subject))
    {
        auto named = findNamed(subject);
        if (named.get() == &room)
            return subject;
    }
    return room.id();
}

std::shared_ptr<Room> RoomRegistry::create(const std::string& subject, bool isPublic)
{
    RoomRecord record;
    record.id = IdGenerator::next();
    record.subject = subject;
    record.isPublic = isPublic;
    record.lastActivity = record.created;
    _store.createRoom(record);
    return insert(record);
}

std::shared_ptr<Room> RoomRegistry::find(const std::string& id) const
{
    std::shared_lock<std::shared_mutex> lock(_mutex);
    auto it = _rooms.find(id);
    return it == _rooms.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Room>> RoomRegistry::publicRooms() const
{
    std::vector<std::shared_ptr<Room>> rooms;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        for (const auto& entry : _rooms)
            if (entry.second->record().isPublic)
                rooms.push_back(entry.second);
    }
    std::vector<std::pair<Poco::Timestamp, std::shared_ptr<Room>>> keyed;
    for (auto& room : rooms)
        keyed.emplace_back(room->lastActivity(), room);
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < keyed.size(); ++i)
        rooms[i] = keyed[i].second;
    return rooms;
}

std::size_t RoomRegistry::size() const
{
    std::shared_lock<std::shared_mutex> lock(_mutex);
    return _rooms.size();
}

void RoomRegistry::closeAll()
{
    std::vector<std::shared_ptr<Room>> rooms;
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        _closed = true;
        for (const auto& entry : _rooms)
            rooms.push_back(entry.second);
    }
    for (auto& room : rooms)
        room->close();
}

} // namespace hchat
