#include "line/LineSessionFactory.h"

#include "irc/IrcSession.h"
#include "line/LineServer.h"
#include "line/LineSession.h"

namespace hchat
{

LineSessionFactory::LineSessionFactory(LineServer& server) : _server(server) {}

Poco::Net::TCPServerConnection*
LineSessionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    if (_server.options().protocol == LineOptions::Protocol::Irc)
        return new IrcSession(socket, _server);
    return new LineSession(socket, _server);
}

} // namespace hchat
