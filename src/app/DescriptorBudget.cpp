#include "app/DescriptorBudget.h"

#include "app/Settings.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <sys/resource.h>

namespace hchat
{

void DescriptorBudget::fit(Settings& settings, Poco::Logger& log)
{
    const int line = settings.linePort > 0 ? settings.lineMaxConnections : 0;
    const rlim_t needed = static_cast<rlim_t>(settings.httpMaxThreads) + line + reserved;
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
    const long room = std::max<long>(static_cast<long>(limit.rlim_cur) - reserved, 8);
    const long total = settings.httpMaxThreads + line;
    const int http = std::max(4, static_cast<int>(room * settings.httpMaxThreads / total));
    const int lines =
        line > 0 ? std::max(4, static_cast<int>(room - http)) : settings.lineMaxConnections;
    log.warning("the descriptor limit (ulimit -n) is %lu, below the %lu that http.maxThreads = %d "
                "and line.maxConnections = %d need: using %d and %d (raise LimitNOFILE or ulimit "
                "-n to keep them)",
                static_cast<unsigned long>(limit.rlim_cur), static_cast<unsigned long>(needed),
                settings.httpMaxThreads, settings.lineMaxConnections, http, lines);
    settings.httpMaxThreads = http;
    settings.lineMaxConnections = lines;
}

} // namespace hchat
