#include "http/CreateRoomHandler.h"

#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace hchat
{

using Poco::Net::HTTPResponse;

CreateRoomHandler::CreateRoomHandler(const HttpContext& context, const OriginPolicy& origins)
    : EndpointHandler(context), _origins(origins)
{
}

void CreateRoomHandler::handle(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    std::string subject, flag;
    RequestValues::query(request, "subject", subject);
    subject = Poco::trim(subject);
    bool isPublic = false;
    if (RequestValues::query(request, "public", flag) && !Poco::trim(flag).empty() &&
        !RequestValues::parseFlag(flag, isPublic))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "public must be 1, on, true or yes (listed), or 0, off, false or no "
                        "(unlisted)");
    const ChatActions::Outcome created =
        _context.actions.createRoom(_requester.actor(request), subject, isPublic);
    require(created);
    const std::string location = "/chat/" + created.room->id();
    response.setStatusAndReason(HTTPResponse::HTTP_SEE_OTHER);
    response.set("Location", location);
    if (!created.secret.empty())
    {
        // A guest's ownership: this browser keeps it; the header gives the
        // link to a script, and the page shows it once.
        response.set("X-Chat-Owner", created.secret);
        setCookie(request, response, Requester::ownerCookie(created.room->id()), created.secret,
                  365 * 86400);
    }
    send(response, location + "\n", "text/plain; charset=utf-8");
}

} // namespace hchat
