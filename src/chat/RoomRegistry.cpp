#include "chat/RoomRegistry.h"

#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "store/Store.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <mutex>

namespace hchat
{

namespace
{
// mostActive() is asked on every index page and ROOMS: its order may be
// this old (a new room shows at once), and this many rooms are kept.
const Poco::Timespan activeFresh(1, 0);
const std::size_t activeKept = 200;
} // namespace

RoomRegistry::RoomRegistry(Store& store, std::size_t window, Poco::Timespan retention)
    : _store(store), _window(window), _retention(retention)
{
}

void RoomRegistry::load()
{
    for (const RoomRecord& record : _store.rooms())
        insert(record);
    std::vector<std::string> deleted = _store.deletedRooms();
    std::unique_lock<std::shared_mutex> lock(_mutex);
    _deleted.insert(deleted.begin(), deleted.end());
}

std::shared_ptr<Room> RoomRegistry::insert(const RoomRecord& record)
{
    std::shared_ptr<Room> room;
    bool born = false;
    bool closing = false;
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        auto& slot = _rooms[record.id];
        if (!slot)
        {
            slot = std::make_shared<Room>(record, _store, _window, _retention);
            born = true;
            // The oldest public room with a name keeps it. Rooms load
            // oldest first; with a shared store two daemons may create
            // "#lobby" at once and hear of each other's after their own:
            // both then settle on the older (the smaller id on a tie).
            if (record.isPublic && isRoomName(record.subject))
            {
                auto named = _named.emplace(Nickname::folded(record.subject), slot);
                const RoomRecord holder = named.first->second->record();
                if (!named.second && (record.created < holder.created ||
                                      (record.created == holder.created && record.id < holder.id)))
                    named.first->second = slot;
            }
        }
        room = slot;
        closing = born && _closed;
    }
    if (closing)
        room->close(); // made while the daemon stops: it holds up no reader
    if (born)
    {
        std::lock_guard<std::mutex> active(_activeMutex);
        _activeValid = false; // a new room is listed at once
    }
    return room;
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

void RoomRegistry::update(const std::shared_ptr<Room>& room, RoomRecord record)
{
    record.id = room->id();
    _store.saveRoom(record);
    apply(room, record);
}

void RoomRegistry::apply(const std::shared_ptr<Room>& room, const RoomRecord& record)
{
    room->setRecord(record);
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        for (auto named = _named.begin(); named != _named.end(); ++named)
            if (named->second == room)
            {
                _named.erase(named);
                break;
            }
        if (record.isPublic && isRoomName(record.subject))
            _named.emplace(Nickname::folded(record.subject), room); // unless another has it
    }
    std::lock_guard<std::mutex> active(_activeMutex);
    _activeValid = false;
}

std::string RoomRegistry::label(const Room& room) const
{
    const std::string subject = room.record().subject;
    if (room.isPublic() && isRoomName(subject))
    {
        auto named = findNamed(subject);
        if (named.get() == &room)
            return subject;
    }
    return room.id();
}

std::shared_ptr<Room> RoomRegistry::create(const std::string& subject, bool isPublic,
                                           const std::string& owner, const std::string& ownerKey)
{
    RoomRecord record;
    record.id = IdGenerator::next();
    record.subject = subject;
    record.isPublic = isPublic;
    record.owner = owner;
    record.ownerKey = ownerKey;
    record.lastActivity = record.created;
    _store.createRoom(record);
    return insert(record);
}

std::shared_ptr<Room> RoomRegistry::find(const std::string& id)
{
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        auto it = _rooms.find(id);
        if (it != _rooms.end())
            return it->second;
        if (!_store.isShared() || _deleted.count(id) > 0 || !IdGenerator::isValid(id))
            return nullptr;
    }
    // Created on another daemon a moment ago, and the feed has not told yet.
    RoomRecord record;
    return _store.findRoom(id, record) ? insert(record) : nullptr;
}

bool RoomRegistry::remove(const std::string& id)
{
    std::shared_ptr<Room> room = detach(id);
    if (!room)
        return false;
    _store.deleteRoom(id);
    return true;
}

std::shared_ptr<Room> RoomRegistry::detach(const std::string& id)
{
    std::shared_ptr<Room> room;
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        auto it = _rooms.find(id);
        if (it == _rooms.end())
            return nullptr;
        room = std::move(it->second);
        _rooms.erase(it);
        for (auto named = _named.begin(); named != _named.end(); ++named)
            if (named->second == room)
            {
                _named.erase(named);
                break;
            }
        _deleted.insert(id);
    }
    {
        std::lock_guard<std::mutex> active(_activeMutex);
        _activeValid = false;
    }
    // Closed first: no append can reach the store after its rows are gone.
    room->close(Room::Closing::Deleted);
    return room;
}

void RoomRegistry::appended(const std::string& roomId, const MessagePtr& message)
{
    std::shared_ptr<Room> room;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        auto it = _rooms.find(roomId);
        if (it == _rooms.end())
            return; // not known here yet: read from the store when it is
        room = it->second;
    }
    room->arrived(message);
}

void RoomRegistry::kick(Room& room, const std::string& key)
{
    room.kick(key);
    if (!_store.isShared())
        return;
    try
    {
        _store.kick(room.id(), key);
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd").error("room %s: the kick reached this daemon only: %s",
                                          room.id(), e.displayText());
    }
}

void RoomRegistry::kicked(const std::string& roomId, const std::string& key)
{
    std::shared_ptr<Room> room;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        auto it = _rooms.find(roomId);
        if (it == _rooms.end())
            return;
        room = it->second;
    }
    room->kick(key); // this daemon's own kick again: its connections are gone already
}

void RoomRegistry::roomSaved(const RoomRecord& record)
{
    std::shared_ptr<Room> room;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        if (_deleted.count(record.id) > 0)
            return;
        auto it = _rooms.find(record.id);
        if (it != _rooms.end())
            room = it->second;
    }
    if (room)
        apply(room, record);
    else
        insert(record);
}

void RoomRegistry::roomDeleted(const std::string& id)
{
    detach(id);
    std::unique_lock<std::shared_mutex> lock(_mutex);
    _deleted.insert(id);
}

void RoomRegistry::resumed()
{
    const std::string mark = _store.epoch();
    if (!_epoch.empty() && mark != _epoch)
    {
        // The store lost its data. Rooms known here are stored again and
        // their numbering goes on (never from 0 again); their history
        // before is gone, for readers as if retention had dropped it.
        Poco::Logger::get("hchatd").error(
            "the shared store lost its data (a restart without persistence?): rooms "
            "stored again, numbering goes on, older history is gone");
        for (const std::shared_ptr<Room>& room : all())
            _store.restoreRoom(room->record(), room->count());
        for (const std::shared_ptr<Room>& room : all())
            room->historyLost(_store.tail(room->id(), 0).next);
    }
    _epoch = mark;
    // What the feed missed: rooms made, changed and deleted, and messages.
    for (const RoomRecord& record : _store.rooms())
        roomSaved(record);
    for (const std::string& id : _store.deletedRooms())
        roomDeleted(id);
    for (const std::shared_ptr<Room>& room : all())
        room->catchUp();
}

bool RoomRegistry::wasDeleted(const std::string& id) const
{
    std::shared_lock<std::shared_mutex> lock(_mutex);
    return _deleted.count(id) > 0;
}

RoomRegistry::Listing RoomRegistry::mostActive(std::size_t limit) const
{
    {
        std::lock_guard<std::mutex> lock(_activeMutex);
        if (_activeValid && _activeAt.elapsed() < activeFresh.totalMicroseconds() &&
            limit <= activeKept)
        {
            Listing listing;
            listing.total = _active.total;
            listing.more = limit < _active.total;
            const std::size_t shown = std::min(limit, _active.rooms.size());
            listing.rooms.assign(_active.rooms.begin(),
                                 _active.rooms.begin() + static_cast<std::ptrdiff_t>(shown));
            return listing;
        }
    }
    std::vector<std::pair<Poco::Timestamp, std::shared_ptr<Room>>> keyed;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        for (const auto& entry : _rooms)
            if (entry.second->isPublic())
                keyed.emplace_back(0, entry.second);
    }
    for (auto& entry : keyed)
        entry.first = entry.second->lastActivity();
    Listing listing;
    listing.total = keyed.size();
    const std::size_t kept = std::min(std::max(limit, activeKept), keyed.size());
    const auto end = keyed.begin() + static_cast<std::ptrdiff_t>(kept);
    std::partial_sort(keyed.begin(), end, keyed.end(),
                      [](const auto& a, const auto& b) {
                          return a.first > b.first ||
                                 (a.first == b.first && a.second->id() < b.second->id());
                      });
    for (auto it = keyed.begin(); it != end; ++it)
        listing.rooms.push_back(std::move(it->second));
    {
        std::lock_guard<std::mutex> lock(_activeMutex);
        _active = listing;
        _activeAt.update();
        _activeValid = true;
    }
    if (listing.rooms.size() > limit)
        listing.rooms.resize(limit);
    listing.more = listing.rooms.size() < listing.total;
    return listing;
}

RoomRegistry::Listing RoomRegistry::publicAfter(const std::string& after, std::size_t limit) const
{
    Listing listing;
    std::shared_lock<std::shared_mutex> lock(_mutex);
    for (auto it = _rooms.upper_bound(after); it != _rooms.end(); ++it)
    {
        if (!it->second->isPublic())
            continue;
        if (listing.rooms.size() == limit)
        {
            listing.more = true;
            break;
        }
        listing.rooms.push_back(it->second);
    }
    return listing;
}

std::vector<std::shared_ptr<Room>> RoomRegistry::all() const
{
    std::shared_lock<std::shared_mutex> lock(_mutex);
    std::vector<std::shared_ptr<Room>> rooms;
    rooms.reserve(_rooms.size());
    for (const auto& entry : _rooms)
        rooms.push_back(entry.second);
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
