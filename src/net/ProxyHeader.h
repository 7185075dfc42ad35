#pragma once

#include <Poco/Net/SocketAddress.h>

#include <cstddef>
#include <string_view>

namespace hchat
{

class ProxyHeader
/// The PROXY protocol header a TCP balancer writes first on each
/// connection to a line or IRC port to say whose it is, in either version:
///  - 1 (HAProxy's `send-proxy`), one line of at most 107 bytes:
///      PROXY TCP4 <client> <server> <client port> <server port>\r\n
///    (TCP6 likewise), or "PROXY UNKNOWN" and anything up to the CRLF when
///    the balancer cannot tell (its own health checks). Parsed strictly:
///    single spaces, addresses of the family named, ports 0-65535.
///  - 2 (`send-proxy-v2`; AWS's Network Load Balancer sends only this), a
///    binary block: a 12-byte signature, version and command, family, the
///    length of the rest, the addresses, then TLVs (skipped). LOCAL, or an
///    address family other than TCP over IPv4 or IPv6, is the balancer's
///    own connection. At most `maxBytes` in all.
{
public:
    static constexpr std::size_t maxBytes = 16 + 1024;

    enum class Shape
    {
        None,    ///< the bytes cannot begin a header: the client's own
        Partial, ///< they may begin one: wait for more
        Whole,   ///< a header of `length` bytes begins them
        Bad      ///< a header begins them that can never be whole or right
    };
    struct Extent
    {
        Shape shape = Shape::None;
        std::size_t length = 0;
    };
    static Extent measure(std::string_view start);
    /// Looks at the first bytes of a connection (any number, up to
    /// maxBytes): is there a header, and how long is it.

    struct Parsed
    {
        bool valid = false; ///< a header, as above
        bool known = false; ///< a TCP client over IPv4 or IPv6: client holds its address
        Poco::Net::SocketAddress client;
    };
    static Parsed parse(std::string_view header);
    /// A whole header as measure() found it (v1 with its CRLF).
};

} // namespace hchat
