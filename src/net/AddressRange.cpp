#include "net/AddressRange.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <cstring>

namespace hchat
{

namespace
{
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

bool AddressRange::parseAddress(const std::string& text, Poco::Net::IPAddress& address)
{
    const bool v4 = text.find(':') == std::string::npos;
    if (text.find_first_of(" \t%") != std::string::npos ||
        (v4 && (std::count(text.begin(), text.end(), '.') != 3 ||
                text.find_first_not_of("0123456789.") != std::string::npos)))
        return false;
    return Poco::Net::IPAddress::tryParse(text, address);
}

AddressRange::AddressRange(const std::string& text)
{
    const std::size_t slash = text.find('/');
    if (!parseAddress(text.substr(0, slash), _network) ||
        text.find_first_of(" \t") != std::string::npos)
        throw Poco::InvalidArgumentException(
            "'" + text + "' is no address (192.0.2.7, 2001:db8::1) or network (192.0.2.0/24)");
    const unsigned bits = static_cast<unsigned>(_network.length()) * 8;
    _prefix = bits;
    if (slash == std::string::npos)
        return;
    const std::string length = text.substr(slash + 1);
    if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos ||
        !Poco::NumberParser::tryParseUnsigned(length, _prefix) || _prefix > bits)
        throw Poco::InvalidArgumentException("bad prefix length in '" + text + "' (0 to " +
                                             std::to_string(bits) + ")");
}

bool AddressRange::contains(const Poco::Net::IPAddress& address) const
{
    if (address.family() == _network.family())
        return samePrefix(address.addr(), _network.addr(), _prefix);
    if (_network.family() == Poco::Net::IPAddress::IPv4 && address.isIPv4Mapped())
        return samePrefix(static_cast<const unsigned char*>(address.addr()) + 12, _network.addr(),
                          _prefix);
    return false;
}

std::string AddressRange::toString() const
{
    const unsigned bits = static_cast<unsigned>(_network.length()) * 8;
    if (_prefix == bits)
        return _network.toString();
    // Clear the host bits: 192.0.2.7/24 is the network 192.0.2.0/24.
    unsigned char bytes[16] = {};
    std::memcpy(bytes, _network.addr(), _network.length());
    for (unsigned bit = _prefix; bit < bits; ++bit)
        bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
    return Poco::Net::IPAddress(bytes, _network.length()).toString() + "/" +
           std::to_string(_prefix);
}

} // namespace hchat
