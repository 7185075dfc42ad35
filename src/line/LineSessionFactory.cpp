#include "line/LineSessionFactory.h"

#include "line/LineSession.h"

namespace hchat
{

LineSessionFactory::LineSessionFactory(LineServer& server) : _server(server) {}

Poco::Net::TCPServerConnection*
LineSessionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new LineSession(socket, _server);
}

} // namespace hchat
