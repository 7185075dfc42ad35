#pragma once

#include <Poco/Net/StreamSocketImpl.h>

#include <cstddef>
#include <memory>
#include <netinet/in.h>
#include <string>

namespace hchat
{

class PollingSocketImpl : public Poco::Net::StreamSocketImpl
/// An accepted connection whose poll() is poll(2). POCO's
/// StreamSocketImpl::poll() opens and closes an epoll descriptor on every
/// call, and its HTTP server calls it for each request of a keep-alive
/// connection: thousands of long polls between two requests would need
/// twice as many descriptors, and those over the process limit would lose
/// their connection ("Too many open files"). poll() needs none, and three
/// system calls fewer.
///
/// Its two addresses are known from the start: POCO's HTTP server asks
/// for both on every request (getpeername and getsockname, two system
/// calls of the ten a message sent on a kept-alive connection costs), and
/// a connected socket's addresses do not change. Kept when it is made and
/// never written again, they need no lock.
///
/// Bytes read by hchatd's own code can be given back (unread()): whoever
/// reads next, POCO included, gets them first. The connection's thread
/// alone reads, so this needs no lock.
{
public:
    PollingSocketImpl(poco_socket_t fd, const sockaddr* peer, socklen_t length);
    /// peer: the address accept() gave; its own address is asked here.
    /// One that is not IPv4 or IPv6 (or null) is asked of the kernel
    /// whenever needed, as POCO does.

    bool poll(const Poco::Timespan& timeout, int mode) override;
    /// Waits up to timeout for what mode asks (SELECT_READ, SELECT_WRITE);
    /// errors and hang-ups count as ready whatever was asked. Ready to
    /// read at once while bytes given back wait.

    static bool pollDescriptor(poco_socket_t fd, const Poco::Timespan& timeout, int mode);
    /// poll() of any socket (a listening one too) with poll(2); throws
    /// as POCO does when poll(2) fails.

    void setReceiveTimeout(const Poco::Timespan& timeout) override;
    /// As POCO's, but without the system call when the timeout is the one
    /// set last: POCO's HTTP session sets it whenever it is made, and one
    /// is made again after every long poll of a kept-alive connection.

    void unread(const char* data, std::size_t size);
    /// Gives bytes back, to be read before any still on the socket.

    long takeUnread(char* buffer, std::size_t size, bool peek);
    /// Bytes given back, up to size (with peek, they stay); 0 when none.

    std::size_t unreadBytes() const;

    using StreamSocketImpl::receiveBytes;
    int receiveBytes(void* buffer, int length, int flags = 0) override;
    int available() override;

    Poco::Net::SocketAddress address() override;
    Poco::Net::SocketAddress peerAddress() override;
    /// The socket's own and its peer's address, as kept.

private:
    union Known
    /// An IPv4 or IPv6 address; sa_family 0: not kept (the kernel is asked).
    {
        sockaddr any;
        sockaddr_in v4;
        sockaddr_in6 v6;
    };

    static Known keep(const sockaddr* address, socklen_t length);
    /// The address, or an unknown one (family 0) when it is not IPv4 or IPv6.
    static Known localOf(poco_socket_t fd);
    static bool kept(const Known& known) { return known.any.sa_family != 0; }
    static Poco::Net::SocketAddress addressOf(const Known& known);

    const Known _local;
    const Known _peer;
    std::unique_ptr<std::string> _unread; ///< bytes given back; null when none (the usual case)
    Poco::Timespan::TimeDiff _receiveTimeout = -1; ///< as set last (µs); -1: never set
};

} // namespace hchat
