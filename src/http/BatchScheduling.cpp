#include "http/BatchScheduling.h"

#include <Poco/Logger.h>

#include <cstring>
#include <pthread.h>
#include <string>

namespace hchat
{

BatchScheduling::BatchScheduling()
{
    const pthread_t self = ::pthread_self();
    if (::pthread_getschedparam(self, &_policy, &_param) != 0 || _policy == SCHED_BATCH)
        return;
    sched_param none{};
    if (const int error = ::pthread_setschedparam(self, SCHED_BATCH, &none))
    {
        // Only a matter of latency under load: the poll works the same.
        Poco::Logger::get("hchatd.http")
            .debug("long poll thread keeps its scheduling: %s", std::string(std::strerror(error)));
        return;
    }
    _changed = true;
}

BatchScheduling::~BatchScheduling()
{
    if (_changed)
        ::pthread_setschedparam(::pthread_self(), _policy, &_param);
}

} // namespace hchat
