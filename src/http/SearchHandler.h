#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class SearchHandler : public EndpointHandler
/// GET /api/rooms/<id>/search?q=words&limit=k&before=n
///
/// The room's messages that have every word of q (the last one as a
/// prefix: "hel" finds "hello"), best first; letters compared without case
/// (and, in the SQLite store, without accents). Notices and deleted
/// messages are never found; an edited message is found by its last text.
///   q      the words, 1 to 256 bytes (FTS5 syntax in them is plain text)
///   limit  at most this many results (default 20, at most 100)
///   before only messages numbered below n (default: all)
///
///   200 application/json
///       {"results":[{"type":"message","id":7,…,"snippet":[{"text":"say "},
///                    {"text":"hello","match":true},{"text":" to…"}]}],
///        "searchedFrom":0}
///       each result is the message object with its words around what
///       matched, in parts; the matched ones carry "match":true.
///       searchedFrom: messages numbered below it were not searched (0:
///       every one was); the Redis store reads at most 10,000 messages a
///       search, so that older ones are found by asking again with
///       before=searchedFrom. The SQLite and memory stores answer 0.
///   400 q missing, empty or too long; limit or before not a number
///   404 no such room
///   410 the room was deleted
///   429 over the person's rate limit: each search spends a token like a
///       message (limits.messagesPerSecond), with Retry-After
{
public:
    SearchHandler(const HttpContext& context, std::string roomId);

    static std::string snippetJson(const std::string& marked);
    /// The parts of a snippet whose matches are between \x02 and \x03.

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _roomId;
};

} // namespace hchat
