#include "http/TrackedConnection.h"

#include "util/Metrics.h"

#include <Poco/Logger.h>

namespace hchat
{

TrackedConnection::TrackedConnection(const Poco::Net::StreamSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params,
                                     Poco::SharedPtr<RequestDispatcher> dispatcher,
                                     Poco::AutoPtr<ConnectionGate> gate, Metrics& metrics)
    : HTTPServerConnection(socket, params, dispatcher), _gate(std::move(gate)), _metrics(metrics)
{
    _metrics.httpConnections.fetch_add(1, std::memory_order_relaxed);
    try
    {
        this->socket().setNoDelay(true);
        // POCO tells the connections it knows of when the server stops; one
        // made since (its socket was queued) would serve keep-alive on and
        // hold up the stop. The base has subscribed by now, so it misses the
        // stop only if the flag is set already.
        if (dispatcher->stopped())
            this->socket().shutdown();
    }
    catch (const Poco::Exception&)
    {
        // The peer is gone already; run() will find out.
    }
}

void TrackedConnection::run()
{
    try
    {
        HTTPServerConnection::run();
    }
    catch (const Poco::SyntaxException& e)
    {
        // POCO could not read the head (a Content-Length such as "5, 5"):
        // thrown while it builds the request, whose session has closed the
        // socket by now, so the client sees the connection close unanswered.
        _metrics.httpClientErrors.fetch_add(1, std::memory_order_relaxed);
        Poco::Logger::get("hchatd.http").debug("unreadable request head: %s", e.displayText());
    }
}

TrackedConnection::~TrackedConnection()
{
    _metrics.httpConnections.fetch_sub(1, std::memory_order_relaxed);
    _gate->dropHolder(socket());
}

} // namespace hchat
