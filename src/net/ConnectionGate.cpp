#include "net/ConnectionGate.h"

#include "net/TlsSocketImpl.h"

#include <Poco/Logger.h>

namespace hchat
{

ConnectionGate::ConnectionGate(int maxThreads, int perAddress, Counters counters, Refusal refusal,
                               const std::string& loggerName)
    : _maxThreads(maxThreads), _perAddress(perAddress), _counters(counters),
      _refusal(std::move(refusal)), _logger(Poco::Logger::get(loggerName))
{
}

void ConnectionGate::refuse(const Poco::Net::StreamSocket& socket, const std::string& why) const
{
    if (TlsSocketImpl::isTls(socket.impl()))
        return; // no plain text on a TLS port; the handshake would take a thread
    const std::string answer = _refusal(why);
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

bool ConnectionGate::accept(const Poco::Net::StreamSocket& socket)
{
    _counters.accepted.fetch_add(1, std::memory_order_relaxed);
    std::string address;
    try
    {
        address = socket.peerAddress().host().toString();
    }
    catch (const Poco::Exception&)
    {
        return false; // gone before we looked
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
        refuse(socket, "server busy: every connection thread is in use, try again");
        return false;
    }
    int& open = _open[address];
    if (_perAddress > 0 && open >= _perAddress)
    {
        _counters.perAddress.fetch_add(1, std::memory_order_relaxed);
        if (int refused = _perAddressLog.due())
            _logger.warning("%s has %d connections open (limits.connectionsPerAddress): refused "
                            "(%d refused since the last such line)",
                            address, open, refused);
        refuse(socket, "too many connections from your address");
        return false;
    }
    ++open;
    _holders[socket.impl()] = Holders{address, 1};
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

} // namespace hchat
