#pragma once

#include <Poco/Net/SocketAddress.h>

#include <string>
#include <string_view>

namespace hchat
{

class ProxyHeader
/// The PROXY protocol's version 1 header (HAProxy's `send-proxy`), the one
/// line a TCP balancer writes first on each connection to a line or IRC
/// port to say whose it is:
///   PROXY TCP4 <client> <server> <client port> <server port>\r\n
/// (TCP6 likewise), or "PROXY UNKNOWN" and anything up to the CRLF when the
/// balancer cannot tell (its own health checks). At most 107 bytes with the
/// CRLF. Parsed strictly: single spaces, addresses of the family named,
/// ports 0-65535.
{
public:
    static constexpr std::size_t maxBytes = 107;

    static bool mayBe(std::string_view start);
    /// The first bytes of a connection (any number) could begin a header:
    /// they are "PROXY " or a beginning of it, or begin with it.

    struct Parsed
    {
        bool valid = false; ///< a header, as above
        bool known = false; ///< TCP4 or TCP6: client holds the client's address
        Poco::Net::SocketAddress client;
    };
    static Parsed parse(const std::string& line);
    /// One line, without its CRLF.
};

} // namespace hchat
