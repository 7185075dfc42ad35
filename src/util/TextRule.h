#pragma once

#include <string>

namespace hchat
{

class TextRule
/// The one rule for the text of a message, on every transport: valid UTF-8,
/// CRLF and a lone CR stored as LF, no other control character (C0, DEL,
/// C1) than tab and newline. Whatever passes is stored and read back byte
/// for byte from every store. Thread-safe (no state).
{
public:
    enum class Verdict
    {
        Fine,
        BadUtf8,
        Control ///< NUL, ESC and the like
    };

    static Verdict apply(std::string& text);
    /// Checks the text and turns its line ends into LF; the text is only
    /// changed when the verdict is Fine.

    static bool isControl(unsigned char c) { return c < 0x20 || c == 0x7F; }
    /// A C0 control byte or DEL (C1 is two bytes in UTF-8: apply() checks it).

    static std::string printable(const std::string& text);
    /// The text with every control character but tab written as \xNN
    /// bytes (for log lines and terminals).
};

} // namespace hchat
