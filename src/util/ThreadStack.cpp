#include "util/ThreadStack.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace hchat
{

namespace
{
// What the caller's next calls (a poll, a lock, a log line) may use below
// its frame is kept.
const std::uintptr_t margin = 256;
} // namespace

std::uintptr_t ThreadStack::bottom()
{
    // pthread_getattr_np() asks the kernel for the thread's CPU affinity
    // (and reads /proc/self/maps for the main thread): once per thread.
    thread_local const std::uintptr_t lowest = []() -> std::uintptr_t
    {
        pthread_attr_t attributes;
        if (pthread_getattr_np(pthread_self(), &attributes) != 0)
            return 0;
        void* low = nullptr;
        std::size_t size = 0;
        const int got = pthread_attr_getstack(&attributes, &low, &size);
        pthread_attr_destroy(&attributes);
        if (got != 0 || !low)
            return 0;
        const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
        return (reinterpret_cast<std::uintptr_t>(low) + page - 1) & ~(page - 1);
    }();
    return lowest;
}

void ThreadStack::releaseBelowHere()
{
    const std::uintptr_t lowest = bottom();
    if (lowest == 0)
        return;
    const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    volatile char here = 0;
    const std::uintptr_t cut = (reinterpret_cast<std::uintptr_t>(&here) - margin) & ~(page - 1);
    if (cut > lowest)
        ::madvise(reinterpret_cast<void*>(lowest), cut - lowest, MADV_DONTNEED);
}

} // namespace hchat
