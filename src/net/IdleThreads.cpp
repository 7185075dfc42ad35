#include "net/IdleThreads.h"

namespace hchat
{

IdleThreads::IdleThreads(std::function<void()> collect, long everyMs)
    : _collect(std::move(collect)), _timer(everyMs, everyMs)
{
}

void IdleThreads::start()
{
    _timer.start(Poco::TimerCallback<IdleThreads>(*this, &IdleThreads::tick));
}

void IdleThreads::stop()
{
    _timer.stop();
}

void IdleThreads::tick(Poco::Timer&)
{
    _collect();
}

} // namespace hchat
