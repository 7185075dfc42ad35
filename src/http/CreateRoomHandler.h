#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

namespace hchat
{

class CreateRoomHandler : public EndpointHandler
/// GET /chat_create?subject=S&public=1
///
/// Creates a room and sends the browser to it.
///   subject  UTF-8, trimmed, at most 200 bytes, no control characters; may be empty
///   public   absent, "0", "off", "false" or "no": unlisted (found only by its URL);
///            "1", "on", "true" or "yes": listed on the index page and in /api/rooms
///
///   303 Location: /chat/<id>   the new room (id: 128 random bits, 32 hex characters)
///       X-Chat-Owner: <secret>  created by a guest: the owner link is
///       /chat/<id>?owner=<secret> (SPEC §11), and this browser gets the
///       secret in the cookie hchat_owner_<id>; an account owns its rooms by name
///   400 bad subject or public value
///   403 asked by a page of another site (an <img>, a link; OriginPolicy)
///   429 creating rooms too fast (the person's limit, and its address's); Retry-After says when
///   503 the room could not be stored (a failing disk); nothing was created, try again
{
public:
    CreateRoomHandler(const HttpContext& context, const OriginPolicy& origins);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    const OriginPolicy& _origins;
};

} // namespace hchat
