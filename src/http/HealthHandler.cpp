#include "http/HealthHandler.h"

#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

HealthHandler::HealthHandler(const HttpContext& context) : EndpointHandler(context) {}

void HealthHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
    send(response, "ok\n", "text/plain; charset=utf-8");
}

} // namespace hchat
