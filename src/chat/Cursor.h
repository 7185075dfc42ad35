#pragma once

#include "model/Message.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace hchat
{

class Room;

class Cursor
/// A reader's position in a room's log (SPEC §2): the number of the next
/// message it must deliver. Streams take messages from it in slices and
/// write them out; nothing is queued for a reader, so one that is slow only
/// falls behind its own cursor.
/// Not thread-safe: one per connection thread.
{
public:
    struct Slice
    {
        Room* room = nullptr;             ///< the room they are of
        std::vector<MessagePtr> messages; ///< in order, from the cursor on
        bool skipped = false; ///< messages were deleted by retention before they were read:
        std::uint64_t skippedFrom = 0; ///< the first of them
        std::uint64_t resumedAt = 0;   ///< and where the cursor went on
        bool reset = false; ///< the store lost the room's history (Room::historyLost) before
                            ///< resumedAt since the last slice: said once per loss
    };

    Cursor(std::shared_ptr<Room> room, std::uint64_t next);

    Slice take(std::size_t limit);
    /// Up to limit messages from the cursor, which moves past them; empty
    /// when the reader is up to date.

    bool takeIfNext(const MessagePtr& message, Slice& slice);
    /// When `message` (readable) is the next one, puts it alone in the
    /// slice and moves past it, without the room's lock. False too when a
    /// loss of history is still to be told (take() tells it).

    std::uint64_t position() const { return _next; }
    Room& room() const { return *_room; }

private:
    std::shared_ptr<Room> _room;
    std::uint64_t _next;
    std::uint64_t _losses; ///< Room::losses() when last told
};

} // namespace hchat
