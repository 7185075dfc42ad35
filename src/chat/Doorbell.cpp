#include "chat/Doorbell.h"

#include <cerrno>
#include <csignal>
#include <mutex>

namespace hchat
{

namespace
{
// A standard signal, not a real-time one: several rings while the owner is
// busy coalesce into one pending signal instead of queueing. SIGURG is
// ignored by default and only sent by the kernel to a socket's owner
// process (F_SETOWN), which hchatd never sets.
int bellSignal()
{
    return SIGURG;
}

void ignoreRing(int) {}

// Installed once: a handler that does nothing (the interruption of ppoll()
// is the point), without SA_RESTART.
void installHandler()
{
    static std::once_flag once;
    std::call_once(once,
                   []
                   {
                       struct sigaction action
                       {
                       };
                       action.sa_handler = ignoreRing;
                       sigemptyset(&action.sa_mask);
                       ::sigaction(bellSignal(), &action, nullptr);
                   });
}
} // namespace

Doorbell::Doorbell()
{
    installHandler();
}

void Doorbell::ring()
{
    _rung.store(true);
    std::lock_guard<std::mutex> lock(_mutex);
    if (_waiting)
        ::pthread_kill(_owner, bellSignal());
}

void Doorbell::clear()
{
    _rung.store(false);
}

int Doorbell::wait(pollfd* fds, nfds_t count, int timeoutMs)
{
    sigset_t bell, during;
    sigemptyset(&bell);
    sigaddset(&bell, bellSignal());
    // Blocked outside ppoll(): a ring that comes early stays pending.
    ::pthread_sigmask(SIG_BLOCK, &bell, &during);
    sigdelset(&during, bellSignal());
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _owner = ::pthread_self();
        _waiting = true;
    }
    int result;
    if (_rung.load())
    {
        errno = EINTR;
        result = -1;
    }
    else
    {
        timespec timeout{timeoutMs / 1000, (timeoutMs % 1000) * 1000000L};
        result = ::ppoll(fds, count, timeoutMs < 0 ? nullptr : &timeout, &during);
    }
    const int error = errno;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _waiting = false;
    }
    errno = error;
    return result;
}

} // namespace hchat
