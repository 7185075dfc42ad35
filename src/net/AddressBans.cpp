#include "net/AddressBans.h"

#include <algorithm>
#include <mutex>

namespace hchat
{

std::string AddressBans::normalize(const std::string& text)
{
    return AddressRange(text).toString();
}

bool AddressBans::inForce(const AddressBan& ban, const Poco::Timestamp& now)
{
    return ban.forGood() || now < ban.until;
}

void AddressBans::set(const AddressBan& ban)
{
    const AddressRange range(ban.address);
    Entry entry{ban, range};
    entry.ban.address = range.toString();
    std::unique_lock<std::shared_mutex> lock(_mutex);
    const Poco::Timestamp now;
    // Expired bans are dropped here, where the list is written anyway.
    _entries.erase(std::remove_if(_entries.begin(), _entries.end(),
                                  [&](const Entry& e) {
                                      return e.ban.address == entry.ban.address ||
                                             !inForce(e.ban, now);
                                  }),
                   _entries.end());
    _entries.push_back(std::move(entry));
    _count.store(_entries.size());
}

bool AddressBans::lift(const std::string& address)
{
    const std::string key = normalize(address);
    const Poco::Timestamp now;
    bool lifted = false;
    std::unique_lock<std::shared_mutex> lock(_mutex);
    _entries.erase(std::remove_if(_entries.begin(), _entries.end(),
                                  [&](const Entry& e)
                                  {
                                      if (e.ban.address != key)
                                          return false;
                                      lifted = inForce(e.ban, now);
                                      return true;
                                  }),
                   _entries.end());
    _count.store(_entries.size());
    return lifted;
}

bool AddressBans::covers(const Poco::Net::IPAddress& address) const
{
    if (_count.load(std::memory_order_relaxed) == 0)
        return false;
    const Poco::Timestamp now;
    std::shared_lock<std::shared_mutex> lock(_mutex);
    for (const Entry& entry : _entries)
        if (inForce(entry.ban, now) && entry.range.contains(address))
            return true;
    return false;
}

std::vector<AddressBan> AddressBans::list() const
{
    const Poco::Timestamp now;
    std::vector<AddressBan> bans;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        for (const Entry& entry : _entries)
            if (inForce(entry.ban, now))
                bans.push_back(entry.ban);
    }
    std::sort(bans.begin(), bans.end(),
              [](const AddressBan& a, const AddressBan& b) { return a.address < b.address; });
    return bans;
}

} // namespace hchat
