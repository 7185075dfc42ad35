// libFuzzer target: UTF-8 validation and the text rule. What the rule
// accepts is valid UTF-8 without control characters but tab and newline,
// and accepting it again changes nothing.
#include "util/TextRule.h"
#include "util/Utf8.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const char* text = reinterpret_cast<const char*>(data);
    const std::size_t prefix = hchat::Utf8::validPrefix(text, size);
    if (prefix > size || !hchat::Utf8::isValid(text, prefix))
        std::abort();
    if (hchat::Utf8::isValid(text, size) != (prefix == size))
        std::abort();
    std::string message(text, size);
    const std::string before = message;
    if (hchat::TextRule::apply(message) != hchat::TextRule::Verdict::Fine)
    {
        if (message != before)
            std::abort(); // refused text is left as it was
        return 0;
    }
    for (unsigned char c : message)
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
            std::abort();
    std::string again = message;
    if (hchat::TextRule::apply(again) != hchat::TextRule::Verdict::Fine || again != message)
        std::abort();
    hchat::TextRule::printable(before);
    return 0;
}
