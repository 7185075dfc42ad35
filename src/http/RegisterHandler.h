#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

namespace hchat
{

class RegisterHandler : public EndpointHandler
/// POST /api/accounts        form or JSON: name, password
///
/// Registers the name (SPEC §10): from then on it is the account's alone,
/// on every transport, whether its owner is online or not. The browser that
/// registered is logged in to it (the hchat_session cookie).
///   name      1 to 32 letters, digits, '_', '-' or '.'; not a guest name
///   password  8 to 1024 bytes
///
///   201 application/json   {"account":"alice"}
///   400 a bad name or password; a body that is no form or JSON object
///   403 sent by a page of another site (OriginPolicy); registration closed
///   409 the name is registered, or someone online has it
///   429 too many attempts from this address; Retry-After says when to retry
{
public:
    RegisterHandler(const HttpContext& context, const OriginPolicy& origins, int bodySeconds);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    const OriginPolicy& _origins;
    const int _bodySeconds;
};

} // namespace hchat
