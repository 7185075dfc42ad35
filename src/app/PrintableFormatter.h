#pragma once

#include <Poco/PatternFormatter.h>

namespace hchat
{

class PrintableFormatter : public Poco::PatternFormatter
/// hchatd's log line format, with every control character a client could
/// have put into a logged value (a header, a path, an exception's text)
/// written as \xNN, so a log line is one line and never drives a terminal.
{
public:
    explicit PrintableFormatter(const std::string& pattern);

    void format(const Poco::Message& message, std::string& text) override;
};

} // namespace hchat
