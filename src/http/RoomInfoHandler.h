#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class RoomInfoHandler : public EndpointHandler
/// GET /api/rooms/<id>
///
/// One room (listed or not: the id is the secret) as a room object:
///   200 application/json   {"id":…,"subject":…,"name":null,"public":false,
///                           "created":…,"next":42,"online":["guest-a1b2c3"],"lastActivity":…}
///   404 no such room
///   410 the room was deleted
{
public:
    RoomInfoHandler(const HttpContext& context, std::string roomId);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
};

} // namespace hchat
