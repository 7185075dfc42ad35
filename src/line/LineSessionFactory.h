#pragma once

#include <Poco/Net/TCPServerConnectionFactory.h>

namespace hchat
{

class LineServer;

class LineSessionFactory : public Poco::Net::TCPServerConnectionFactory
/// Makes a LineSession, or an IrcSession on the IRC ports, for each accepted socket. Thread-safe
/// (immutable).
{
public:
    explicit LineSessionFactory(LineServer& server);

    Poco::Net::TCPServerConnection*
    createConnection(const Poco::Net::StreamSocket& socket) override;

private:
    LineServer& _server;
};

} // namespace hchat
