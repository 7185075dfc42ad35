#include "net/AddressBans.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace hchat
{

namespace
{
struct Parsed
{
    Poco::Net::IPAddress network;
    unsigned prefix = 0;
};

Parsed parse(const std::string& text)
{
    const std::size_t slash = text.find('/');
    Parsed parsed;
    const std::string host = text.substr(0, slash);
    // inet_aton would take "192.0.2" as 192.0.0.2: an IPv4 address has four parts.
    const bool v4 = host.find(':') == std::string::npos;
    if (!Poco::Net::IPAddress::tryParse(host, parsed.network) ||
        text.find_first_of(" \t%") != std::string::npos ||
        (v4 && (std::count(host.begin(), host.end(), '.') != 3 ||
                host.find_first_not_of("0123456789.") != std::string::npos)))
        throw Poco::InvalidArgumentException(
            "'" + text + "' is no address (192.0.2.7, 2001:db8::1) or network (192.0.2.0/24)");
    const unsigned bits = static_cast<unsigned>(parsed.network.length()) * 8;
    parsed.prefix = bits;
    if (slash != std::string::npos)
    {
        const std::string length = text.substr(slash + 1);
        unsigned prefix = 0;
        if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos ||
            !Poco::NumberParser::tryParseUnsigned(length, prefix) || prefix > bits)
            throw Poco::InvalidArgumentException("bad prefix length in '" + text + "' (0 to " +
                                                 std::to_string(bits) + ")");
        parsed.prefix = prefix;
    }
    return parsed;
}

// The first `prefix` bits of a and b (of the same family) are equal.
bool samePrefix(const void* a, const void* b, unsigned prefix)
{
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    const unsigned whole = prefix / 8;
    if (std::memcmp(x, y, whole) != 0)
        return false;
    const unsigned rest = prefix % 8;
    if (rest == 0)
        return true;
    const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (x[whole] & mask) == (y[whole] & mask);
}
} // namespace

std::string AddressBans::normalize(const std::string& text)
{
    Parsed parsed = parse(text);
    const unsigned bits = static_cast<unsigned>(parsed.network.length()) * 8;
    if (parsed.prefix == bits)
        return parsed.network.toString();
    // Clear the host bits: 192.0.2.7/24 is the network 192.0.2.0/24.
    unsigned char bytes[16] = {};
    std::memcpy(bytes, parsed.network.addr(), parsed.network.length());
    for (unsigned bit = parsed.prefix; bit < bits; ++bit)
        bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
    const Poco::Net::IPAddress network(bytes, parsed.network.length());
    return network.toString() + "/" + std::to_string(parsed.prefix);
}

bool AddressBans::inForce(const AddressBan& ban, const Poco::Timestamp& now)
{
    return ban.forGood() || now < ban.until;
}

bool AddressBans::within(const Entry& entry, const Poco::Net::IPAddress& address)
{
    if (address.family() == entry.network.family())
        return samePrefix(address.addr(), entry.network.addr(), entry.prefix);
    // A dual-stack listener sees IPv4 peers as ::ffff:192.0.2.7.
    if (entry.network.family() == Poco::Net::IPAddress::IPv4 && address.isIPv4Mapped())
        return samePrefix(static_cast<const unsigned char*>(address.addr()) + 12,
                          entry.network.addr(), entry.prefix);
    return false;
}

void AddressBans::set(const AddressBan& ban)
{
    Entry entry;
    entry.ban = ban;
    entry.ban.address = normalize(ban.address);
    Parsed parsed = parse(entry.ban.address);
    entry.network = parsed.network;
    entry.prefix = parsed.prefix;
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
        if (inForce(entry.ban, now) && within(entry, address))
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
