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

void ThreadStack::releaseBelowHere()
{
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0)
        return;
    void* low = nullptr;
    std::size_t size = 0;
    const int got = pthread_attr_getstack(&attributes, &low, &size);
    pthread_attr_destroy(&attributes);
    if (got != 0 || !low)
        return;
    const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    volatile char here = 0;
    const std::uintptr_t bottom = (reinterpret_cast<std::uintptr_t>(low) + page - 1) & ~(page - 1);
    const std::uintptr_t cut = (reinterpret_cast<std::uintptr_t>(&here) - margin) & ~(page - 1);
    if (cut > bottom)
        ::madvise(reinterpret_cast<void*>(bottom), cut - bottom, MADV_DONTNEED);
}

} // namespace hchat
