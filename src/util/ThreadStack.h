#pragma once

#include <cstdint>

namespace hchat
{

class ThreadStack
/// The calling thread's stack. A thread that served something deep (an HTTP
/// request, a history replay) keeps those stack pages resident while it then
/// waits for hours; releasing the pages below the caller's frame gives that
/// memory back. They come back zeroed if touched again.
{
public:
    static constexpr int idleMilliseconds = 10000;
    /// How long a connection's thread waits idle after some work before it
    /// gives its stack back: once per quiet spell, not per message.

    static void releaseBelowHere();
    /// Gives the pages below the caller's frame (less a small margin for
    /// the calls it makes next) back to the system. A no-op where the stack
    /// bounds cannot be had. Costs a system call (and a flush of the
    /// address translations of every CPU that runs the process's threads):
    /// call it before a long wait, not per message.

private:
    static std::uintptr_t bottom();
    /// The lowest whole page of the calling thread's stack; 0 when unknown.
};

} // namespace hchat
