#pragma once

#include "http/EndpointHandler.h"

namespace hchat
{

class HealthHandler : public EndpointHandler
/// GET /healthz
///
/// Liveness for supervisors and load balancers: answers while the daemon
/// serves requests.
///   200 text/plain   "ok"
{
public:
    explicit HealthHandler(const HttpContext& context);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;
};

} // namespace hchat
