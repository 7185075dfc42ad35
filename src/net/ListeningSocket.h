#pragma once

#include <Poco/Net/ServerSocket.h>

namespace hchat
{

class ListeningSocket : public Poco::Net::ServerSocket
/// POCO's server socket, except that the connections it accepts wait for
/// readiness with one poll() call and no descriptor of their own (see the
/// .cpp for why). A copy (TCPServer keeps one) accepts the same way.
{
public:
    ListeningSocket();

private:
    class Impl;
    class Connection;
};

} // namespace hchat
