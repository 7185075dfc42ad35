#pragma once

#include "chat/Room.h"
#include "store/StoreListener.h"

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace hchat
{

class Store;

class RoomRegistry : public StoreListener
/// Every room of this daemon, by id. Rooms are never deleted while running.
/// Thread-safe: _mutex (shared for look-ups) guards _rooms; it is never held
/// while a room's own lock is taken.
{
public:
    RoomRegistry(Store& store, std::size_t window, Poco::Timespan retention = 0);
    /// window: messages kept in memory per room; retention: age after which
    /// messages are gone (0: kept for ever).

    void load();
    /// Reads the room records from the store (not their messages). Call once at start.

    std::shared_ptr<Room> create(const std::string& subject, bool isPublic);
    /// A new room with a fresh random id, stored before it is returned.

    std::shared_ptr<Room> find(const std::string& id) const;
    /// The room, or null when there is none with that id.

    std::vector<std::shared_ptr<Room>> publicRooms() const;
    /// Public rooms, most recently active first.

    std::size_t size() const;

    void closeAll();
    /// Shutdown: wakes every waiting reader in every room.

    void remoteRoomCreated(const RoomRecord& room) override;
    void remoteMessageAppended(const std::string& roomId, const MessagePtr& message) override;

private:
    std::shared_ptr<Room> insert(const RoomRecord& record);

    Store& _store;
    const std::size_t _window;
    const Poco::Timespan _retention;
    mutable std::shared_mutex _mutex;
    std::map<std::string, std::shared_ptr<Room>> _rooms;
};

} // namespace hchat
