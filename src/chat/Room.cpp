#include "chat/Room.h"

#include "store/Store.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <thread>

namespace hchat
{

Room::Room(RoomRecord record, Store& store, std::size_t window, Poco::Timespan retention)
    : _id(record.id), _record(std::move(record)), _public(_record.isPublic),
      _restricted(!_record.bans.empty() || _record.posting != RoomRecord::Posting::Everyone ||
                  _record.slowMode > 0),
      _store(store), _window(window == 0 ? 1 : window), _retention(retention),
      _lastActivity(_record.lastActivity)
{
}

Room::~Room()
{
    delete _waits.load();
}

RoomRecord Room::record() const
{
    std::lock_guard<std::mutex> lock(_recordMutex);
    return _record;
}

void Room::setRecord(RoomRecord record)
{
    std::lock_guard<std::mutex> lock(_recordMutex);
    record.id = _record.id;
    record.created = _record.created;
    record.owner = _record.owner;
    record.ownerKey = _record.ownerKey;
    _public.store(record.isPublic);
    _restricted.store(!record.bans.empty() || record.posting != RoomRecord::Posting::Everyone ||
                      record.slowMode > 0);
    _record = std::move(record);
}

Poco::Timespan Room::slowModeWait(const std::string& sender, int seconds)
{
    const Poco::Timestamp now;
    const Poco::Timestamp::TimeDiff gap = Poco::Timespan(seconds, 0).totalMicroseconds();
    std::lock_guard<std::mutex> lock(_recordMutex);
    if (_lastPosts.size() > 10000) // those past the gap count for nothing
        for (auto it = _lastPosts.begin(); it != _lastPosts.end();)
            it = now - it->second >= gap ? _lastPosts.erase(it) : std::next(it);
    auto last = _lastPosts.find(sender);
    if (last != _lastPosts.end() && now - last->second < gap)
        return Poco::Timespan(gap - (now - last->second));
    _lastPosts[sender] = now;
    return 0;
}

void Room::kick(const std::string& key)
{
    auto subscribers = _subscribers.snapshot();
    for (const auto& subscriber : *subscribers)
        subscriber->kicked(*this, key);
}

void Room::load()
{
    if (_loadedFlag.load())
        return;
    std::unique_lock<std::shared_mutex> lock(_mutex);
    ensureLoaded(lock);
}

void Room::ensureLoaded(std::unique_lock<std::shared_mutex>&)
{
    // Rooms load their tail on first use, so start-up does not read every
    // room's history.
    if (_loaded)
        return;
    Store::Tail tail = _store.tail(_id, _window);
    _recent.assign(tail.recent.begin(), tail.recent.end());
    _next = tail.next;
    _published.store(_next);
    _assigned = tail.next;
    if (!_recent.empty())
        _lastActivity = _recent.back()->time();
    _loaded = true;
    _loadedFlag.store(true);
}

bool Room::hasFrom(std::uint64_t n) const
{
    return !_loadedFlag.load() || n < _published.load();
}

MessagePtr Room::amend(MessageKind kind, const std::string& author, const std::string& text,
                       Message::Details details, const Check& allowed)
{
    std::lock_guard<std::mutex> one(_amending);
    MessagePtr target;
    if (get(details.target, target) != Lookup::Found)
        target = nullptr;
    if (!allowed(target))
        return nullptr;
    return append(kind, author, text, Crowd(), std::move(details));
}

MessagePtr Room::append(MessageKind kind, const std::string& author, const std::string& text,
                        Crowd crowd, Message::Details details)
{
    std::unique_lock<std::shared_mutex> lock(_mutex);
    ensureLoaded(lock);
    if (_closed)
        throw Poco::IllegalStateException(_deleted ? "the room was deleted"
                                                   : "the server is shutting down");
    auto message = std::make_shared<const Message>(_assigned, kind, author, Poco::Timestamp(), text,
                                                   std::move(crowd), std::move(details));
    if (message->request().empty())
        return appendNumbered(message, lock);
    // Its request is "being stored" until it is in the window (or failed):
    // a second append of it finds one or the other.
    const std::string request = message->sender() + ' ' + message->request();
    if (_requesting.count(request) > 0 || findSent(message->sender(), message->request()))
        throw Poco::ExistsException("a message sent with that request key", message->request());
    _requesting.insert(request);
    std::exception_ptr failed;
    try
    {
        message = appendNumbered(message, lock);
    }
    catch (...)
    {
        failed = std::current_exception();
    }
    if (!lock.owns_lock())
        lock.lock();
    _requesting.erase(request);
    if (failed)
        std::rethrow_exception(failed);
    return message;
}

MessagePtr Room::sentWith(const std::string& sender, const std::string& request)
{
    load();
    std::shared_lock<std::shared_mutex> lock(_mutex);
    return findSent(sender, request);
}

MessagePtr Room::findSent(const std::string& sender, const std::string& request) const
{
    auto same = [&](const MessagePtr& m)
    { return m->request() == request && m->sender() == sender; };
    for (auto it = _recent.rbegin(); it != _recent.rend(); ++it)
        if (same(*it))
            return *it;
    for (const auto& [number, message] : _early)
        if (same(message))
            return message;
    return nullptr;
}

MessagePtr Room::appendNumbered(MessagePtr message, std::unique_lock<std::shared_mutex>& lock)
{
    if (_store.isShared())
    {
        lock.unlock();
        return appendShared(message);
    }
    std::future<void> stored = _store.append(_id, message);
    _pending.push_back(message);
    ++_assigned;
    lock.unlock();

    try
    {
        stored.get();
    }
    catch (...)
    {
        lock.lock();
        discardFrom(message);
        throw;
    }
    lock.lock();
    publishThrough(message);
    lock.unlock();
    wake(message);
    return message;
}

MessagePtr Room::appendShared(MessagePtr draft)
{
    // The store gives the number; the message is published here once the
    // ones numbered before it (sent anywhere) have arrived too.
    MessagePtr message = _store.appendNext(_id, draft);
    arrived(message);
    return message;
}

void Room::arrived(const MessagePtr& message)
{
    std::unique_lock<std::shared_mutex> lock(_mutex);
    if (!_loaded || message->id() < _next || _closed)
        return; // an unloaded room reads its tail from the store when used
    _early.emplace(message->id(), message);
    MessagePtr latest;
    while (!_early.empty() && _early.begin()->first == _next)
    {
        latest = _early.begin()->second;
        _early.erase(_early.begin());
        keep(latest);
        _next = latest->id() + 1;
    }
    if (!latest)
        return;
    _assigned = _next;
    _published.store(_next);
    _lastActivity = latest->time();
    lock.unlock();
    wake(latest);
}

void Room::catchUp()
{
    if (!_loadedFlag.load() || _closed.load())
        return;
    for (;;)
    {
        const std::uint64_t from = next();
        std::vector<MessagePtr> missed = _store.read(_id, from, 1000);
        if (!missed.empty() && missed.front()->id() > from)
            skipTo(missed.front()->id()); // trimmed while this daemon could not hear
        for (const MessagePtr& message : missed)
            arrived(message);
        if (missed.size() < 1000)
            return;
    }
}

void Room::skipTo(std::uint64_t next)
{
    {
        std::lock_guard<std::shared_mutex> lock(_mutex);
        if (!_loaded || next <= _next)
            return;
        _next = _assigned = next;
        _recent.clear(); // the window holds no gap
        _early.erase(_early.begin(), _early.lower_bound(next));
        _published.store(_next);
    }
    wakeWaiters();
}

void Room::historyLost(std::uint64_t next)
{
    skipTo(next);
    _losses.fetch_add(1);
    auto subscribers = _subscribers.snapshot();
    for (const auto& subscriber : *subscribers)
        subscriber->historyLost(*this);
}

void Room::keep(const MessagePtr& message)
{
    if (message->isAmendment())
        for (MessagePtr& kept : _recent)
            if (MessagePtr amended = kept->amendedBy(*message))
                kept = amended;
    _recent.push_back(message);
    if (_recent.size() > _window)
        _recent.pop_front();
}

void Room::publishThrough(const MessagePtr& stored)
{
    // The store keeps one room's order and refuses a message whose
    // predecessor failed, so everything pending before `stored` is stored
    // too, even if its sender has not woken up yet.
    if (stored->id() < _next)
        return; // published already by a later message's sender
    auto through = _pending.begin();
    for (; through != _pending.end() && (*through)->id() <= stored->id(); ++through)
        keep(*through);
    _pending.erase(_pending.begin(), through);
    _next = stored->id() + 1;
    _published.store(_next);
    _lastActivity = stored->time();
}

void Room::discardFrom(const MessagePtr& failed)
{
    // Every message handed over after `failed` fails too (the store refuses
    // gaps), so they are dropped with it and the numbering resumes at
    // failed's number. Compared by identity: if an earlier failure already
    // dropped `failed`, its number may belong to a newer message by now.
    auto it = std::find(_pending.begin(), _pending.end(), failed);
    if (it == _pending.end())
        return;
    _assigned = failed->id();
    _pending.erase(it, _pending.end());
}

bool Room::inWindow(std::uint64_t n) const
{
    return !_recent.empty() && n >= _recent.front()->id() && n < _next;
}

bool Room::expired(const MessagePtr& message) const
{
    return _retention > 0 && message->time() < Poco::Timestamp() - _retention;
}

Room::Lookup Room::fromStore(std::uint64_t n, MessagePtr& out)
{
    std::vector<MessagePtr> found = _store.read(_id, n, 1);
    if (!found.empty() && found.front()->id() == n && !expired(found.front()))
    {
        out = found.front();
        return Lookup::Found;
    }
    return Lookup::Gone;
}

Room::Lookup Room::get(std::uint64_t n, MessagePtr& out)
{
    return waitFor(n, Poco::Timespan(0), out);
}

bool Room::getRecent(std::uint64_t n, MessagePtr& out)
{
    std::shared_lock<std::shared_mutex> lock(_mutex);
    if (!inWindow(n))
        return false;
    out = _recent[static_cast<std::size_t>(n - _recent.front()->id())];
    return !expired(out);
}

Room::Lookup Room::waitFor(std::uint64_t n, Poco::Timespan timeout, MessagePtr& out)
{
    load();
    if (timeout > 0)
        waitUntilPublished(n, timeout);
    std::shared_lock<std::shared_mutex> lock(_mutex);
    if (n >= _next)
        return _closed ? Lookup::Closed : Lookup::NotYet;
    if (inWindow(n))
    {
        out = _recent[static_cast<std::size_t>(n - _recent.front()->id())];
        return expired(out) ? Lookup::Gone : Lookup::Found;
    }
    lock.unlock();
    return fromStore(n, out);
}

void Room::waitUntilPublished(std::uint64_t n, Poco::Timespan timeout)
{
    auto ready = [&] { return n < _published.load() || _closed.load(); };
    if (ready())
        return;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(timeout.totalMicroseconds());
    WaitShards* shards = _waits.load();
    if (!shards)
    {
        // The first wait in this room: most rooms never have one.
        auto fresh = std::make_unique<WaitShards>();
        if (_waits.compare_exchange_strong(shards, fresh.get()))
            shards = fresh.release();
    }
    WaitShard& shard =
        (*shards)[std::hash<std::thread::id>{}(std::this_thread::get_id()) % shards->size()];
    std::unique_lock<std::mutex> lock(shard.mutex);
    shard.arrived.wait_until(lock, deadline, ready);
}

std::vector<MessagePtr> Room::range(std::uint64_t from, std::size_t limit, std::uint64_t& next)
{
    std::vector<MessagePtr> out;
    load();
    std::shared_lock<std::shared_mutex> lock(_mutex);
    next = _next;
    if (from >= _next || limit == 0)
        return out;
    if (!_recent.empty() && from >= _recent.front()->id())
    {
        for (auto i = static_cast<std::size_t>(from - _recent.front()->id());
             i < _recent.size() && out.size() < limit; ++i)
            if (!expired(_recent[i]))
                out.push_back(_recent[i]);
        return out;
    }
    lock.unlock();
    out = _store.read(_id, from, limit);
    // The store may hold messages appended after `next` was read; keep the
    // answer consistent with it.
    while (!out.empty() && out.back()->id() >= next)
        out.pop_back();
    out.erase(std::remove_if(out.begin(), out.end(), [&](const auto& m) { return expired(m); }),
              out.end());
    return out;
}

Store::Findings Room::search(const std::string& words, std::size_t limit, std::uint64_t before)
{
    Store::Findings findings = _store.search(_id, words, limit, before);
    auto& found = findings.found;
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const Store::Found& f) { return expired(f.message); }),
                found.end());
    return findings;
}

std::uint64_t Room::next()
{
    load();
    std::shared_lock<std::shared_mutex> lock(_mutex);
    return _next;
}

std::uint64_t Room::count()
{
    if (_loadedFlag.load())
        return _published.load();
    return _store.tail(_id, 0).next;
}

Poco::Timestamp Room::lastActivity()
{
    // Not loaded for this: listing the rooms must not read every room's tail.
    std::shared_lock<std::shared_mutex> lock(_mutex);
    return _lastActivity;
}

void Room::close(Closing why)
{
    {
        std::lock_guard<std::shared_mutex> lock(_mutex);
        if (why == Closing::Deleted)
            _deleted = true;
        _closed = true;
    }
    wakeWaiters();
    auto subscribers = _subscribers.snapshot();
    for (const auto& subscriber : *subscribers)
        subscriber->closed(*this);
}

void Room::wake(const MessagePtr& latest)
{
    wakeWaiters();
    auto subscribers = _subscribers.snapshot();
    for (const auto& subscriber : *subscribers)
        subscriber->published(*this, latest);
}

void Room::wakeWaiters()
{
    // A waiter makes the shards before it checks _published, and the
    // caller stored _published before this (both sequentially consistent):
    // no shards yet means no waiter can have missed the new value.
    WaitShards* shards = _waits.load();
    if (!shards)
        return;
    for (WaitShard& shard : *shards)
    {
        // A waiter checks under its shard's mutex, then sleeps: passing
        // through the mutex puts this notify after any such check.
        {
            std::lock_guard<std::mutex> pass(shard.mutex);
        }
        shard.arrived.notify_all();
    }
}

void Room::subscribe(const std::shared_ptr<Subscriber>& subscriber)
{
    _subscribers.add(subscriber);
}

void Room::unsubscribe(const std::shared_ptr<Subscriber>& subscriber)
{
    _subscribers.remove(subscriber);
}

void Room::typed(const std::string& name)
{
    if (!_typing.note(name))
        return;
    auto subscribers = _subscribers.snapshot();
    for (const auto& subscriber : *subscribers)
        subscriber->presenceChanged(*this);
}

void Room::presenceChanged()
{
    _presenceVersion.fetch_add(1);
    auto subscribers = _subscribers.snapshot();
    for (const auto& subscriber : *subscribers)
        subscriber->presenceChanged(*this);
}

} // namespace hchat
