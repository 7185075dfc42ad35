#include "http/RefusalHandler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

RefusalHandler::RefusalHandler(const HttpContext& context, HttpError refusal)
    : EndpointHandler(context), _refusal(std::move(refusal))
{
}

HttpError RefusalHandler::noRoute(const std::string& allow)
{
    if (allow.empty())
        return HttpError(HTTPResponse::HTTP_NOT_FOUND, "not found");
    return HttpError(HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                     "method not allowed (use " + allow + ")")
        .withHeader("Allow", allow);
}

void RefusalHandler::handle(Poco::Net::HTTPServerRequest& request,
                            Poco::Net::HTTPServerResponse& response)
{
    const HTTPResponse::HTTPStatus status = _refusal.status();
    if (status != HTTPResponse::HTTP_NOT_FOUND && status != HTTPResponse::HTTP_METHOD_NOT_ALLOWED)
    {
        // A head read wrongly leaves the rest of the connection unreadable.
        response.setKeepAlive(false);
        if (request.getVersion() != HTTPResponse::HTTP_1_0)
            response.setVersion(HTTPResponse::HTTP_1_1);
    }
    throw _refusal;
}

} // namespace hchat
