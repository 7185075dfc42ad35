#include "http/LogoutHandler.h"

#include "chat/Accounts.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>

namespace hchat
{

LogoutHandler::LogoutHandler(const HttpContext& context, const OriginPolicy& origins)
    : EndpointHandler(context), _origins(origins)
{
}

void LogoutHandler::handle(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    _context.accounts.endSession(cookies.get("hchat_session", ""));
    setCookie(request, response, "hchat_session", "", 0);
    if (wantsJson(request))
    {
        send(response, "{\"account\":null}", "application/json");
        return;
    }
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SEE_OTHER);
    response.set("Location", sameSitePath(request));
    send(response, "logged out\n", "text/plain; charset=utf-8");
}

} // namespace hchat
