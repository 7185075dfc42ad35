#include "app/AddressBanFeed.h"

#include <set>

namespace hchat
{

AddressBanFeed::AddressBanFeed(Store& store, AddressBans& bans,
                               std::function<std::size_t()> disconnectBanned)
    : _store(store), _bans(bans), _disconnectBanned(std::move(disconnectBanned))
{
}

void AddressBanFeed::addressBanned(const AddressBan& ban)
{
    _bans.set(ban);
    _disconnectBanned();
}

void AddressBanFeed::addressUnbanned(const std::string& address)
{
    _bans.lift(address);
}

void AddressBanFeed::resumed()
{
    std::set<std::string> stored;
    for (const AddressBan& ban : _store.addressBans())
    {
        stored.insert(ban.address);
        _bans.set(ban);
    }
    for (const AddressBan& ban : _bans.list())
        if (stored.count(ban.address) == 0)
            _bans.lift(ban.address);
    _disconnectBanned();
}

} // namespace hchat
