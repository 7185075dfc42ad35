#pragma once

#include "chat/Message.h"
#include "store/RoomRecord.h"

#include <Poco/Timespan.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace hchat
{

class Store;
class Doorbell;
class MessageWait;

class Room
/// A room: its record and its append-only log, numbered 0, 1, 2, … without
/// gaps. The last `window` messages are kept in memory; older ones are read
/// from the Store. Readers wait on a condition variable of the room until the
/// number they want exists, so a waiting reader costs no CPU, and nothing is
/// queued per reader. Long polls that also watch their socket are listed
/// instead (await(): the publisher answers them), streams ring bells.
///
/// Made for thousands of readers woken at once by one message: they wait on
/// one of several condition variables (each with its own small mutex, by
/// thread), not on one, and read the log under a shared lock, so they do not
/// queue behind each other on one mutex (each such collision costs a sleep
/// and a wake-up of its own).
///
/// A message is numbered under the lock and handed to the store there (so
/// the store sees one room's messages in order), but the sender waits for the
/// store outside the lock, so many senders' messages are committed together.
/// Readers see a message only once it is stored: _pending holds the numbered
/// messages not yet stored, _next is the first number readers cannot see.
/// Messages older than `retention` (if not zero) are gone for readers.
///
/// Thread-safe. _mutex guards _recent, _pending, _assigned, _next, _loaded,
/// _closed and _lastActivity: exclusive to change them, shared to read. Never held while a reader
/// writes to a socket: readers get shared MessagePtrs and write after the lock is released.
{
public:
    enum class Lookup
    {
        Found,  ///< the message is in `out`
        NotYet, ///< n does not exist yet (or the wait ended without it)
        Gone,   ///< n existed but retention dropped it
        Closed  ///< n does not exist and the room is closed (shutdown)
    };

    Room(RoomRecord record, Store& store, std::size_t window, Poco::Timespan retention = 0);

    const RoomRecord& record() const { return _record; }
    const std::string& id() const { return _record.id; }

    MessagePtr append(MessageKind kind, const std::string& author, const std::string& text);
    /// Appends a message, waits until the store has it (durable on return)
    /// and wakes every waiting reader. Throws Poco::IllegalStateException
    /// when the room is closed, and whatever the store failed with (nothing
    /// is appended then, and the number is given to the next message).

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
    bool isClosed() const { return _closed.load(); }

    bool hasFrom(std::uint64_t n) const;
    /// Whether message n (or a later one) may be readable now, without the
    /// lock: false only when the room is loaded and n is past its end.

    void subscribe(const std::shared_ptr<Doorbell>& bell);
    void unsubscribe(const std::shared_ptr<Doorbell>& bell);
    /// Bells for readers that cannot wait on a condition variable because
    /// they also wait for their socket: told of every new message
    /// (Doorbell::newMessages(), from the thread that stored it, which may
    /// deliver it then and there), rung at close. Unsubscribed, a bell is
    /// no longer used by any thread once unsubscribe() returns.

    bool await(const std::shared_ptr<MessageWait>& wait);
    /// Lists a long poll's wait for message wait->number(): the thread that
    /// publishes it offers it (MessageWait::offer()), close() rings it. False,
    /// and not listed, when the message is readable already or the room is
    /// closed: look again with get().
    void forget(const std::shared_ptr<MessageWait>& wait);
    /// Takes the wait off the list (the owner, once it has woken).

    void presenceChanged();
    /// Bumps presenceVersion() and rings the bells: the people in the room
    /// changed (PresenceSweeper, at most once a second).
    std::uint64_t presenceVersion() const { return _presenceVersion.load(); }
    /// Lock-free, so every wake of every connection can compare it.

private:
    void ensureLoaded(std::unique_lock<std::shared_mutex>& lock);
    void load();
    /// ensureLoaded() for readers, which then take the lock shared.
    void waitUntilPublished(std::uint64_t n, Poco::Timespan timeout);
    void publishThrough(const MessagePtr& stored);
    void discardFrom(const MessagePtr& failed);
    bool inWindow(std::uint64_t n) const;

    bool expired(const MessagePtr& message) const;
    void wake();
    /// After new messages, without the room lock: wakes the readers waiting
    /// on _waits and tells the bells (Doorbell::newMessages(), which may
    /// write to the streams from this thread).
    void wakeWaiters();
    void ringBells();
    void offerPolls();
    /// Offers each listed wait whose message is now readable, outside _pollsMutex.
    Lookup fromStore(std::uint64_t n, MessagePtr& out);

    const RoomRecord _record;
    Store& _store;
    const std::size_t _window;
    const Poco::Timespan _retention;
    std::atomic<std::uint64_t> _presenceVersion{1};

    std::shared_mutex _mutex;
    /// Where readers wait for a message: a waiter takes one by its thread,
    /// checks _published and _closed (atomics) and sleeps; wake() passes
    /// through each mutex before notifying, so no wake-up falls between a
    /// waiter's check and its sleep.
    struct WaitShard
    {
        std::mutex mutex;
        std::condition_variable arrived;
    };
    std::array<WaitShard, 16> _waits;
    std::deque<MessagePtr> _recent;
    std::deque<MessagePtr> _pending;
    std::uint64_t _assigned = 0; ///< the number the next append gets
    std::uint64_t _next = 0;     ///< the first number not yet stored
    bool _loaded = false;
    std::atomic<bool> _closed{false}; ///< written under _mutex, read without it too
    /// _next as of the last publish, readable without the lock: a reader
    /// woken with nothing new for it (the common case when 10,000 wake at
    /// once) looks here instead of queueing on _mutex. 0 until loaded.
    std::atomic<std::uint64_t> _published{0};
    std::atomic<bool> _loadedFlag{false};
    Poco::Timestamp _lastActivity;
    /// Under their own lock, never the room's: ringing 10,000 bells holds up
    /// no reader or sender of the room, only (un)subscribing.
    std::mutex _bellsMutex;
    std::vector<std::shared_ptr<Doorbell>> _bells;
    /// Long polls watching their sockets. Each owner lists and unlists its
    /// wait once per request, so both are O(1) (MessageWait::_slot), and the
    /// lock is held only to pick the waits due, never while answering them.
    std::mutex _pollsMutex;
    std::vector<std::shared_ptr<MessageWait>> _polls;
};

} // namespace hchat
