#include "net/ConnectionGate.h"

#include "net/AddressBans.h"
#include "net/TlsSocketImpl.h"
#include "net/TrustedProxies.h"

#include <Poco/Logger.h>

#include <sys/socket.h>

namespace hchat
{

ConnectionGate::ConnectionGate(int maxThreads, int perAddress, Counters counters, Refusal refusal,
                               const std::string& loggerName, const AddressBans* bans,
                               const TrustedProxies* proxies)
    : _maxThreads(maxThreads), _perAddress(perAddress), _counters(counters),
      _refusal(std::move(refusal)), _logger(Poco::Logger::get(loggerName)), _bans(bans),
      _proxies(proxies)
{
}

void ConnectionGate::refuse(const Poco::Net::StreamSocket& socket, Refused kind,
                            const std::string& why) const
{
    if (TlsSocketImpl::isTls(socket.impl()))
        return; // no plain text on a TLS port; the handshake would take a thread
    const std::string answer = _refusal(kind, why);
    try
    {
        // Never block the acceptor: a fresh socket's send buffer takes this
        // at once, and if it does not the client loses only the reason.
        Poco::Net::StreamSocket peer(socket);
        peer.setBlocking(false);
        peer.sendBytes(answer.data(), static_cast<int>(answer.size()));
        peer.shutdownSend();
    }
    catch (const Poco::Exception&)
    {
    }
}

bool ConnectionGate::banned(const Poco::Net::IPAddress& address, const std::string& who)
{
    if (!_bans || !_bans->covers(address))
        return false;
    _counters.banned.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(_mutex);
    if (int refused = _bannedLog.due())
        _logger.warning("%s refused: the address is banned (%d refused since the last such line)",
                        who, refused);
    return true;
}

bool ConnectionGate::overPerAddress(const Poco::Net::IPAddress& address, int open,
                                    const std::string& who)
{
    if (_perAddress <= 0 || open < _perAddress || (_proxies && _proxies->covers(address)))
        return false;
    _counters.perAddress.fetch_add(1, std::memory_order_relaxed);
    if (int refused = _perAddressLog.due())
        _logger.warning("%s has %d connections open (limits.connectionsPerAddress): refused "
                        "(%d refused since the last such line)",
                        who, open, refused);
    return true;
}

bool ConnectionGate::accept(const Poco::Net::StreamSocket& socket)
{
    _counters.accepted.fetch_add(1, std::memory_order_relaxed);
    Poco::Net::IPAddress host;
    try
    {
        host = socket.peerAddress().host();
    }
    catch (const Poco::Exception&)
    {
        return false; // gone before we looked
    }
    const std::string address = host.toString();
    if (banned(host, address))
    {
        refuse(socket, Refused::Banned, "your address is banned from this server");
        return false;
    }
    std::lock_guard<std::mutex> lock(_mutex);
    // Every open connection holds a thread or waits in the queue for one.
    if (_holders.size() >= static_cast<std::size_t>(_maxThreads))
    {
        _counters.busy.fetch_add(1, std::memory_order_relaxed);
        if (int refused = _busyLog.due())
            _logger.warning("%s refused: all %d connections in use (%d refused since the last "
                            "such line)",
                            address, _maxThreads, refused);
        refuse(socket, Refused::Busy, "server busy: every connection thread is in use, try again");
        return false;
    }
    int& open = _open[address];
    if (overPerAddress(host, open, address))
    {
        refuse(socket, Refused::PerAddress, "too many connections from your address");
        return false;
    }
    ++open;
    _holders[socket.impl()] = Holders{address, 1, Poco::Net::IPAddress()};
    return true;
}

void ConnectionGate::addHolder(const Poco::Net::Socket& connection)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _holders.find(connection.impl());
    if (it != _holders.end())
        ++it->second.count;
}

void ConnectionGate::dropHolder(const Poco::Net::Socket& connection)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _holders.find(connection.impl());
    if (it == _holders.end() || --it->second.count > 0)
        return;
    auto open = _open.find(it->second.address);
    if (open != _open.end() && --open->second <= 0)
        _open.erase(open);
    _holders.erase(it);
}

bool ConnectionGate::forwardedFor(const Poco::Net::Socket& connection,
                                  const Poco::Net::IPAddress& client)
{
    if (banned(client, client.toString() + " (through a trusted proxy)"))
        return false;
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _holders.find(connection.impl());
    if (it != _holders.end())
        it->second.client = client;
    return true;
}

std::optional<ConnectionGate::Refused>
ConnectionGate::proxiedFor(const Poco::Net::Socket& connection, const Poco::Net::IPAddress& client)
{
    const std::string address = client.toString();
    if (banned(client, address + " (through a trusted proxy)"))
        return Refused::Banned;
    std::lock_guard<std::mutex> lock(_mutex);
    auto held = _holders.find(connection.impl());
    if (held == _holders.end())
        return std::nullopt; // released already: nothing to count
    int& open = _open[address];
    if (overPerAddress(client, open, address + " (through a trusted proxy)"))
        return Refused::PerAddress;
    ++open;
    auto proxy = _open.find(held->second.address);
    if (proxy != _open.end() && --proxy->second <= 0)
        _open.erase(proxy);
    held->second.address = address;
    held->second.client = client;
    return std::nullopt;
}

std::size_t ConnectionGate::disconnectBanned()
{
    if (!_bans)
        return 0;
    std::size_t closed = 0;
    std::lock_guard<std::mutex> lock(_mutex);
    for (const auto& held : _holders)
    {
        Poco::Net::IPAddress host;
        const bool forwarded = !held.second.client.isWildcard();
        if (forwarded ? !_bans->covers(held.second.client)
                      : !Poco::Net::IPAddress::tryParse(held.second.address, host) ||
                            !_bans->covers(host))
            continue;
        // shutdown(), not close(): the descriptor stays the connection's
        // until its thread is done; whatever that thread waits in wakes up.
        // A socket closed meanwhile has no descriptor any more.
        const poco_socket_t fd = held.first->sockfd();
        if (fd != POCO_INVALID_SOCKET && ::shutdown(fd, SHUT_RDWR) == 0)
            ++closed;
    }
    if (closed > 0)
        _logger.information("closed %z connections of banned addresses", closed);
    return closed;
}

} // namespace hchat
