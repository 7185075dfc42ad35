#include "http/RegisterHandler.h"

#include "chat/AccountActions.h"
#include "chat/Accounts.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

RegisterHandler::RegisterHandler(const HttpContext& context, const OriginPolicy& origins,
                                 int bodySeconds)
    : EndpointHandler(context), _origins(origins), _bodySeconds(bodySeconds)
{
}

void RegisterHandler::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    auto fields = readFields(request, _bodySeconds);
    const ChatActions::Outcome registered = _context.accountActions.registerAccount(
        _requester.actor(request), fields["name"], fields["password"]);
    require(registered);
    setCookie(request, response, "hchat_session", registered.secret,
              static_cast<int>(_context.accounts.sessionLength().totalSeconds()));
    Poco::JSON::Object body;
    body.set("account", registered.name);
    std::ostringstream out;
    body.stringify(out);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_CREATED);
    send(response, out.str(), "application/json");
}

} // namespace hchat
