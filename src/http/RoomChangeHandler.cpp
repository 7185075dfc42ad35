#include "http/RoomChangeHandler.h"

#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"
#include "http/RoomView.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <sstream>

namespace hchat
{

using Poco::Net::HTTPResponse;

RoomChangeHandler::RoomChangeHandler(const HttpContext& context, std::string roomId,
                                     const OriginPolicy& origins, int bodySeconds)
    : EndpointHandler(context), _roomId(std::move(roomId)), _origins(origins),
      _bodySeconds(bodySeconds)
{
}

void RoomChangeHandler::handle(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    auto room = findRoom(_roomId);
    const ChatActions::Actor who = _requester.actorIn(request, _roomId);
    if (request.getMethod() == "DELETE")
    {
        require(_context.roomActions.deleteRoom(who, *room));
        response.setStatusAndReason(HTTPResponse::HTTP_NO_CONTENT);
        response.setContentLength(0);
        response.send();
        return;
    }

    const auto fields = readFields(request, _bodySeconds);
    RoomActions::Settings settings;
    for (const auto& field : fields)
    {
        if (field.first == "subject")
            settings.subject = Poco::trim(field.second);
        else if (field.first == "public")
        {
            bool isPublic = false;
            if (!RequestValues::parseFlag(field.second, isPublic))
                throw HttpError(
                    HTTPResponse::HTTP_BAD_REQUEST,
                    "public must be 1, true, on or yes (listed), or 0, false, off or no");
            settings.isPublic = isPublic;
        }
        else if (field.first == "posting")
        {
            RoomRecord::Posting posting;
            if (!RoomRecord::parsePosting(Poco::trim(field.second), posting))
                throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                                "posting must be everyone, accounts or moderators");
            settings.posting = posting;
        }
        else if (field.first == "slowMode")
        {
            std::uint64_t seconds = 0;
            if (!RequestValues::parseNumber(Poco::trim(field.second), seconds) || seconds > 86400)
                throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                                "slowMode must be 0 (off) to 86400 seconds");
            settings.slowMode = static_cast<int>(seconds);
        }
        else
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                            "unknown field " + field.first +
                                " (subject, public, posting and slowMode can be changed)");
    }
    const std::string author = _context.people.nameOf(who.key, who.defaultName());
    require(_context.roomActions.change(who, room, settings, author));
    std::ostringstream out;
    RoomView::toJson(*room, _context.people, _context.rooms)->stringify(out);
    send(response, out.str(), "application/json");
}

} // namespace hchat
