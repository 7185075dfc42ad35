#include "http/RoomInfoHandler.h"

#include "chat/Room.h"
#include "http/RoomView.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

RoomInfoHandler::RoomInfoHandler(const HttpContext& context, std::string roomId)
    : EndpointHandler(context), _roomId(std::move(roomId))
{
}

void RoomInfoHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    std::ostringstream out;
    RoomView::toJson(*room, _context.people, _context.rooms)->stringify(out);
    send(response, out.str(), "application/json");
}

} // namespace hchat
