#pragma once

#include "chat/SubscriberList.h"
#include "chat/Typing.h"
#include "model/Message.h"
#include "model/RoomRecord.h"
#include "store/Store.h"

#include <Poco/Timespan.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

namespace hchat
{

class Room
/// A room: its record and its append-only log, numbered 0, 1, 2, … without
/// gaps (SPEC §2). The last `window` messages are kept in memory; older ones
/// are read from the Store; messages older than `retention` (if not 0) are
/// gone for readers. A message is acknowledged (append() returns) only once
/// the store has it, and only then do readers see it. Readers either wait
/// on the room (waitFor()) or subscribe: each subscriber is told of every
/// publish, presence change and the close, from the thread that made it.
/// With a shared store the store numbers the messages, and those stored
/// by any daemon arrive (arrived()) and are published in their order.
/// Thread-safe. _mutex guards the log (_recent, _pending, _early,
/// _requesting, _assigned, _next, _loaded, _lastActivity); it is never held while a subscriber is
/// told or a reader writes to a socket.
{
public:
    enum class Lookup
    {
        Found,  ///< the message is in `out`
        NotYet, ///< n does not exist yet (or the wait ended without it)
        Gone,   ///< n existed but retention dropped it
        Closed  ///< n does not exist and the room is closed (shutdown, deleted)
    };

    enum class Closing
    {
        Shutdown, ///< the daemon stops
        Deleted   ///< the room is deleted (RoomRegistry::remove)
    };

    Room(RoomRecord record, Store& store, std::size_t window, Poco::Timespan retention = 0);
    ~Room();
    Room(const Room&) = delete;
    Room& operator=(const Room&) = delete;

    RoomRecord record() const;
    /// A copy: the owner may change the room meanwhile (RoomRegistry::update).
    const std::string& id() const { return _id; }
    bool isPublic() const { return _public.load(); }
    /// record().isPublic without the copy, for listings.
    bool isRestricted() const { return _restricted.load(); }
    /// Whether the room keeps anyone from posting or joining (bans, a
    /// posting rule, slow mode), without the copy: most rooms do not.
    void setRecord(RoomRecord record);
    /// The room's new settings (its id, creation and owner stay).

    Poco::Timespan slowModeWait(const std::string& sender, int seconds);
    /// Slow mode: zero, and the post is counted, when `sender` (an
    /// Actor::sender) last posted at least `seconds` ago; else how long is
    /// left.

    void kick(const std::string& key);
    /// Tells every subscriber that the person `key` is put out of the room
    /// (Subscriber::kicked): their live connections in it end.

    MessagePtr append(MessageKind kind, const std::string& author, const std::string& text,
                      Crowd crowd = Crowd(), Message::Details details = Message::Details());
    /// Appends a message, waits until the store has it (durable on return)
    /// and wakes every waiting reader. Throws Poco::IllegalStateException
    /// when the room is closed, and whatever the store failed with (nothing
    /// is appended then, and the number is given to the next message).
    /// A message with a request key (details.request, with details.sender)
    /// is appended at most once: Poco::ExistsException while one of that
    /// sender with that key is in the window or still being stored.
    MessagePtr sentWith(const std::string& sender, const std::string& request);
    /// The message in the window that `sender` appended with that request
    /// key, or null.

    void arrived(const MessagePtr& message);
    /// A message a shared store (Store::isShared) stored, sent here or on
    /// another daemon: published once every message before it is; one
    /// told twice, or already published, is ignored.
    void catchUp();
    /// A shared store's room: publishes what the store has beyond what
    /// arrived (after the store could not tell for a while).
    void skipTo(std::uint64_t next);
    /// Numbering goes on from `next`: what is not in the store before it is
    /// gone for readers (as if retention dropped it).
    void historyLost(std::uint64_t next);
    /// A shared store lost the room's messages (RoomRegistry saw another
    /// epoch): skipTo(next), and every reader is told once
    /// (Cursor::Slice::reset, then the subscribers' historyLost()).
    std::uint64_t losses() const { return _losses.load(); }
    /// How many times that happened since the room was loaded.

    using Check = std::function<bool(const MessagePtr& target)>;
    MessagePtr amend(MessageKind kind, const std::string& author, const std::string& text,
                     Message::Details details, const Check& allowed);
    /// Appends an edit or delete entry of message details.target, once
    /// `allowed` said yes to that message as it reads now (null when there
    /// is no such message, or retention dropped it); null when it said no.
    /// Amendments of one room are made one at a time, so none acts on a
    /// message another is rewriting. Once published, every later read of
    /// the target, here and in the store, gives it amended
    /// (Message::amendedBy). Throws as append().

    Lookup get(std::uint64_t n, MessagePtr& out);
    /// Message n without waiting.

    bool getRecent(std::uint64_t n, MessagePtr& out);
    /// Message n when the room keeps it in memory (one of the latest), never
    /// reading the store: false otherwise, and when retention dropped it.

    Lookup waitFor(std::uint64_t n, Poco::Timespan timeout, MessagePtr& out);
    /// Message n, waiting up to timeout for it to exist. Returns Closed at
    /// once when the room is closed (shutdown).

    std::vector<MessagePtr> range(std::uint64_t from, std::size_t limit, std::uint64_t& next);
    /// Up to limit messages from `from` on (skipping ones dropped by retention)
    /// and, in `next`, the number the next message will get.
    Store::Findings search(const std::string& words, std::size_t limit, std::uint64_t before);
    /// The room's messages numbered below before with these words, best
    /// first, and how far back they were searched (Store::search), without
    /// those retention has dropped.

    std::uint64_t next();
    Poco::Timestamp lastActivity();

    void close(Closing why = Closing::Shutdown);
    /// Wakes every waiting reader, tells the subscribers and refuses
    /// further appends.
    bool isClosed() const { return _closed.load(); }
    bool isDeleted() const { return _deleted.load(); }
    /// Closed because the room was deleted: readers answer "gone", not
    /// "try again".

    std::uint64_t count();
    /// How many messages the room has had (the number the next one gets),
    /// without loading its tail into memory.

    bool hasFrom(std::uint64_t n) const;
    /// Whether message n (or a later one) may be readable now, without the
    /// lock: false only when the room is loaded and n is past its end.

    void subscribe(const std::shared_ptr<Subscriber>& subscriber);
    void unsubscribe(const std::shared_ptr<Subscriber>& subscriber);
    /// A subscriber subscribed before a publish is told of it. To miss
    /// nothing, look at the log after subscribing.

    void presenceChanged();
    /// Bumps presenceVersion() and tells the subscribers: the people in the
    /// room changed (PresenceSweeper, at most once a second).
    std::uint64_t presenceVersion() const { return _presenceVersion.load(); }
    /// Lock-free, so every wake of every connection can compare it.

    void typed(const std::string& name);
    /// The person called name is writing a message (Typing::note); when
    /// that is news, the subscribers are told as of a presence change.
    const Typing& typing() const { return _typing; }
    void sent(const std::string& name) { _typing.forget(name); }

private:
    void ensureLoaded(std::unique_lock<std::shared_mutex>& lock);
    void load();
    /// ensureLoaded() for readers, which then take the lock shared.
    void waitUntilPublished(std::uint64_t n, Poco::Timespan timeout);
    MessagePtr appendNumbered(MessagePtr draft, std::unique_lock<std::shared_mutex>& lock);
    /// append() once the message has its number; lock is held on entry.
    MessagePtr appendShared(MessagePtr draft);
    MessagePtr findSent(const std::string& sender, const std::string& request) const;
    /// sentWith() under _mutex: the window and, with a shared store, what
    /// arrived before its turn.
    void publishThrough(const MessagePtr& stored);
    void keep(const MessagePtr& message);
    /// Puts the next message in the window (amending what it targets).
    void discardFrom(const MessagePtr& failed);
    bool inWindow(std::uint64_t n) const;

    bool expired(const MessagePtr& message) const;
    void wake(const MessagePtr& latest);
    /// After new messages, without the room lock: wakes the readers waiting
    /// on _waits and tells the subscribers.
    void wakeWaiters();
    Lookup fromStore(std::uint64_t n, MessagePtr& out);

    const std::string _id;
    mutable std::mutex _recordMutex; ///< guards _record and _lastPosts
    RoomRecord _record;
    std::atomic<bool> _public;
    std::atomic<bool> _restricted;
    std::map<std::string, Poco::Timestamp> _lastPosts; ///< slow mode: sender → last post
    Store& _store;
    const std::size_t _window;
    const Poco::Timespan _retention;
    std::atomic<std::uint64_t> _presenceVersion{1};
    std::atomic<std::uint64_t> _losses{0};
    Typing _typing;

    std::shared_mutex _mutex;
    std::mutex _amending; ///< held by amend() throughout; taken before _mutex
    /// Where readers wait for a message: a waiter takes one by its thread,
    /// checks _published and _closed (atomics) and sleeps; wake() passes
    /// through each mutex before notifying, so no wake-up falls between a
    /// waiter's check and its sleep.
    struct WaitShard
    {
        std::mutex mutex;
        std::condition_variable arrived;
    };
    using WaitShards = std::array<WaitShard, 16>;
    /// Made at the first wait (1.4 KiB that most rooms never need), then
    /// kept until the room goes.
    std::atomic<WaitShards*> _waits{nullptr};
    std::deque<MessagePtr> _recent;
    std::vector<MessagePtr> _pending;           ///< handed to the store, in number order
    std::map<std::uint64_t, MessagePtr> _early; ///< shared store: arrived before their turn
    std::set<std::string> _requesting; ///< sender and request key of appends not yet published
    std::uint64_t _assigned = 0;       ///< the number the next append gets
    std::uint64_t _next = 0;           ///< the first number not yet stored
    bool _loaded = false;
    std::atomic<bool> _closed{false};  ///< written under _mutex, read without it too
    std::atomic<bool> _deleted{false}; ///< set before _closed
    /// _next as of the last publish, readable without the lock: a reader
    /// woken with nothing new for it (the common case when 10,000 wake at
    /// once) looks here instead of queueing on _mutex. 0 until loaded.
    std::atomic<std::uint64_t> _published{0};
    std::atomic<bool> _loadedFlag{false};
    Poco::Timestamp _lastActivity;
    SubscriberList _subscribers;
};

} // namespace hchat
