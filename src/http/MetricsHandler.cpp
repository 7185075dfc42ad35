#include "http/MetricsHandler.h"

#include "chat/ChatActions.h"
#include "chat/RoomRegistry.h"
#include "util/Metrics.h"

#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

MetricsHandler::MetricsHandler(const HttpContext& context) : EndpointHandler(context) {}

void MetricsHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
    send(response, _context.metrics.render(_context.rooms.size()) + _context.actions.metricsText(),
         "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace hchat
