#pragma once

#include "chat/Cursor.h"

#include <string>

namespace hchat
{

class SseCodec
/// Server-Sent Events (the HTML standard's text/event-stream) in the HTTP
/// chunked encoding: every call appends one whole chunk, so what it appends
/// can go out at once, alone or after other chunks, from any thread.
/// Thread-safe (no state).
{
public:
    static void entries(const Cursor::Slice& slice, std::string& out);
    /// One event per entry: "id: n", "event: <kind>", "data: <JSON>"; an
    /// error event "gone" first when retention skipped some.
    static void event(const char* name, const std::string& data, std::string& out);
    /// An event without an id (presence, private, error).
    static void chunk(const std::string& text, std::string& out);
    /// Raw stream text (a comment, the retry field) as a chunk; nothing
    /// for empty text, as an empty chunk would end the body.
    static const char* end() { return "0\r\n\r\n"; }
    /// The last chunk.
};

} // namespace hchat
