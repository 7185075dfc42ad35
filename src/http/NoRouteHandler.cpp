#include "http/NoRouteHandler.h"

#include "http/HttpError.h"

namespace hchat
{

NoRouteHandler::NoRouteHandler(const HttpContext& context, std::string allow)
    : EndpointHandler(context), _allow(std::move(allow))
{
}

void NoRouteHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)
{
    if (_allow.empty())
        throw HttpError(Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "not found");
    throw HttpError(Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                    "method not allowed (use " + _allow + ")")
        .withHeader("Allow", _allow);
}

} // namespace hchat
