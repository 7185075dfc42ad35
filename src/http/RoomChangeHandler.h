#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

#include <string>

namespace hchat
{

class RoomChangeHandler : public EndpointHandler
/// PATCH  /api/rooms/<id>   fields (form or JSON): subject, public, posting, slowMode
/// DELETE /api/rooms/<id>
///
/// What the owner of room <id> (its account, or the hchat_owner_<id>
/// cookie of its owner link) and the operator do to the room itself (SPEC
/// §11, RoomActions): change it, or delete it for everyone (its URLs answer
/// 410 from then on, every live connection in it is told, its messages are
/// gone from the store). A change is a moderation entry of the room's log.
///   subject   UTF-8, at most 200 bytes, no control characters (trimmed)
///   public    1/true/on/yes (listed) or 0/false/off/no (unlisted)
///   posting   everyone | accounts | moderators
///   slowMode  seconds between one person's messages, 0 (off) to 86400
/// Fields left out stay as they are.
///
///   200 application/json   PATCH: the room object (RoomView)
///   204 DELETE: deleted
///   400 a bad field value
///   403 not the owner, or sent by a page of another site (OriginPolicy)
///   404 no such room
///   410 deleted (already)
///   503 not stored (PATCH: nothing changed; DELETE: closed, logged)
{
public:
    RoomChangeHandler(const HttpContext& context, std::string roomId, const OriginPolicy& origins,
                      int bodySeconds);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
    const OriginPolicy& _origins;
    const int _bodySeconds;
};

} // namespace hchat
