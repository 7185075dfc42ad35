#include "http/RoomListHandler.h"

#include "chat/RoomRegistry.h"
#include "http/RequestValues.h"
#include "http/RoomView.h"

#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>
#include <sstream>

namespace hchat
{

namespace
{
const std::uint64_t defaultLimit = 100;
const std::uint64_t maxLimit = 1000;
} // namespace

RoomListHandler::RoomListHandler(const HttpContext& context) : EndpointHandler(context) {}

void RoomListHandler::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response)
{
    const std::uint64_t limit = std::clamp<std::uint64_t>(
        RequestValues::queryNumber(request, "limit", defaultLimit), 1, maxLimit);
    std::string after;
    RequestValues::query(request, "after", after);
    const RoomRegistry::Listing page =
        _context.rooms.publicAfter(after, static_cast<std::size_t>(limit));
    Poco::JSON::Array list;
    for (const auto& room : page.rooms)
        list.add(RoomView::toJson(*room, _context.people, _context.rooms));
    if (page.more)
        response.set("Link", "</api/rooms?limit=" + std::to_string(limit) +
                                 "&after=" + page.rooms.back()->id() + ">; rel=\"next\"");
    std::ostringstream out;
    list.stringify(out);
    send(response, out.str(), "application/json");
}

} // namespace hchat
