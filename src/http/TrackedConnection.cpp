#include "http/TrackedConnection.h"

#include "util/Metrics.h"

namespace hchat
{

TrackedConnection::TrackedConnection(const Poco::Net::StreamSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params,
                                     Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                                     Poco::AutoPtr<ConnectionGate> gate, Metrics& metrics)
    : HTTPServerConnection(socket, params, factory), _gate(std::move(gate)), _metrics(metrics)
{
    _metrics.httpConnections.fetch_add(1, std::memory_order_relaxed);
    try
    {
        this->socket().setNoDelay(true);
    }
    catch (const Poco::Exception&)
    {
        // The peer is gone already; run() will find out.
    }
}

TrackedConnection::~TrackedConnection()
{
    _metrics.httpConnections.fetch_sub(1, std::memory_order_relaxed);
    _gate->dropHolder(socket());
}

} // namespace hchat
