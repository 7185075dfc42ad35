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
/// A client that may send again after a lost answer names the message
/// with an `Idempotency-Key` header (1 to 64 of A-Z a-z 0-9 - _ . :, new
/// for each message): sent again by the same person with the same key
/// while the message is among the room's last chat.historyLimit, it is
/// answered with that message's number and `Idempotent-Replayed: true`,
/// and nothing is appended (ChatActions::send).
///
///   200 text/plain   body: the new message's number
///   400 empty text (or only white space), invalid UTF-8, a bad nick, a bad
///       Idempotency-Key or more than one
///   403 sent by a page of another site (OriginPolicy)
///   404 no such room
///   410 the room was deleted
///   408 the body did not all come within http.requestTimeout
///   413 text over chat.maxMessageBytes, or a body too large to hold it
///   422 the Idempotency-Key was sent before with another text
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
