#include "http/RoomListHandler.h"

#include "chat/RoomRegistry.h"
#include "http/RoomView.h"

#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

RoomListHandler::RoomListHandler(const HttpContext& context) : EndpointHandler(context) {}

void RoomListHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
    Poco::JSON::Array list;
    for (auto& room : _context.rooms.publicRooms())
        list.add(RoomView::toJson(*room, _context.people, _context.rooms));
    std::ostringstream out;
    list.stringify(out);
    send(response, out.str(), "application/json");
}

} // namespace hchat
