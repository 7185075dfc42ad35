#pragma once

#include "chat/Subscriber.h"

#include <memory>
#include <mutex>
#include <vector>

namespace hchat
{

class SubscriberList
/// The subscribers of one room, copy-on-write as muduo's chat server keeps
/// its connections: a fan-out walks a snapshot and holds no lock, so nobody
/// who subscribes or leaves waits for it. add() and remove() are O(1); they
/// copy the list first only while a fan-out holds it. A subscriber is in
/// one list at a time. Thread-safe: _mutex guards _list and the slots.
{
public:
    using Snapshot = std::shared_ptr<const std::vector<std::shared_ptr<Subscriber>>>;

    SubscriberList();

    void add(const std::shared_ptr<Subscriber>& subscriber);
    void remove(const std::shared_ptr<Subscriber>& subscriber);
    /// Harmless when it is not listed.

    Snapshot snapshot() const;
    /// The subscribers as of now, for a fan-out to walk.

    std::size_t size() const;

private:
    std::vector<std::shared_ptr<Subscriber>>& unshared();

    mutable std::mutex _mutex;
    std::shared_ptr<std::vector<std::shared_ptr<Subscriber>>> _list;
};

} // namespace hchat
