#include "chat/Doorbell.h"

#include <cerrno>
#include <csignal>
#include <mutex>
#include <sys/syscall.h>
#include <unistd.h>

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

// What a waiting thread needs to know about itself, found once per thread
// (the system calls would otherwise be made on every wait): its ids for
// tgkill(), and its signal mask with the bell's signal blocked, which stays
// so between waits.
struct ThisThread
{
    pid_t pid = ::getpid();
    pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
    sigset_t whileWaiting;

    ThisThread()
    {
        sigset_t bell;
        sigemptyset(&bell);
        sigaddset(&bell, bellSignal());
        ::pthread_sigmask(SIG_BLOCK, &bell, &whileWaiting);
        sigdelset(&whileWaiting, bellSignal());
    }
};

const ThisThread& thisThread()
{
    thread_local const ThisThread self;
    return self;
}

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
    // tgkill() itself rather than pthread_kill(), which in glibc also blocks
    // and restores every signal and asks for the pid: four system calls per
    // ring instead of one. The owner is inside wait(), so its tid is live.
    if (_waiting)
        ::syscall(SYS_tgkill, _ownerPid, _ownerTid, bellSignal());
}

void Doorbell::clear()
{
    _rung.store(false);
}

int Doorbell::wait(pollfd* fds, nfds_t count, int timeoutMs)
{
    // The signal is blocked outside ppoll(): a ring that comes early stays pending.
    const ThisThread& self = thisThread();
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _ownerPid = self.pid;
        _ownerTid = self.tid;
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
        result = ::ppoll(fds, count, timeoutMs < 0 ? nullptr : &timeout, &self.whileWaiting);
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
