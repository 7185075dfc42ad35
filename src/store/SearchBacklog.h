#pragma once

#include <Poco/Types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <set>
#include <utility>
#include <vector>

namespace hchat
{

class SearchBacklog
/// What the SQLite store's writer has stored and not yet made searchable:
/// which rooms, about how many messages, and since when the oldest waits;
/// from it, when a step of indexing is due and which rooms it takes. A step
/// is due once `chunk` messages wait, once the oldest has waited `delay`,
/// or at once after a step its budget cut short (the writer commits the
/// sends queued meanwhile first); after a step that failed, not before
/// `delay` has passed. Not thread-safe: its owner's lock guards it.
{
public:
    using Clock = std::chrono::steady_clock;
    using Room = Poco::Int64; ///< a room's key (rooms.seq)

    // FTS5 writes a segment per transaction, and small segments cost more:
    // messages wait for a chunk (or a second). A step indexes a slice in a
    // transaction of its own, and the writer commits the sends queued
    // meanwhile between two slices. A slice costs about 30 µs per room in
    // it (measured with a message or two per room): at most 64 rooms keep
    // it near 2 ms, which is what a send waits for at most; the 1,024
    // messages bound one busy room's slice too (not timed). 9,000 busy
    // rooms: send-to-delivery p99 20 ms with every waiting message in one
    // step, 7 ms with slices of 256 rooms, 4.1 with 64; 32 senders in 32
    // rooms (15,000 messages a second) lose throughput with slices of 128
    // messages, each a commit.
    static constexpr std::size_t chunk = 1024;
    static constexpr Clock::duration delay = std::chrono::seconds(1);
    static constexpr std::size_t slice = 1024;
    static constexpr std::size_t sliceRooms = 64;

    void left(const std::vector<Room>& rooms, Clock::time_point now);
    /// Rooms that a stop left with messages not yet searchable: due at once.
    void stored(const std::vector<Room>& rooms, std::size_t messages, Clock::time_point now);
    /// A commit stored that many messages in these rooms.

    bool due(Clock::time_point now) const;
    Clock::time_point dueAt() const;
    /// When the oldest waiting message falls due; Clock::time_point::max()
    /// when none waits.

    using Look = std::function<std::pair<Poco::Int64, Poco::Int64>(Room)>;
    /// A room's next number and how far it is indexed now.
    using Index =
        std::function<std::size_t(const std::vector<std::pair<Room, Poco::Int64>>&, std::size_t)>;
    /// Indexes the (room, next) pairs' messages below next, at most budget
    /// of them; how many.

    void step(std::size_t budget, std::size_t roomBudget, const Look& look, const Index& index);
    /// Has index() make searchable what waits in the first rooms (ascending
    /// keys), at most roomBudget rooms and budget messages; drops the rooms
    /// caught up. Rethrows what look() or index() throw; no step is due
    /// for `delay` then.

private:
    std::set<Room> _rooms;        ///< rooms whose stored messages may not all be searchable
    std::size_t _count = 0;       ///< about how many messages wait
    Clock::time_point _since;     ///< when the oldest of them was stored
    bool _cutShort = false;       ///< the last step's budget cut it short
    Clock::time_point _notBefore; ///< the last step failed: none is due before this
};

} // namespace hchat
