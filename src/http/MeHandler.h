#pragma once

#include "http/EndpointHandler.h"

namespace hchat
{

class MeHandler : public EndpointHandler
/// GET /api/me
///
/// Who the request is (SPEC §10): the account it is logged in to (session
/// cookie or bearer token) and the name it goes by.
///   200 application/json   {"account":"alice","name":"alice"}, or
///                          {"account":null,"name":"guest-3f9c0e"} for a guest
///   401 an Authorization header with an unknown token
{
public:
    explicit MeHandler(const HttpContext& context);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;
};

} // namespace hchat
