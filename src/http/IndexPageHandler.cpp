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

std::string IndexPageHandler::origin(const Poco::Net::HTTPServerRequest& request)
{
    // The Host the browser used (escaped by the page's template), so the
    // footer's curl lines work as they are.
    const std::string host = request.getHost().empty() ? "localhost" : request.getHost();
    return (overTls(request) ? "https://" : "http://") + host;
}

void IndexPageHandler::handle(Poco::Net::HTTPServerRequest& request,
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
        // The start of its id tells rooms of the same subject apart.
        items += "<span class=\"room-subject\">" +
                 Html::escape(subject.empty() ? "Untitled room" : subject) +
                 " <span class=\"room-id\" title=\"The start of the room's id\">" +
                 room.id().substr(0, 6) + "</span></span>";
        const std::string last = Message::formatTime(room.lastActivity());
        items += "<span class=\"room-meta\"><span class=\"online\">" + std::to_string(online) +
                 " online</span> · <time class=\"activity\" datetime=\"" + last +
                 "\" title=\"Last activity " + last + "\">" + ago(room.lastActivity(), now) +
                 "</time></span></a></li>\n";
    }
    if (items.empty())
        items = "<li class=\"empty\">No public rooms yet. Create the first one.</li>\n";
    sendPage(response,
             _context.pages.render("index.html", {{"rooms", items},
                                                  {"roomCount", std::to_string(listing.total)},
                                                  {"origin", origin(request)}}));
}

} // namespace hchat
