#pragma once

#include "http/EndpointHandler.h"

namespace hchat
{

class RoomListHandler : public EndpointHandler
/// GET /api/rooms?limit=k&after=<id>
///
/// The public rooms as a JSON array of room objects (see RoomView), a page
/// of at most k (default 100, at most 1000) in id order, from the first id
/// greater than `after`. When more follow, a `Link` header (rel="next")
/// gives the next page. Unlisted rooms never appear.
///
///   200 application/json   [{"id":…,"subject":…,"name":null,"public":true,…}, …]
///   400                    limit is not a number
{
public:
    explicit RoomListHandler(const HttpContext& context);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;
};

} // namespace hchat
