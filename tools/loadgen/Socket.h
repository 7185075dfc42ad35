#pragma once

#include <string>

namespace hchat::load
{

class Socket
/// The few socket calls the load generator needs.
{
public:
    static int connectTo(const std::string& host, int port, const std::string& source = "");
    /// A non-blocking TCP socket, Nagle off, connecting to host:port (an IPv4
    /// address), from the local address source when one is given (on
    /// loopback any 127.x.y.z: servers count connections and messages per
    /// address). Throws std::runtime_error when the socket cannot be made.

    static int freePort();
    /// A port the kernel picks as free on 127.0.0.1 (it may be taken again
    /// by someone else before it is used: good enough for a benchmark).
};

} // namespace hchat::load
