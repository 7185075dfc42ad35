#pragma once

#include <string>
#include <vector>

namespace hchat
{

class LogFiles
/// The log files the logging.* configuration opened, for logrotate: after
/// it renamed them, reopen() closes each, and the next line written opens a
/// new file under the configured name.
{
public:
    static std::vector<std::string> reopen(const std::vector<std::string>& channelNames);
    /// Closes every FileChannel reached from the named channels (registered
    /// by POCO's LoggingConfigurator) and from each logger's own channel,
    /// looking through formatting and asynchronous wrappers; returns their
    /// paths. Safe while other threads log: the channel locks itself.
};

} // namespace hchat
