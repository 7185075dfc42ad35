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

    static std::string make(const std::string& code, const std::string& message);
    /// {"type":"error","error":code,"message":message}
};

} // namespace hchat
