#include "util/TextRule.h"

#include "util/Utf8.h"

#include <cstdio>

namespace hchat
{

TextRule::Verdict TextRule::apply(std::string& text)
{
    if (!Utf8::isValid(text))
        return Verdict::BadUtf8;
    bool hasCr = false;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\r')
            hasCr = true;
        else if (isControl(c) && c != '\t' && c != '\n')
            return Verdict::Control;
        // C1 (U+0080 to U+009F) is 0xC2 0x80 to 0xC2 0x9F in UTF-8.
        else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0)
            return Verdict::Control;
    }
    if (!hasCr)
        return Verdict::Fine;
    std::string lines;
    lines.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] != '\r')
            lines += text[i];
        else if (i + 1 == text.size() || text[i + 1] != '\n')
            lines += '\n';
    }
    text.swap(lines);
    return Verdict::Fine;
}

std::string TextRule::printable(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                        static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(text[i + 1]) < 0xA0;
        if ((isControl(c) && c != '\t') || c1)
        {
            char escaped[9];
            if (c1)
                std::snprintf(escaped, sizeof escaped, "\\xC2\\x%02X",
                              static_cast<unsigned char>(text[++i]));
            else
                std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
            out += escaped;
        }
        else
            out += static_cast<char>(c);
    }
    return out;
}

} // namespace hchat
