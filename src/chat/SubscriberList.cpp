#include "chat/SubscriberList.h"

#include <atomic>

namespace hchat
{

SubscriberList::SubscriberList()
    : _list(std::make_shared<std::vector<std::shared_ptr<Subscriber>>>())
{
}

std::vector<std::shared_ptr<Subscriber>>& SubscriberList::unshared()
{
    // Snapshots are only taken under _mutex, so a count of 1 cannot grow
    // while it is held; a stale higher count costs one needless copy. The
    // copy keeps every subscriber at its slot.
    if (_list.use_count() > 1)
        _list = std::make_shared<std::vector<std::shared_ptr<Subscriber>>>(*_list);
    else
        // use_count() reads relaxed: this orders the last fan-out's reads
        // of the list (before it released its snapshot) before the writes
        // that follow.
        std::atomic_thread_fence(std::memory_order_acquire);
    return *_list;
}

void SubscriberList::add(const std::shared_ptr<Subscriber>& subscriber)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto& list = unshared();
    subscriber->_slot = list.size();
    list.push_back(subscriber);
}

void SubscriberList::remove(const std::shared_ptr<Subscriber>& subscriber)
{
    std::lock_guard<std::mutex> lock(_mutex);
    const std::size_t slot = subscriber->_slot;
    if (slot >= _list->size() || (*_list)[slot] != subscriber)
        return;
    auto& list = unshared();
    // Order does not matter: the last one takes the freed slot.
    list[slot] = std::move(list.back());
    list[slot]->_slot = slot;
    list.pop_back();
}

SubscriberList::Snapshot SubscriberList::snapshot() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _list;
}

std::size_t SubscriberList::size() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _list->size();
}

} // namespace hchat
