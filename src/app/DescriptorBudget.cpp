#include "app/DescriptorBudget.h"

#include "app/Settings.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <sys/resource.h>

namespace hchat
{

void DescriptorBudget::fit(Settings& settings, Poco::Logger& log)
{
    const int line =
        settings.linePort > 0 || settings.lineTlsPort > 0 ? settings.lineMaxConnections : 0;
    const int irc =
        settings.ircPort > 0 || settings.ircTlsPort > 0 ? settings.ircMaxConnections : 0;
    const rlim_t needed = static_cast<rlim_t>(settings.httpMaxThreads) + line + irc + reserved;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
        rlimit raised = limit;
        raised.rlim_cur =
            limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed)
        return;
    // Shared in proportion; each side keeps at least a few.
    const long room = std::max<long>(static_cast<long>(limit.rlim_cur) - reserved, 12);
    const long total = settings.httpMaxThreads + line + irc;
    auto share = [&](int wanted) { return std::max(4, static_cast<int>(room * wanted / total)); };
    const int http = share(settings.httpMaxThreads);
    const int lines = line > 0 ? share(line) : settings.lineMaxConnections;
    const int ircs = irc > 0 ? share(irc) : settings.ircMaxConnections;
    log.warning("the descriptor limit (ulimit -n) is %lu, below the %lu that http.maxThreads = %d, "
                "line.maxConnections = %d and irc.maxConnections = %d need: using %d, %d and %d "
                "(raise LimitNOFILE or ulimit -n to keep them)",
                static_cast<unsigned long>(limit.rlim_cur), static_cast<unsigned long>(needed),
                settings.httpMaxThreads, settings.lineMaxConnections, settings.ircMaxConnections,
                http, lines, ircs);
    settings.httpMaxThreads = http;
    settings.lineMaxConnections = lines;
    settings.ircMaxConnections = ircs;
}

} // namespace hchat
