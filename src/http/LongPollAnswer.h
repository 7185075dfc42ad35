#pragma once

#include "chat/Room.h"
#include "http/HttpError.h"
#include "model/Message.h"

#include <Poco/Net/HTTPResponse.h>

#include <cstdint>
#include <optional>
#include <string>

namespace hchat
{

class LongPollAnswer
/// The wire form of a long poll's 200 (GET /msg/<id>/<n>): the status line
/// and the headers POCO would write for this connection's response, built
/// once, then per message the Date, X-Chat-* headers and the body (the text,
/// or the JSON object when the request asked for it). Immutable after
/// construction, so any thread may format with it.
{
public:
    LongPollAnswer(bool json, bool head, const Poco::Net::HTTPResponse& response);
    /// json: the request asked for the JSON object; head: it was a HEAD (no
    /// body); response: as POCO would send it (its version and headers, but
    /// for the Date).

    bool json() const { return _json; }

    void format(const Message& message, std::string& out) const;
    /// Appends the whole answer for the message.

    static std::optional<HttpError> refusal(Room::Lookup found, const Room& room, std::uint64_t n);
    /// The error that answers a poll for n whose lookup found no message:
    /// 410 (dropped by retention, or the room deleted), 503 (the daemon
    /// stops); none when it was found or is not there yet.

    void formatStatus(Poco::Net::HTTPResponse::HTTPStatus status, const std::string& text,
                      bool close, std::string& out) const;
    /// Appends a whole answer that is no message, with the same headers:
    /// 204 (text empty), or an error whose body is text (text/plain). With
    /// close, it says "Connection: close" instead of what the request asked.

private:
    bool _json = false;
    bool _head = false;
    std::string _fields;
};

} // namespace hchat
