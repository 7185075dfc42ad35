#pragma once

#include <Poco/Net/StreamSocketImpl.h>

#include <cstddef>
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
/// Bytes read by hchatd's own code can be given back (unread()): whoever
/// reads next, POCO included, gets them first. The connection's thread
/// alone reads, so this needs no lock.
{
public:
    explicit PollingSocketImpl(poco_socket_t fd) : StreamSocketImpl(fd) {}

    bool poll(const Poco::Timespan& timeout, int mode) override;
    /// Waits up to timeout for what mode asks (SELECT_READ, SELECT_WRITE);
    /// errors and hang-ups count as ready whatever was asked. Ready to
    /// read at once while bytes given back wait.

    void unread(const char* data, std::size_t size);
    /// Gives bytes back, to be read before any still on the socket.

    long takeUnread(char* buffer, std::size_t size, bool peek);
    /// Bytes given back, up to size (with peek, they stay); 0 when none.

    std::size_t unreadBytes() const { return _unread.size(); }

    using StreamSocketImpl::receiveBytes;
    int receiveBytes(void* buffer, int length, int flags = 0) override;
    int available() override;

private:
    std::string _unread;
};

} // namespace hchat
