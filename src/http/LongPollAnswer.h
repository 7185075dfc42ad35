#pragma once

#include "model/Message.h"

#include <Poco/Net/HTTPResponse.h>

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
