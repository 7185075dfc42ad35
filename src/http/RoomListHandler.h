#pragma once

#include "http/EndpointHandler.h"

namespace hchat
{

class RoomListHandler : public EndpointHandler
/// GET /api/rooms
///
/// The public rooms, most recently active first, as a JSON array of room
/// objects (see RoomView). Unlisted rooms never appear.
///
///   200 application/json   [{"id":…,"subject":…,"name":null,"public":true,…}, …]
{
public:
    explicit RoomListHandler(const HttpContext& context);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;
};

} // namespace hchat
