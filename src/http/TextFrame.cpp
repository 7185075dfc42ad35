#include "http/TextFrame.h"

#include <cstdint>

namespace hchat
{

void TextFrame::append(std::string& out, const std::string& payload)
{
    const std::uint64_t size = payload.size();
    out.push_back(static_cast<char>(0x81)); // FIN, opcode 1 (text)
    // The length in 7 bits, or 126 and 16 bits, or 127 and 64 bits (big-endian).
    if (size < 126)
        out.push_back(static_cast<char>(size));
    else
    {
        const int bytes = size <= 0xFFFF ? 2 : 8;
        out.push_back(static_cast<char>(bytes == 2 ? 126 : 127));
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
    out.append(payload);
}

} // namespace hchat
