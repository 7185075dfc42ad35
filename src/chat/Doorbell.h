#pragma once

#include <atomic>
#include <mutex>
#include <poll.h>
#include <sys/types.h>

namespace hchat
{

class Doorbell
/// Wakes a connection thread that waits in wait() for its socket and for
/// the bell at once (a stream reads its client and delivers the room's
/// messages from one thread). A ring while nobody waits is kept until
/// clear(). It uses no file descriptor, so 10,000 streams need 10,000
/// descriptors, not 20,000: ring() sets a flag and signals the owner's
/// thread if it is inside wait().
/// Thread-safe: ring() from any thread; clear() and wait() by one owner
/// thread at a time. _mutex guards the owner's ids and _waiting, so a
/// signal only goes to a thread that is inside wait().
{
public:
    Doorbell();
    Doorbell(const Doorbell&) = delete;
    Doorbell& operator=(const Doorbell&) = delete;

    void ring();
    void clear();

    bool rung() const { return _rung.load(); }

    int wait(pollfd* fds, nfds_t count, int timeoutMs);
    /// poll() on fds until one is ready, the bell rings, or the timeout:
    /// > 0 fds are ready, 0 timeout, -1 with errno EINTR when rung (or a
    /// stray signal: look at rung()). Returns at once if rung already.

private:
    std::atomic<bool> _rung{false};
    std::mutex _mutex;
    pid_t _ownerPid = 0;
    pid_t _ownerTid = 0;
    bool _waiting = false;
};

} // namespace hchat
