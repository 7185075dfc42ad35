#pragma once

#include "net/PollingSocketImpl.h"

#include <memory>

namespace hchat
{

class TlsChannel;
class TlsContext;

class TlsSocketImpl : public PollingSocketImpl
/// An accepted connection on a TLS port, for POCO's code that reads and
/// writes through the socket (the HTTP session reading requests, writing
/// answers): its bytes go through the connection's TlsChannel, which
/// hchatd's own writers (Connection) use too. handshake() comes first, on
/// the connection's thread; before it, reads and writes throw.
{
public:
    TlsSocketImpl(poco_socket_t fd, const sockaddr* peer, socklen_t length,
                  std::shared_ptr<TlsContext> context);

    bool handshake(int timeoutMs, const std::string& refusal);
    /// The server handshake, bounded by timeoutMs; true when done. A
    /// failure is logged (at most once a minute per address, with OpenSSL's
    /// reason), and a client that spoke plain text gets refusal, unencrypted.

    const std::shared_ptr<TlsChannel>& channel() const { return _channel; }

    static std::shared_ptr<TlsChannel> channelOf(Poco::Net::SocketImpl* socket);
    /// The TLS channel of a connection; null when it is plain text (or
    /// before its handshake).

    static bool isTls(Poco::Net::SocketImpl* socket);

    using PollingSocketImpl::receiveBytes;
    using PollingSocketImpl::sendBytes;
    int sendBytes(const void* buffer, int length, int flags = 0) override;
    int receiveBytes(void* buffer, int length, int flags = 0) override;
    bool poll(const Poco::Timespan& timeout, int mode) override;
    int available() override;

private:
    std::shared_ptr<TlsContext> _context;
    std::shared_ptr<TlsChannel> _channel;
};

} // namespace hchat
