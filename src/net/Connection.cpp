#include "net/Connection.h"

#include "net/PollingSocketImpl.h"
#include "net/TlsChannel.h"
#include "net/TlsSocketImpl.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace hchat
{

Connection::Connection(Poco::Net::SocketImpl& socket)
    : _socket(socket.sockfd()), _polling(dynamic_cast<PollingSocketImpl*>(&socket)),
      _tls(TlsSocketImpl::channelOf(&socket))
{
}

void Connection::setSendTimeout(int seconds)
{
    timeval timeout{seconds, 0};
    ::setsockopt(_socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

Connection::Claim Connection::claim()
{
    Claim claim(_mutex);
    if (!_unsent.empty())
    {
        TlsChannel::sendAll(_socket, _unsent.data(), _unsent.size()); // sealed already
        std::string().swap(_unsent);
    }
    return claim;
}

Connection::Claim Connection::tryClaim()
{
    Claim claim(_mutex, std::try_to_lock);
    if (claim.owns_lock() && (!_open || !_unsent.empty()))
        claim.unlock();
    return claim;
}

Connection::Claim Connection::hold()
{
    return Claim(_mutex);
}

Connection::Claim Connection::shut()
{
    Claim claim(_mutex);
    _open = false;
    std::string().swap(_unsent);
    return claim;
}

void Connection::send(const char* data, std::size_t size)
{
    if (!_tls)
        return TlsChannel::sendAll(_socket, data, size);
    const std::string sealed = _tls->seal(data, size);
    TlsChannel::sendAll(_socket, sealed.data(), sealed.size());
}

bool Connection::sendNow(const std::string& plain)
{
    std::string sealed;
    if (_tls)
    {
        try
        {
            sealed = _tls->seal(plain.data(), plain.size());
        }
        catch (const Poco::Exception&)
        {
            _open = false; // a broken TLS session; its owner finds out by itself
            return false;
        }
    }
    const std::string& bytes = _tls ? sealed : plain;
    ssize_t sent = ::send(_socket, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0)
    {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        {
            _open = false; // the client is gone; its owner finds out by itself
            return false;
        }
        sent = 0;
    }
    if (static_cast<std::size_t>(sent) == bytes.size())
        return true;
    _unsent.assign(bytes, static_cast<std::size_t>(sent), std::string::npos);
    return false;
}

long Connection::receive(char* buffer, std::size_t size)
{
    return read(buffer, size, 0);
}

long Connection::peek(char* buffer, std::size_t size)
{
    return read(buffer, size, MSG_PEEK);
}

void Connection::unread(const char* data, std::size_t size)
{
    if (!_polling)
        throw Poco::IllegalStateException("bytes cannot be given back to this socket");
    _polling->unread(data, size);
}

bool Connection::hasInput()
{
    return (_polling && _polling->unreadBytes() > 0) || (_tls && _tls->hasInput());
}

long Connection::read(char* buffer, std::size_t size, int flags)
{
    if (_polling && _polling->unreadBytes() > 0)
        return _polling->takeUnread(buffer, size, flags & MSG_PEEK);
    if (_tls)
    {
        try
        {
            return flags & MSG_PEEK ? _tls->peek(buffer, size) : _tls->open(buffer, size, false);
        }
        catch (const Poco::Net::NetException&)
        {
            throw;
        }
        catch (const Poco::IOException& e)
        {
            throw Poco::Net::NetException("cannot read from the client", e.message());
        }
    }
    for (;;)
    {
        const ssize_t got = ::recv(_socket, buffer, size, flags | MSG_DONTWAIT);
        if (got >= 0)
            return static_cast<long>(got);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -1;
        throw Poco::Net::NetException("cannot read from the client", std::strerror(errno));
    }
}

void Connection::linger(int milliseconds)
{
    if (::shutdown(_socket, SHUT_WR) != 0)
        return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    char drop[512];
    for (std::size_t dropped = 0; dropped < 64 * 1024;)
    {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              until - std::chrono::steady_clock::now())
                              .count();
        pollfd client = {_socket, POLLIN, 0};
        if (left <= 0 || ::poll(&client, 1, static_cast<int>(left)) <= 0)
            return;
        const ssize_t got = ::recv(_socket, drop, sizeof drop, MSG_DONTWAIT);
        if (got <= 0)
            return; // closed by the client (or gone)
        dropped += static_cast<std::size_t>(got);
    }
}

} // namespace hchat
