#pragma once

#include "chat/Message.h"
#include "chat/Presence.h"
#include "store/RoomRecord.h"

#include <Poco/Timespan.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace hchat
{

class Store;

class Room
/// A room: its record and its append-only log, numbered 0, 1, 2, … without
/// gaps. The last `window` messages are kept in memory; older ones are read
/// from the Store. Readers wait on _arrived until the number they want exists,
/// so a waiting reader costs no CPU, and nothing is queued per reader.
///
/// Thread-safe. _mutex guards _recent, _next, _loaded, _closed and
/// _lastActivity. Never held while a reader writes to a socket: readers get
/// shared MessagePtrs and write after the lock is released.
{
public:
    enum class Lookup
    {
        Found,  ///< the message is in `out`
        NotYet, ///< n does not exist yet (or the wait ended without it)
        Gone,   ///< n existed but retention dropped it
        Closed  ///< n does not exist and the room is closed (shutdown)
    };

    Room(RoomRecord record, Store& store, std::size_t window, Poco::Timespan presenceWindow);

    const RoomRecord& record() const { return _record; }
    const std::string& id() const { return _record.id; }
    Presence& presence() { return _presence; }

    MessagePtr append(MessageKind kind, const std::string& author, const std::string& text);
    /// Appends a message, stores it (durable on return) and wakes every
    /// waiting reader. Throws Poco::IllegalStateException when the room is
    /// closed, and whatever the store throws (nothing is appended then).

    void acceptRemote(const MessagePtr& message);
    /// A message another node appended to the shared store: taken into the
    /// window if it is the next one, and readers are woken.

    Lookup get(std::uint64_t n, MessagePtr& out);
    /// Message n without waiting.

    Lookup waitFor(std::uint64_t n, Poco::Timespan timeout, MessagePtr& out);
    /// Message n, waiting up to timeout for it to exist. Returns Closed at
    /// once when the room is closed (shutdown).

    std::vector<MessagePtr> range(std::uint64_t from, std::size_t limit, std::uint64_t& next);
    /// Up to limit messages from `from` on (skipping ones dropped by retention)
    /// and, in `next`, the number the next message will get.

    std::uint64_t next();
    Poco::Timestamp lastActivity();

    void close();
    /// Wakes every waiting reader and refuses further appends (shutdown).

private:
    void ensureLoaded(std::unique_lock<std::mutex>& lock);
    bool inWindow(std::uint64_t n) const;
    Lookup fromStore(std::uint64_t n, MessagePtr& out);

    const RoomRecord _record;
    Store& _store;
    const std::size_t _window;
    Presence _presence;

    std::mutex _mutex;
    std::condition_variable _arrived;
    std::deque<MessagePtr> _recent;
    std::uint64_t _next = 0;
    bool _loaded = false;
    bool _closed = false;
    Poco::Timestamp _lastActivity;
};

} // namespace hchat
