#include "http/TokenHandler.h"

#include "chat/AccountActions.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

TokenHandler::TokenHandler(const HttpContext& context, const OriginPolicy& origins)
    : EndpointHandler(context), _origins(origins)
{
}

void TokenHandler::handle(Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    const ChatActions::Outcome issued =
        _context.accountActions.issueToken(_requester.actor(request));
    require(issued);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("account", issued.name);
    body.set("token", issued.secret);
    std::ostringstream out;
    body.stringify(out);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_CREATED);
    send(response, out.str(), "application/json");
}

} // namespace hchat
