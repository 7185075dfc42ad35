#pragma once

#include "model/AddressBan.h"
#include "net/AddressRange.h"

#include <Poco/Net/IPAddress.h>

#include <atomic>
#include <shared_mutex>
#include <string>
#include <vector>

namespace hchat
{

class AddressBans
/// The addresses and networks refused on every port (hchatd --ctl
/// ban-address), asked by each ConnectionGate before a connection takes a
/// thread. A ban ends at its time, or never. This is the daemon's copy:
/// whoever bans keeps the store in step. Thread-safe: _mutex (shared for
/// look-ups) guards _entries; covers() takes no lock while there is no ban.
{
public:
    static std::string normalize(const std::string& text);
    /// An address or network (AddressRange) in its normal form; throws
    /// Poco::InvalidArgumentException for anything else.

    void set(const AddressBan& ban);
    /// Adds the ban, or replaces the one of the same (normalized) address.
    bool lift(const std::string& address);
    /// False when no ban of that address is in force.

    bool covers(const Poco::Net::IPAddress& address) const;
    /// Whether a ban in force covers the address.
    std::vector<AddressBan> list() const;
    /// The bans in force, by address.

private:
    struct Entry
    {
        AddressBan ban;
        AddressRange range;
    };
    static bool inForce(const AddressBan& ban, const Poco::Timestamp& now);

    mutable std::shared_mutex _mutex;
    std::vector<Entry> _entries;
    std::atomic<std::size_t> _count{0};
};

} // namespace hchat
