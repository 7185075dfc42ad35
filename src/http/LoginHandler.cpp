#include "http/LoginHandler.h"

#include "chat/AccountActions.h"
#include "chat/Accounts.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

LoginHandler::LoginHandler(const HttpContext& context, const OriginPolicy& origins, int bodySeconds)
    : EndpointHandler(context), _origins(origins), _bodySeconds(bodySeconds)
{
}

void LoginHandler::handle(Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    auto fields = readFields(request, _bodySeconds);
    const ChatActions::Outcome login = _context.accountActions.login(
        _requester.actor(request), fields["name"], fields["password"]);
    require(login);
    setCookie(request, response, "hchat_session", login.secret,
              static_cast<int>(_context.accounts.sessionLength().totalSeconds()));
    if (wantsJson(request))
    {
        Poco::JSON::Object body;
        body.set("account", login.name);
        std::ostringstream out;
        body.stringify(out);
        send(response, out.str(), "application/json");
        return;
    }
    const std::string back = sameSitePath(request);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SEE_OTHER);
    response.set("Location", back);
    send(response, "logged in as " + login.name + "\n", "text/plain; charset=utf-8");
}

} // namespace hchat
