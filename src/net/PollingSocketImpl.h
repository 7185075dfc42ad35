#pragma once

#include <Poco/Net/StreamSocketImpl.h>

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
{
public:
    explicit PollingSocketImpl(poco_socket_t fd) : StreamSocketImpl(fd) {}

    bool poll(const Poco::Timespan& timeout, int mode) override;
    /// Waits up to timeout for what mode asks (SELECT_READ, SELECT_WRITE);
    /// errors and hang-ups count as ready whatever was asked.
};

} // namespace hchat
