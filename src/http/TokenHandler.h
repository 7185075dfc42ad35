#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

namespace hchat
{

class TokenHandler : public EndpointHandler
/// POST /api/tokens
///
/// A new token for a bot of the logged-in account (SPEC §10). The secret is
/// in this answer only (the daemon keeps its digest); the bot sends it as
/// "Authorization: Bearer <token>" on /send, /events, /ws and /api/..., and
/// acts as the account, under its name.
///   201 application/json   {"account":"alice","token":"<32 hex>"}
///   401 not logged in
///   403 sent by a page of another site (OriginPolicy)
{
public:
    TokenHandler(const HttpContext& context, const OriginPolicy& origins);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    const OriginPolicy& _origins;
};

} // namespace hchat
