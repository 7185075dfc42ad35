#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace hchat::test
{

inline bool eventually(const std::function<bool()>& done, double seconds = 5, int everyMs = 10)
/// Whether `done` comes true within the deadline, asked every few
/// milliseconds: what a test waits for, instead of sleeping a guess.
{
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    for (;;)
    {
        if (done())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(everyMs));
    }
}

} // namespace hchat::test
