#pragma once

#include "model/Message.h"

#include <cstddef>
#include <string>

namespace hchat
{

class Room;

class Subscriber
/// A live reader of one room: a long poll waiting for its message, or a
/// stream (SSE, WebSocket, line protocol). The room tells it what changed,
/// from the thread that changed it and never under the room's lock. The room
/// walks a snapshot of its subscribers (SubscriberList), so a call may come
/// just after Room::unsubscribe() returned: a subscriber must then do no
/// harm (it is kept alive by the snapshot). Implementations are thread-safe.
{
public:
    virtual ~Subscriber() = default;

    virtual void published(Room& room, const MessagePtr& latest) noexcept = 0;
    /// Messages up to `latest` are readable (each publish calls again with
    /// its own). Deliver them from this thread if that takes no waiting;
    /// else wake the owner.

    virtual void presenceChanged(Room& room) noexcept = 0;
    /// The room's list of people, or who is writing (Room::typing), changed.
    /// Send the new frames from this thread if that takes no waiting; else
    /// wake the owner.

    virtual void closed(Room& room) noexcept = 0;
    /// The room closed (shutdown): the owner must answer and end.

    virtual void kicked(Room& /*room*/, const std::string& /*key*/) noexcept {}
    /// The person `key` was put out of the room (a kick or a ban): if that
    /// is this subscriber's person, its owner must answer and leave the
    /// room. Nothing by default (a long poll has no connection to end).

    virtual void historyLost(Room& /*room*/) noexcept {}
    /// The shared store lost the room's history (Room::historyLost): a
    /// stream's owner takes its cursor's next slice, which says so. Nothing
    /// by default (a long poll is woken by the room and answers 410).

private:
    friend class SubscriberList;
    std::size_t _slot = 0; ///< where in its list; guarded by the list's mutex
};

} // namespace hchat
