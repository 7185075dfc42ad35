#include "http/TrackedConnectionFactory.h"

#include "http/TrackedConnection.h"

namespace hchat
{

TrackedConnectionFactory::TrackedConnectionFactory(
    Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
    Poco::AutoPtr<ConnectionGate> gate, Metrics& metrics)
    : _params(std::move(params)), _handlers(std::move(handlers)), _gate(std::move(gate)),
      _metrics(metrics)
{
}

Poco::Net::TCPServerConnection*
TrackedConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new TrackedConnection(socket, _params, _handlers, _gate, _metrics);
}

} // namespace hchat
