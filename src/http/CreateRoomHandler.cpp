#include "http/CreateRoomHandler.h"

#include "app/Metrics.h"
#include "chat/RoomRegistry.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"
#include "util/Utf8.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

namespace
{
const std::size_t maxSubjectBytes = 200;
}

CreateRoomHandler::CreateRoomHandler(const ServerContext& context) : EndpointHandler(context) {}

void CreateRoomHandler::handle(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response)
{
    std::string subject, flag;
    RequestValues::query(request, "subject", subject);
    subject = Poco::trim(subject);
    if (!Utf8::isValid(subject))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the subject is not valid UTF-8");
    if (subject.size() > maxSubjectBytes)
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "the subject is too long (at most 200 bytes)");
    for (unsigned char c : subject)
        if (c < 0x20 || c == 0x7F)
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                            "the subject may not contain control characters");

    bool isPublic = false;
    if (RequestValues::query(request, "public", flag))
    {
        flag = Poco::toLower(Poco::trim(flag));
        if (flag == "1" || flag == "on" || flag == "true")
            isPublic = true;
        else if (!(flag.empty() || flag == "0" || flag == "off" || flag == "false"))
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                            "public must be 1 (listed) or 0 (unlisted)");
    }

    spendToken(request, "creating rooms too fast");

    std::shared_ptr<Room> room;
    try
    {
        room = _context.rooms.create(subject, isPublic);
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.http").error("cannot create a room: %s", e.displayText());
        throw HttpError(HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                        "the room could not be stored; try again");
    }
    _context.metrics.roomsCreated.fetch_add(1, std::memory_order_relaxed);
    Poco::Logger::get("hchatd.http")
        .information("room %s created (%s) by %s", room->id(),
                     std::string(isPublic ? "public" : "unlisted"),
                     request.clientAddress().host().toString());
    response.setStatusAndReason(HTTPResponse::HTTP_SEE_OTHER);
    response.set("Location", "/chat/" + room->id());
    send(response, "/chat/" + room->id() + "\n", "text/plain; charset=utf-8");
}

} // namespace hchat
