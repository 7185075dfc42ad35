#include "util/ThreadStack.h"

#include <cppunit/extensions/HelperMacros.h>

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace hchat::test
{

namespace
{
std::uintptr_t pageSize()
{
    return static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
}

std::size_t residentPages(std::uintptr_t from, std::uintptr_t to)
{
    if (to <= from)
        return 0;
    std::vector<unsigned char> in((to - from) / pageSize());
    if (::mincore(reinterpret_cast<void*>(from), to - from, in.data()) != 0)
        return 0;
    std::size_t resident = 0;
    for (unsigned char page : in)
        resident += page & 1;
    return resident;
}

__attribute__((noinline)) void touchDeep(std::size_t bytes)
{
    std::vector<char> unused; // keeps the frame from being folded away
    char* deep = static_cast<char*>(__builtin_alloca(bytes));
    std::memset(deep, 1, bytes);
    asm volatile("" : : "r"(deep) : "memory");
}
} // namespace

class ThreadStackTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ThreadStackTest);
    CPPUNIT_TEST(pagesBelowTheCallerGoBack);
    CPPUNIT_TEST_SUITE_END();

public:
    void pagesBelowTheCallerGoBack()
    {
        // A thread that once went 64 KiB deep keeps those pages resident
        // until it gives them back; its own frames stay.
        std::size_t before = 0, after = 0, stillHere = 0;
        std::thread thread(
            [&]
            {
                pthread_attr_t attributes;
                pthread_getattr_np(pthread_self(), &attributes);
                void* low = nullptr;
                std::size_t size = 0;
                pthread_attr_getstack(&attributes, &low, &size);
                pthread_attr_destroy(&attributes);
                const std::uintptr_t page = pageSize();
                const std::uintptr_t bottom =
                    (reinterpret_cast<std::uintptr_t>(low) + page - 1) & ~(page - 1);
                touchDeep(64 * 1024);
                volatile char here = 0;
                const std::uintptr_t frame = reinterpret_cast<std::uintptr_t>(&here) & ~(page - 1);
                const std::uintptr_t below = frame - 2 * page; // clear of the calls below
                before = residentPages(bottom, below);
                ThreadStack::releaseBelowHere();
                after = residentPages(bottom, below);
                stillHere = residentPages(frame, frame + page);
            });
        thread.join();
        CPPUNIT_ASSERT(before >= 12);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), after);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stillHere);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ThreadStackTest);

} // namespace hchat::test
