#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

#include <string>

namespace hchat
{

class MessageChangeHandler : public EndpointHandler
/// PATCH  /api/rooms/<id>/messages/<n>   body: text (form, JSON {"text":…}, or text/plain)
/// DELETE /api/rooms/<id>/messages/<n>
///
/// Edits or deletes message n of room <id> (SPEC §11, RoomActions): its
/// author edits it within chat.editWindow and may delete it; the room's
/// owner (account, or the hchat_owner_<id> cookie of its owner link) and
/// the operator delete anyone's. The change is a log entry (kind edit or
/// delete, "target": n) that every transport delivers in order; message n
/// then reads as edited, or as kind deleted without text.
///
///   200 application/json   the edit or delete entry
///   400 n is not a number; a bad text (empty, invalid UTF-8, control characters)
///   403 not the author (edit), not allowed (delete), the edit window
///       passed, or sent by a page of another site (OriginPolicy)
///   404 no such room, or no message n that can be changed (a notice, one deleted)
///   410 the room was deleted
///   413 the text is over chat.maxMessageBytes
///   429 over the rate limit (edits and deletions spend tokens like messages)
///   503 not stored; nothing changed
{
public:
    MessageChangeHandler(const HttpContext& context, std::string roomId, std::string number,
                         const OriginPolicy& origins, int bodySeconds);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
    std::string _number;
    const OriginPolicy& _origins;
    const int _bodySeconds;
};

} // namespace hchat
