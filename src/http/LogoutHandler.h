#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

namespace hchat
{

class LogoutHandler : public EndpointHandler
/// POST /logout
///
/// Ends the session of the hchat_session cookie (it is deleted from the
/// store too) and deletes the cookie. Harmless without one.
///   303 Location: the page it came from (the path of a Referer on this server), else /
///   200 application/json   {"account":null} (with Accept: application/json)
///   403 sent by a page of another site (OriginPolicy)
{
public:
    LogoutHandler(const HttpContext& context, const OriginPolicy& origins);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    const OriginPolicy& _origins;
};

} // namespace hchat
