#pragma once

#include <cstdint>
#include <string>

namespace hchat
{

class StreamError
/// The JSON error objects streams send (SPEC §6: "type":"error").
{
public:
    static std::string gone(std::uint64_t from, std::uint64_t next);
    /// Messages from..next-1 were deleted by retention; the stream goes on at next.
    static std::string historyReset(std::uint64_t from, std::uint64_t next);
    /// error "history-reset": the shared store lost the room's history
    /// (Cursor::Slice::reset); messages from..next-1, if any, are gone with
    /// it, and the stream goes on at next with the same numbering.

    static std::string make(const std::string& code, const std::string& message);
    /// {"type":"error","error":code,"message":message}
};

} // namespace hchat
