#include "chat/Cursor.h"

#include "chat/Room.h"

namespace hchat
{

Cursor::Cursor(std::shared_ptr<Room> room, std::uint64_t next)
    : _room(std::move(room)), _next(next), _losses(_room->losses())
{
}

Cursor::Slice Cursor::take(std::size_t limit)
{
    Slice slice;
    slice.room = _room.get();
    const std::uint64_t losses = _room->losses();
    if (losses != _losses)
    {
        _losses = losses;
        slice.reset = true;
        slice.skippedFrom = slice.resumedAt = _next;
    }
    if (!_room->hasFrom(_next))
        return slice; // nothing new: no need for the room's lock
    std::uint64_t roomNext = 0;
    slice.messages = _room->range(_next, limit, roomNext);
    // range() skips what retention deleted: the first message (or, with none
    // left, the room's next number) tells how far.
    const std::uint64_t first = slice.messages.empty() ? roomNext : slice.messages.front()->id();
    if (first > _next)
    {
        slice.skipped = true;
        slice.skippedFrom = _next;
        slice.resumedAt = first;
        _next = first;
    }
    else if (slice.reset)
        slice.resumedAt = first;
    if (!slice.messages.empty())
        _next = slice.messages.back()->id() + 1;
    return slice;
}

bool Cursor::takeIfNext(const MessagePtr& message, Slice& slice)
{
    if (message->id() != _next || _room->losses() != _losses)
        return false;
    slice.room = _room.get();
    slice.messages.assign(1, message);
    ++_next;
    return true;
}

} // namespace hchat
