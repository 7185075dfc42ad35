#include "support/RawHttpConnection.h"

#include <Poco/Net/NetException.h>

namespace hchat::test
{

RawHttpConnection::RawHttpConnection(const std::string& host, int port)
    : _socket(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port))), _in(_socket)
{
    // The socket's own exception (a timeout, a reset), not a failed stream.
    _in.exceptions(std::ios::badbit);
}

void RawHttpConnection::send(const std::string& bytes)
{
    _socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

Reply RawHttpConnection::read(double timeoutSeconds)
{
    _socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutSeconds * 1e6)));
    Reply reply;
    reply.response.read(_in);
    reply.status = static_cast<int>(reply.response.getStatus());
    const auto length = reply.response.getContentLength64();
    if (length > 0)
    {
        reply.body.resize(static_cast<std::size_t>(length));
        _in.read(&reply.body[0], static_cast<std::streamsize>(length));
        if (_in.gcount() != length)
            throw Poco::Net::MessageException("answer body cut short");
    }
    return reply;
}

bool RawHttpConnection::closedByServer(double timeoutSeconds)
{
    _socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutSeconds * 1e6)));
    try
    {
        return _in.get() == std::char_traits<char>::eof();
    }
    catch (const Poco::TimeoutException&)
    {
        return false;
    }
    catch (const Poco::Net::NetException&)
    {
        return true; // reset
    }
}

} // namespace hchat::test
