#include "line/LineSessionFactory.h"

#include "line/LineSession.h"

namespace hchat
{

LineSessionFactory::LineSessionFactory(const ServerContext& context, LineServer& server,
                                       Poco::AutoPtr<ConnectionGate> gate)
    : _context(context), _server(server), _gate(std::move(gate))
{
}

Poco::Net::TCPServerConnection*
LineSessionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new LineSession(socket, _context, _server, _gate);
}

} // namespace hchat
