#include "net/ListeningSocket.h"

#include "net/PollingSocketImpl.h"
#include "net/TlsSocketImpl.h"

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocketImpl.h>

#include <cerrno>
#include <sys/socket.h>

namespace hchat
{

class ListeningSocket::Impl : public Poco::Net::ServerSocketImpl
/// Accepts like SocketImpl::acceptConnection(), into a PollingSocketImpl
/// or, with a TLS context, a TlsSocketImpl; waits with poll(2).
{
public:
    explicit Impl(std::shared_ptr<TlsContext> tls) : _tls(std::move(tls)) {}

    Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddress) override
    {
        sockaddr_storage address{};
        for (;;)
        {
            socklen_t length = sizeof address;
            const int fd = ::accept(sockfd(), reinterpret_cast<sockaddr*>(&address), &length);
            if (fd >= 0)
            {
                const auto* peer = reinterpret_cast<const sockaddr*>(&address);
                clientAddress = Poco::Net::SocketAddress(peer, length);
                if (_tls)
                    return new TlsSocketImpl(fd, peer, length, _tls);
                return new PollingSocketImpl(fd, peer, length);
            }
            if (errno != EINTR)
                error(); // throws, as POCO's does
        }
    }

    bool poll(const Poco::Timespan& timeout, int mode) override
    {
        // POCO's TCPServer polls before each accept(); its own poll()
        // makes, uses and closes an epoll descriptor: four system calls.
        return PollingSocketImpl::pollDescriptor(sockfd(), timeout, mode);
    }

private:
    const std::shared_ptr<TlsContext> _tls;
};

ListeningSocket::ListeningSocket(std::shared_ptr<TlsContext> tls)
    : ServerSocket(new Impl(std::move(tls)), true)
{
}

void ListeningSocket::open(const std::string& host, int port)
{
    try
    {
        bind(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), true, false);
        listen(1024);
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::IOException(host + ":" + std::to_string(port) + ": " + e.displayText());
    }
}

} // namespace hchat
