#pragma once

#include "http/Router.h"
#include "http/ServerContext.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace hchat
{

class StreamPool;

class RequestDispatcher : public Poco::Net::HTTPRequestHandlerFactory
/// The one route table of the HTTP interface (SPEC §4): one line per route,
/// with the request line each handler documents. Anything else gets a
/// NoRouteHandler (404, or 405 with Allow), never a null handler.
/// Thread-safe: the table is built in the constructor and only read after.
{
public:
    RequestDispatcher(const ServerContext& context, StreamPool& streams);
    /// streams: where WebSocket and SSE streams go after their handshake.

    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

    void stopConnections();
    /// Tells every open connection to finish its current request and close.

private:
    const ServerContext& _context;
    Router _router;
};

} // namespace hchat
