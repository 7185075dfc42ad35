// libFuzzer target: the line protocol's reader, command parser and the text
// rule, on whatever bytes a TCP client sends.
#include "line/LineCommand.h"
#include "line/LineReader.h"
#include "util/TextRule.h"
#include "util/Utf8.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    hchat::LineReader reader(128);
    // Fed in two pieces, as the network may cut them.
    const std::size_t half = size / 2;
    reader.feed(reinterpret_cast<const char*>(data), half);
    std::string line;
    for (int round = 0; round < 2; ++round)
    {
        for (;;)
        {
            const hchat::LineReader::Result result = reader.next(line);
            if (result == hchat::LineReader::Result::NeedMore)
                break;
            if (result != hchat::LineReader::Result::Line)
                continue;
            if (line.size() > 128 || line.find('\n') != std::string::npos)
                std::abort(); // a line is never over the limit, nor two lines
            if (!hchat::Utf8::isValid(line))
                continue;
            const hchat::LineCommand command = hchat::LineCommand::parse(line);
            std::string text = command.text;
            hchat::TextRule::apply(text);
        }
        reader.feed(reinterpret_cast<const char*>(data) + half, size - half);
    }
    return 0;
}
