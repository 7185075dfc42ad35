#pragma once

#include "http/EndpointHandler.h"
#include "http/HttpError.h"

namespace hchat
{

class RefusalHandler : public EndpointHandler
/// A request refused before any route: a head RequestCheck refuses (400,
/// 501, 505, then the connection closes), or one the route table has no
/// entry for.
///   404 no such path
///   405 the path exists for other methods; Allow lists them
{
public:
    RefusalHandler(const HttpContext& context, HttpError refusal);

    static HttpError noRoute(const std::string& allow);
    /// allow: empty for 404, else the methods for the Allow header of a 405.

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    HttpError _refusal;
};

} // namespace hchat
