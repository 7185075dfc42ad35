#pragma once

#include "http/ConnectionGate.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace hchat
{

class LineServer;
struct ServerContext;

class LineSessionFactory : public Poco::Net::TCPServerConnectionFactory
/// Makes a LineSession for each accepted socket. Thread-safe (immutable).
{
public:
    LineSessionFactory(const ServerContext& context, LineServer& server,
                       Poco::AutoPtr<ConnectionGate> gate);

    Poco::Net::TCPServerConnection*
    createConnection(const Poco::Net::StreamSocket& socket) override;

private:
    const ServerContext& _context;
    LineServer& _server;
    Poco::AutoPtr<ConnectionGate> _gate;
};

} // namespace hchat
