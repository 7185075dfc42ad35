#pragma once

#include <Poco/Net/ServerSocket.h>

namespace hchat
{

class ListeningSocket : public Poco::Net::ServerSocket
/// POCO's server socket, except that the connections it accepts wait for
/// readiness with one poll() call. POCO 1.12's StreamSocketImpl::poll()
/// opens and closes an epoll descriptor on every call, and its HTTP server
/// calls it for each request of a keep-alive connection: 10,000 long polls
/// between two requests would need 20,000 descriptors (the process limit
/// here), and those over the limit lost their connection with "Too many
/// open files". With poll() they need none, and three system calls fewer
/// per request. A copy (TCPServer keeps one) shares the implementation,
/// so it accepts the same way.
{
public:
    ListeningSocket();

private:
    class Impl;
    class Connection;
};

} // namespace hchat
