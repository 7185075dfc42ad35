#pragma once

#include <cstddef>
#include <string_view>

namespace hchat
{

class NextPoll
/// The request a long-poll client sends on its kept-alive connection after
/// an answer, read straight from the socket's bytes: the long poll then
/// serves it on the same thread without handing the connection back to
/// POCO (a request object, header map, route and handler per poll cost more
/// than the answer itself).
///
/// Only the plainest form is recognised: `GET /msg/<id>/<n> HTTP/1.1`, no
/// query or percent-escapes in the path, CRLF line ends, and none of the
/// headers that change how a request is read or answered (Connection,
/// Content-Length, Transfer-Encoding, Expect, Upgrade); exactly one Host, at
/// most one Accept and one Cookie header, no control character in a value. Anything else, and a
/// head not yet received whole, is refused and left to POCO, which answers it as before.
/// Thread-safe (no shared state).
{
public:
    std::size_t parse(const char* data, std::size_t size);
    /// Reads a request head from the start of data. Returns its length,
    /// blank line included, and fills the fields below; 0 when the bytes
    /// are not (yet) a whole plain long poll. The fields are views into
    /// data (nothing is copied per poll), valid as long as data is.

    std::string_view room;   ///< <id>, as sent
    std::string_view number; ///< <n>, as sent (RequestValues::parseNumber checks it)
    bool hasAccept = false;
    std::string_view accept; ///< its value, trimmed as POCO trims it
    bool hasCookie = false;
    std::string_view cookie;
};

} // namespace hchat
