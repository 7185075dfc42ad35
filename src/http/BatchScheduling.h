#pragma once

#include <sched.h>

namespace hchat
{

class BatchScheduling
/// While it lives, the calling thread runs under SCHED_BATCH: when woken,
/// it waits for the running thread's time slice instead of preempting it.
/// A long poll's thread holds one. The poll's client sends its next request
/// as soon as it has its answer, so while a publisher answers a room's
/// polls, the threads of those already answered wake one by one; under the
/// default policy each would preempt the publisher and delay every answer
/// not yet written. Restores the thread's policy on destruction (pool
/// threads serve other connections next, which should not queue behind a
/// busy CPU to be picked up). Not thread-safe: create and destroy it on the
/// same thread.
{
public:
    BatchScheduling();
    ~BatchScheduling();
    BatchScheduling(const BatchScheduling&) = delete;
    BatchScheduling& operator=(const BatchScheduling&) = delete;

private:
    int _policy = SCHED_OTHER;
    sched_param _param{};
    bool _changed = false;
};

} // namespace hchat
