#include "http/TrackedConnectionFactory.h"

#include "http/TrackedConnection.h"

namespace hchat
{

TrackedConnectionFactory::TrackedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                                                   Poco::SharedPtr<RequestDispatcher> dispatcher,
                                                   Poco::AutoPtr<ConnectionGate> gate,
                                                   Metrics& metrics)
    : _params(std::move(params)), _dispatcher(std::move(dispatcher)), _gate(std::move(gate)),
      _metrics(metrics)
{
}

Poco::Net::TCPServerConnection*
TrackedConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new TrackedConnection(socket, _params, _dispatcher, _gate, _metrics);
}

} // namespace hchat
