// libFuzzer target: the PROXY protocol header (v1 and v2) that a trusted
// balancer sends first on a line or IRC connection, on any bytes.
#include "net/ProxyHeader.h"

#include <Poco/Net/IPAddress.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using hchat::ProxyHeader;
    const std::string_view bytes(reinterpret_cast<const char*>(data),
                                 std::min(size, ProxyHeader::maxBytes));
    const ProxyHeader::Extent found = ProxyHeader::measure(bytes);
    if (found.shape != ProxyHeader::Shape::Whole)
        return 0;
    if (found.length == 0 || found.length > bytes.size())
        std::abort(); // a whole header lies within what was seen
    // Fewer of the same bytes are never a whole header, nor none at all.
    const ProxyHeader::Extent shorter = ProxyHeader::measure(bytes.substr(0, found.length - 1));
    if (shorter.shape != ProxyHeader::Shape::Partial)
        std::abort();
    const ProxyHeader::Parsed header = ProxyHeader::parse(bytes.substr(0, found.length));
    if (header.known && (!header.valid || (header.client.family() != Poco::Net::IPAddress::IPv4 &&
                                           header.client.family() != Poco::Net::IPAddress::IPv6)))
        std::abort();
    return 0;
}
