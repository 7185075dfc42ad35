#include "chat/Room.h"

#include "store/Store.h"

#include <Poco/Exception.h>

#include <chrono>
#include <memory>

namespace hchat
{

Room::Room(RoomRecord record, Store& store, std::size_t window, Poco::Timespan presenceWindow)
    : _record(std::move(record)), _store(store), _window(window == 0 ? 1 : window),
      _presence(presenceWindow), _lastActivity(_record.created)
{
}

void Room::ensureLoaded(std::unique_lock<std::mutex>&)
{
    // Rooms load their tail on first use, so start-up does not read every
    // room's history.
    if (_loaded)
        return;
    Store::Tail tail = _store.tail(_record.id, _window);
    _recent.assign(tail.recent.begin(), tail.recent.end());
    _next = tail.next;
    if (!_recent.empty())
        _lastActivity = _recent.back()->time();
    _loaded = true;
}

MessagePtr Room::append(MessageKind kind, const std::string& author, const std::string& text)
{
    std::unique_lock<std::mutex> lock(_mutex);
    ensureLoaded(lock);
    if (_closed)
        throw Poco::IllegalStateException("the server is shutting down");
    auto message = std::make_shared<const Message>(_next, kind, author, Poco::Timestamp(), text);
    // Stored under the lock so numbers reach the store in order; if the store
    // throws, _next is unchanged and nothing was acknowledged.
    _store.append(_record.id, message);
    _recent.push_back(message);
    if (_recent.size() > _window)
        _recent.pop_front();
    ++_next;
    _lastActivity = message->time();
    lock.unlock();
    _arrived.notify_all();
    return message;
}

void Room::acceptRemote(const MessagePtr& message)
{
    std::unique_lock<std::mutex> lock(_mutex);
    ensureLoaded(lock);
    if (message->id() != _next)
        return; // already known, or a gap the next tail load will fill
    _recent.push_back(message);
    if (_recent.size() > _window)
        _recent.pop_front();
    ++_next;
    _lastActivity = message->time();
    lock.unlock();
    _arrived.notify_all();
}

bool Room::inWindow(std::uint64_t n) const
{
    return !_recent.empty() && n >= _recent.front()->id() && n < _next;
}

Room::Lookup Room::fromStore(std::uint64_t n, MessagePtr& out)
{
    std::vector<MessagePtr> found = _store.read(_record.id, n, 1);
    if (!found.empty() && found.front()->id() == n)
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

Room::Lookup Room::waitFor(std::uint64_t n, Poco::Timespan timeout, MessagePtr& out)
{
    std::unique_lock<std::mutex> lock(_mutex);
    ensureLoaded(lock);
    if (n >= _next && timeout > 0 && !_closed)
    {
        auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::microseconds(timeout.totalMicroseconds());
        _arrived.wait_until(lock, deadline, [&] { return n < _next || _closed; });
    }
    if (n >= _next)
        return _closed ? Lookup::Closed : Lookup::NotYet;
    if (inWindow(n))
    {
        out = _recent[static_cast<std::size_t>(n - _recent.front()->id())];
        return Lookup::Found;
    }
    lock.unlock();
    return fromStore(n, out);
}

std::vector<MessagePtr> Room::range(std::uint64_t from, std::size_t limit, std::uint64_t& next)
{
    std::vector<MessagePtr> out;
    std::unique_lock<std::mutex> lock(_mutex);
    ensureLoaded(lock);
    next = _next;
    if (from >= _next || limit == 0)
        return out;
    if (!_recent.empty() && from >= _recent.front()->id())
    {
        for (auto i = static_cast<std::size_t>(from - _recent.front()->id());
             i < _recent.size() && out.size() < limit; ++i)
            out.push_back(_recent[i]);
        return out;
    }
    lock.unlock();
    out = _store.read(_record.id, from, limit);
    // The store may hold messages appended after `next` was read; keep the
    // answer consistent with it.
    while (!out.empty() && out.back()->id() >= next)
        out.pop_back();
    return out;
}

std::uint64_t Room::next()
{
    std::unique_lock<std::mutex> lock(_mutex);
    ensureLoaded(lock);
    return _next;
}

Poco::Timestamp Room::lastActivity()
{
    std::unique_lock<std::mutex> lock(_mutex);
    ensureLoaded(lock);
    return _lastActivity;
}

void Room::close()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _closed = true;
    }
    _arrived.notify_all();
}

} // namespace hchat
