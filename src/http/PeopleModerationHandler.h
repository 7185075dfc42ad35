#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

#include <string>

namespace hchat
{

class Room;

class PeopleModerationHandler : public EndpointHandler
/// What a room's moderators do to people (SPEC §11, RoomActions):
///
/// POST   /api/rooms/<id>/kick               field name: their live connections
///                                           in the room end, with an entry that says so
/// GET    /api/rooms/<id>/bans               the bans in force, for moderators:
///                                           {"bans":[{"name":…,"until":time or null}]}
/// PUT    /api/rooms/<id>/bans/<name>        field seconds (absent or 0: for good):
///                                           kept out of the room, and kicked
/// DELETE /api/rooms/<id>/bans/<name>        the ban lifted
/// PUT    /api/rooms/<id>/moderators/<name>  the account named a moderator (owner only)
/// DELETE /api/rooms/<id>/moderators/<name>  no longer one
///
/// Fields as a form or JSON (a PUT may have no body). Each change is a moderation entry of the
/// room's log. Moderators act on people they outrank (Permissions).
///
///   200 application/json
///   {"room":id,"done":"kick"|"ban"|"unban"|"moderator"|"unmoderator","name":…} 400 a missing or
///   bad name or seconds 403 not allowed, or sent by a page of another site (OriginPolicy) 404 no
///   such room; nobody of that name in the room (kick), no such ban,
///       no such account (moderators)
///   410 the room was deleted
///   503 not stored; nothing changed
{
public:
    enum class Action
    {
        Kick,
        Ban,
        Moderator
    };

    PeopleModerationHandler(const HttpContext& context, Action action, std::string roomId,
                            std::string name, const OriginPolicy& origins, int bodySeconds);
    /// name: from the path (bans, moderators); "" for a kick (a field).

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    void listBans(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                  Room& room);

    const Action _action;
    std::string _roomId;
    std::string _name;
    const OriginPolicy& _origins;
    const int _bodySeconds;
};

} // namespace hchat
