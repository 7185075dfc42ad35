#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

namespace hchat
{

class LoginHandler : public EndpointHandler
/// POST /login               form or JSON: name, password
///
/// Logs the browser in (SPEC §10): a new session, the hchat_session cookie
/// (HttpOnly, SameSite=Lax, Secure under TLS), kept accounts.sessionDays.
///
///   303 Location: the page it came from (the path of a Referer on this
///       server), else /
///   200 application/json   {"account":"alice"} (with Accept: application/json)
///   400 a body that is no form or JSON object
///   401 wrong name or password: the same answer for a name nobody registered
///   403 sent by a page of another site (OriginPolicy)
///   429 too many attempts from this address or for this name; Retry-After
{
public:
    LoginHandler(const HttpContext& context, const OriginPolicy& origins, int bodySeconds);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    const OriginPolicy& _origins;
    const int _bodySeconds;
};

} // namespace hchat
