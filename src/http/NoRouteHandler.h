#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class NoRouteHandler : public EndpointHandler
/// Any request the route table has no entry for.
///   404 no such path
///   405 the path exists for other methods; Allow lists them
{
public:
    NoRouteHandler(const HttpContext& context, std::string allow);
    /// allow: empty for 404, else the methods for the Allow header of a 405.

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _allow;
};

} // namespace hchat
