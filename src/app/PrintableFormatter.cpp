#include "app/PrintableFormatter.h"

#include "util/TextRule.h"

namespace hchat
{

PrintableFormatter::PrintableFormatter(const std::string& pattern) : Poco::PatternFormatter(pattern)
{
}

void PrintableFormatter::format(const Poco::Message& message, std::string& text)
{
    std::string line;
    Poco::PatternFormatter::format(message, line);
    text += TextRule::printable(line);
}

} // namespace hchat
