#pragma once

#include "http/EndpointHandler.h"
#include "http/OriginPolicy.h"

#include <string>

namespace hchat
{

class SendHandler : public EndpointHandler
/// POST /send/<id>[?nick=name]
///
/// Appends a message to room <id>. The body is either
///   - a form (application/x-www-form-urlencoded or multipart/form-data) with
///     the field `text` and optionally `nick`, or
///   - anything else (text/plain, or curl -d without a `text=` field): the
///     whole body is the text, exactly as sent.
/// The author is the nick (form field, else the query parameter), or
/// guest-xxxxxx from the hchat_client cookie, or "anonymous" without one.
///
///   200 text/plain   body: the new message's number
///   400 empty text (or only white space), invalid UTF-8, a bad nick
///   403 sent by a page of another site (OriginPolicy)
///   404 no such room
///   410 the room was deleted
///   408 the body did not all come within http.requestTimeout
///   413 text over chat.maxMessageBytes, or a body too large to hold it
///   429 over limits.messagesPerSecond/limits.burst; Retry-After says when to retry
///   503 the message could not be stored, or the daemon is shutting down:
///       nothing was appended, send again
///
/// A 200 means the message is in the log (and in the store) with that
/// number; nothing else is ever appended.
{
public:
    SendHandler(const HttpContext& context, std::string roomId, const OriginPolicy& origins,
                int bodySeconds);
    /// bodySeconds: http.requestTimeout, for the whole body.

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
    const OriginPolicy& _origins;
    const int _bodySeconds;
};

} // namespace hchat
