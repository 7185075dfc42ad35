#pragma once

namespace Poco
{
class Logger;
}

namespace hchat
{

class Settings;

class DescriptorBudget
/// Makes the connection limits fit the process's descriptor limit
/// (RLIMIT_NOFILE): each HTTP thread, line and IRC connection holds one socket,
/// and a few more are the store's, the listeners' and the log's. The soft
/// limit is raised towards the hard one as far as needed; when even that is
/// too low, http.maxThreads, line.maxConnections and irc.maxConnections are lowered to fit, and
/// the log says so. Without this, clients at the limit hang unanswered.
{
public:
    static const int reserved = 64;

    static void fit(Settings& settings, Poco::Logger& log);
};

} // namespace hchat
