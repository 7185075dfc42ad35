#include "http/IndexPageHandler.h"

#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "http/PageRenderer.h"
#include "util/Html.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

namespace
{
// The index shows the most active rooms; the rest are in GET /api/rooms.
const std::size_t roomsShown = 200;
} // namespace

IndexPageHandler::IndexPageHandler(const HttpContext& context) : EndpointHandler(context) {}

std::string IndexPageHandler::ago(const Poco::Timestamp& then, const Poco::Timestamp& now)
{
    long long seconds = (now - then) / 1000000;
    if (seconds < 60)
        return "just now";
    if (seconds < 3600)
        return std::to_string(seconds / 60) + " min ago";
    if (seconds < 86400)
        return std::to_string(seconds / 3600) + " h ago";
    long long days = seconds / 86400;
    return std::to_string(days) + (days == 1 ? " day ago" : " days ago");
}

void IndexPageHandler::handle(Poco::Net::HTTPServerRequest&,
                              Poco::Net::HTTPServerResponse& response)
{
    const Poco::Timestamp now;
    const RoomRegistry::Listing listing = _context.rooms.mostActive(roomsShown);
    std::string items;
    for (const auto& shown : listing.rooms)
    {
        Room& room = *shown;
        const std::string& subject = room.record().subject;
        std::size_t online = _context.people.countOnline(room.id());
        items += "<li class=\"room\"><a href=\"/chat/" + room.id() + "\">";
        items += "<span class=\"room-subject\">" +
                 Html::escape(subject.empty() ? "Untitled room" : subject) + "</span>";
        items += "<span class=\"room-meta\"><span class=\"online\">" + std::to_string(online) +
                 " online</span> · <span class=\"activity\">" + ago(room.lastActivity(), now) +
                 "</span></span></a></li>\n";
    }
    if (items.empty())
        items = "<li class=\"empty\">No public rooms yet. Create the first one.</li>\n";
    sendPage(response,
             _context.pages.render(
                 "index.html", {{"rooms", items}, {"roomCount", std::to_string(listing.total)}}));
}

} // namespace hchat
