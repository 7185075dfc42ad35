#pragma once

#include "net/AddressBans.h"
#include "store/Store.h"

#include <cstddef>
#include <functional>

namespace hchat
{

class AddressBanFeed : public Store::Listener
/// With a shared store, address bans made on any daemon (hchatd --ctl
/// ban-address) are in force here at once: this daemon's AddressBans
/// follows the store, and the connections a new ban covers are closed.
{
public:
    AddressBanFeed(Store& store, AddressBans& bans, std::function<std::size_t()> disconnectBanned);

    void addressBanned(const AddressBan& ban) override;
    void addressUnbanned(const std::string& address) override;
    void resumed() override;
    /// Reads every ban again: what was banned or lifted meanwhile.

private:
    Store& _store;
    AddressBans& _bans;
    std::function<std::size_t()> _disconnectBanned;
};

} // namespace hchat
