#include "http/SocketSend.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include <cerrno>
#include <sys/socket.h>

namespace hchat
{

bool SocketSend::withoutWaiting(int socket, const std::string& bytes, std::string& unsent)
{
    ssize_t sent = ::send(socket, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0)
    {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return false;
        sent = 0;
    }
    if (static_cast<std::size_t>(sent) < bytes.size())
        unsent.assign(bytes, static_cast<std::size_t>(sent), std::string::npos);
    else
        unsent.clear();
    return true;
}

void SocketSend::all(int socket, const char* data, std::size_t size)
{
    while (size > 0)
    {
        const ssize_t sent = ::send(socket, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            throw Poco::TimeoutException("the client stopped reading");
        if (sent <= 0)
            throw Poco::Net::ConnectionResetException("the client is gone");
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
}

} // namespace hchat
