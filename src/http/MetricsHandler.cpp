#include "http/MetricsHandler.h"

#include "app/Metrics.h"
#include "chat/RoomRegistry.h"

#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

MetricsHandler::MetricsHandler(const ServerContext& context) : EndpointHandler(context) {}

void MetricsHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
    send(response, _context.metrics.render(_context.rooms.size()),
         "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace hchat
