#pragma once

#include "chat/Room.h"
#include "store/Store.h"

#include <Poco/Timestamp.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

namespace hchat
{

class RoomRegistry : public Store::Listener
/// Every room of this daemon, by id, and the ids of the rooms deleted.
/// With a shared store (several daemons) it listens to the store: rooms
/// created, changed and deleted elsewhere, and messages stored anywhere,
/// reach this daemon's rooms.
/// Thread-safe: _mutex (shared for look-ups) guards _rooms, _named and
/// _deleted; it is never held while a room's own lock is taken.
{
public:
    RoomRegistry(Store& store, std::size_t window, Poco::Timespan retention = 0);
    /// window: messages kept in memory per room; retention: age after which
    /// messages are gone (0: kept for ever).

    void load();
    /// Reads the room records from the store (not their messages) and the
    /// ids of deleted rooms. Call once at start.

    std::shared_ptr<Room> create(const std::string& subject, bool isPublic,
                                 const std::string& owner = "", const std::string& ownerKey = "");
    /// A new room with a fresh random id, stored before it is returned;
    /// owned by the account `owner` or by whoever shows the secret whose
    /// digest is ownerKey (RoomRecord).

    std::shared_ptr<Room> find(const std::string& id);
    /// The room, or null when there is none with that id (with a shared
    /// store: none there either).

    bool remove(const std::string& id);
    /// Deletes the room for everyone: it leaves every listing and its name,
    /// it is closed (Room::Closing::Deleted: waiting readers are woken,
    /// streams told and ended, appends refused) and the store forgets it.
    /// False when there is no such room. Throws what the store threw; the
    /// room is gone from this daemon all the same.

    void update(const std::shared_ptr<Room>& room, RoomRecord record);
    /// The room's new settings (subject, listing, posting rule, slow mode,
    /// moderators, bans): stored, then in effect, its listings and #name
    /// following. Throws what the store threw; nothing changed then.

    bool wasDeleted(const std::string& id) const;
    /// Whether a room of that id existed and was deleted (its URLs: 410).

    static bool isRoomName(const std::string& text);
    /// "#" and 1 to 32 letters, digits, '_', '-' or '.' (SPEC §5).

    std::shared_ptr<Room> findNamed(const std::string& name) const;
    /// The room called `name` (case-insensitive), or null. A room's #name is
    /// its subject, for the oldest public room whose subject is that name.

    std::shared_ptr<Room> openNamed(const std::string& name);
    /// The room called `name`, created (public, subject `name`) if there is
    /// none. Two callers at once get the same room.

    std::string label(const Room& room) const;
    /// How the line protocol names a room: its #name, else its id.

    struct Listing
    {
        std::vector<std::shared_ptr<Room>> rooms;
        std::size_t total = 0; ///< public rooms in all (mostActive(); publicAfter() does not count)
        bool more = false;     ///< rooms follow the ones listed
    };

    Listing mostActive(std::size_t limit) const;
    /// At most `limit` public rooms, most recently active first. The order
    /// is at most a second old (kept for 200 rooms, so a flood of ROOMS
    /// costs one sort a second); a room just created is in it.

    Listing publicAfter(const std::string& after, std::size_t limit) const;
    /// At most `limit` public rooms in id order, from the first id greater
    /// than `after` ("" for the first page): pages that hold still while
    /// rooms are busy or created.

    std::size_t size() const;
    std::vector<std::shared_ptr<Room>> all() const;
    /// Every room, listed or not, in id order (the operator's list).

    void kick(Room& room, const std::string& key);
    /// Puts the person `key` out of the room (Room::kick) here and, with a
    /// shared store, on every daemon.

    void appended(const std::string& roomId, const MessagePtr& message) override;
    void roomSaved(const RoomRecord& record) override;
    void roomDeleted(const std::string& id) override;
    void kicked(const std::string& roomId, const std::string& key) override;
    void resumed() override;
    /// Store::Listener: what a shared store tells.

    void closeAll();
    /// Shutdown: wakes every waiting reader in every room; a room made
    /// later is closed from the start.

private:
    std::shared_ptr<Room> insert(const RoomRecord& record);
    void apply(const std::shared_ptr<Room>& room, const RoomRecord& record);
    /// The room's settings are now record's, and its listings follow.
    std::shared_ptr<Room> detach(const std::string& id);
    /// Takes the room out of every listing and its name, counts it
    /// deleted and closes it (Room::Closing::Deleted); null when unknown.

    Store& _store;
    const std::size_t _window;
    const Poco::Timespan _retention;
    mutable std::shared_mutex _mutex;
    std::map<std::string, std::shared_ptr<Room>> _rooms;
    bool _closed = false;            ///< after closeAll(), rooms are born closed
    mutable std::mutex _activeMutex; ///< guards the three below; never held with _mutex
    mutable Listing _active;         ///< mostActive()'s last answer
    mutable Poco::Timestamp _activeAt;
    mutable bool _activeValid = false;
    std::map<std::string, std::shared_ptr<Room>> _named; ///< folded #name → room
    std::set<std::string> _deleted;                      ///< ids of deleted rooms
    std::mutex _naming; ///< serializes openNamed's look-up and creation
    std::string _epoch; ///< the shared store's mark (Store::epoch); its feed thread only
};

} // namespace hchat
