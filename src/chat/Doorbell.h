#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <poll.h>
#include <sys/types.h>

namespace hchat
{

class Doorbell
/// Wakes a connection thread that waits in wait() for its socket and for
/// the bell at once (a WebSocket reads its client and delivers the room's
/// messages from one thread). Rings while nobody waits are kept until clear().
///
/// It uses no file descriptor: with one per connection, 10,000 WebSockets
/// would need 20,000 descriptors, more than a common RLIMIT_NOFILE allows.
/// Instead ring() sets a flag and, if the owner is waiting, sends its thread
/// a signal (SIGURG); the owner keeps that signal blocked except inside
/// ppoll(), so a ring between its look at the flag and the ppoll() call is
/// held pending and interrupts the ppoll() at once (no lost wake-up). A
/// thread blocks the signal at its first wait() and leaves it blocked, so
/// a delivery costs the ring's tgkill(), the ppoll() and the sigreturn.
/// The room calls newMessages(), which first tries the owner's shortcut
/// (Outbox::deliverNow(): the publishing thread writes the messages itself
/// when it can without waiting) and rings only if that declines.
/// Thread-safe: ring() and newMessages() from any thread; clear() and wait() by one owner
/// thread at a time. _mutex guards the owner's ids and _waiting, so a
/// signal only goes to a thread that is inside wait().
{
public:
    Doorbell();
    Doorbell(const Doorbell&) = delete;
    Doorbell& operator=(const Doorbell&) = delete;

    void ring();
    void clear();

    void setShortcut(std::function<bool()> deliver) { _shortcut = std::move(deliver); }
    /// A way to deliver new messages without waking the owner (Outbox::deliverNow),
    /// tried first by newMessages(). Set before the bell is subscribed to a room.
    void newMessages();
    /// The room has new messages: the shortcut delivers them, or the bell rings.
    bool rung() const { return _rung.load(); }

    int wait(pollfd* fds, nfds_t count, int timeoutMs);
    /// poll() on fds until one is ready, the bell rings, or the timeout:
    /// > 0 fds are ready, 0 timeout, -1 with errno EINTR when rung (or a
    /// stray signal: look at rung()). Returns at once if rung already.

private:
    std::function<bool()> _shortcut;
    std::atomic<bool> _rung{false};
    std::mutex _mutex;
    pid_t _ownerPid = 0;
    pid_t _ownerTid = 0;
    bool _waiting = false;
};

} // namespace hchat
