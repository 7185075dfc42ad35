#pragma once

#include <string>

namespace hchat
{

class TextFrame
/// The WebSocket codec for what the server sends (RFC 6455 §5.2): one
/// unmasked, unfragmented text frame. Written by hand rather than through
/// POCO's WebSocket so a frame can be appended to a buffer that goes out
/// with others in one send(), from any thread (Outbox).
{
public:
    static void append(std::string& out, const std::string& payload);
    /// Appends the frame carrying payload (UTF-8) to out.
};

} // namespace hchat
