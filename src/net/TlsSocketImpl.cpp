#include "net/TlsSocketImpl.h"

#include "net/TlsChannel.h"
#include "net/TlsContext.h"

#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <sys/socket.h>

namespace hchat
{

TlsSocketImpl::TlsSocketImpl(poco_socket_t fd, const sockaddr* peer, socklen_t length,
                             std::shared_ptr<TlsContext> context)
    : PollingSocketImpl(fd, peer, length), _context(std::move(context))
{
}

std::shared_ptr<TlsChannel> TlsSocketImpl::channelOf(Poco::Net::SocketImpl* socket)
{
    auto* tls = dynamic_cast<TlsSocketImpl*>(socket);
    return tls ? tls->_channel : nullptr;
}

bool TlsSocketImpl::isTls(Poco::Net::SocketImpl* socket)
{
    return dynamic_cast<TlsSocketImpl*>(socket) != nullptr;
}

bool TlsSocketImpl::handshake(int timeoutMs, const std::string& refusal)
{
    std::string peer = "a client";
    try
    {
        peer = peerAddress().host().toString();
    }
    catch (const Poco::Exception&)
    {
    }
    SSL* session = _context->newSession();
    if (!session)
    {
        Poco::Logger::get("hchatd.tls").error("%s: %s", peer, TlsChannel::lastError());
        return false;
    }
    auto channel = std::make_shared<TlsChannel>(session, sockfd());
    try
    {
        channel->handshake(timeoutMs);
        _channel = std::move(channel);
        return true;
    }
    catch (const Poco::Exception& e)
    {
        if (channel->plainHttp() || e.message().find("wrong version number") != std::string::npos)
        {
            // Plain text on the TLS port: say so in plain text.
            ::send(sockfd(), refusal.data(), refusal.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        }
        if (_context->noteFailure(peer))
            Poco::Logger::get("hchatd.tls")
                .warning("%s: TLS handshake failed: %s", peer, e.message());
        return false;
    }
}

int TlsSocketImpl::sendBytes(const void* buffer, int length, int)
{
    if (!_channel)
        throw Poco::Net::NetException("no TLS handshake yet");
    const std::string sealed =
        _channel->seal(static_cast<const char*>(buffer), static_cast<std::size_t>(length));
    TlsChannel::sendAll(sockfd(), sealed.data(), sealed.size());
    return length;
}

int TlsSocketImpl::receiveBytes(void* buffer, int length, int flags)
{
    if (const long given =
            takeUnread(static_cast<char*>(buffer), static_cast<std::size_t>(std::max(length, 0)),
                       flags & MSG_PEEK))
        return static_cast<int>(given);
    if (!_channel)
        throw Poco::Net::NetException("no TLS handshake yet");
    const long got =
        _channel->open(static_cast<char*>(buffer), static_cast<std::size_t>(length), getBlocking());
    if (got < 0 && getBlocking())
        throw Poco::TimeoutException(); // the receive timeout passed, as POCO's would
    return static_cast<int>(got);
}

bool TlsSocketImpl::poll(const Poco::Timespan& timeout, int mode)
{
    if ((mode & SELECT_READ) && _channel && _channel->hasInput())
        return true;
    return PollingSocketImpl::poll(timeout, mode);
}

int TlsSocketImpl::available()
{
    return static_cast<int>(unreadBytes()) + (_channel && _channel->hasInput() ? 1 : 0);
}

} // namespace hchat
