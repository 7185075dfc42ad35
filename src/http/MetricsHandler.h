#pragma once

#include "http/EndpointHandler.h"

namespace hchat
{

class MetricsHandler : public EndpointHandler
/// GET /metrics
///
/// Prometheus text metrics: connections, requests, answers by class, long
/// polls waiting, messages, rooms, rate-limit refusals (see Metrics).
///   200 text/plain; version=0.0.4
{
public:
    explicit MetricsHandler(const HttpContext& context);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;
};

} // namespace hchat
