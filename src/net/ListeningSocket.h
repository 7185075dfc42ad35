#pragma once

#include <Poco/Net/ServerSocket.h>

#include <memory>

namespace hchat
{

class TlsContext;

class ListeningSocket : public Poco::Net::ServerSocket
/// POCO's server socket, except that the connections it accepts wait for
/// readiness with one poll() call and no descriptor of their own
/// (PollingSocketImpl), and, given a TLS context, speak TLS (TlsSocketImpl:
/// the handshake is left to the connection's thread). A copy (TCPServer
/// keeps one) accepts the same way. It waits for the next connection with
/// poll(2) too. The TCPServer that accepts from it turns Nagle off on each
/// connection; the sessions do not again.
{
public:
    explicit ListeningSocket(std::shared_ptr<TlsContext> tls = nullptr);

    void open(const std::string& host, int port);
    /// Binds (SO_REUSEADDR, to restart at once after a stop, but not
    /// SO_REUSEPORT, which would let a second daemon share the port instead
    /// of failing) and listens; throws Poco::IOException naming the address.

private:
    class Impl;
};

} // namespace hchat
