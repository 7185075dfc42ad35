#pragma once

#include <Poco/Net/IPAddress.h>

#include <string>

namespace hchat
{

class AddressRange
/// One address ("192.0.2.7", "2001:db8::1") or network in CIDR form
/// ("192.0.2.0/24"), as address bans and trusted proxies name them. An IPv4
/// range also contains the IPv4-mapped form (::ffff:192.0.2.7) that a
/// dual-stack listener sees. A value: copy freely, thread-safe to read.
{
public:
    explicit AddressRange(const std::string& text);
    /// Throws Poco::InvalidArgumentException naming the text when it is
    /// neither (IPv4 needs its four parts: "192.0.2" is refused).

    static bool parseAddress(const std::string& text, Poco::Net::IPAddress& address);
    /// One address, strictly: an IPv4 one in its four parts (inet_aton
    /// would take "192.0.2" as 192.0.0.2), no spaces, no IPv6 zone ("%eth0").

    bool contains(const Poco::Net::IPAddress& address) const;

    std::string toString() const;
    /// The normal form: host bits of a network cleared, a /32 (/128)
    /// written as the address alone.

private:
    Poco::Net::IPAddress _network;
    unsigned _prefix = 0;
};

} // namespace hchat
