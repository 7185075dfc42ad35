#pragma once

#include "chat/Doorbell.h"
#include "chat/Message.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>

namespace hchat
{

class MessageWait
/// A long poll waiting for message n of a room while its thread watches
/// its socket (Room::await). When n is published, the publishing thread
/// calls offer(): the deliver function sends the answer then and there if
/// it can without blocking, and the connection's thread, asleep in wait(),
/// learns of it only when its client sends the next request. Otherwise the
/// bell rings and the connection's thread answers as before.
///
/// Why: a long poll woken on a condition variable sleeps twice per message
/// (for the message, then for the next request), and each wake of 10,000
/// threads costs a context switch and a run on a contended mutex. Answered
/// by the publisher, it sleeps once, in the poll for its next request.
///
/// Thread-safe: _mutex guards _open and _delivered, so an answer is either
/// sent by one publisher (before finish()) or left to the owner (after it),
/// never both. The owner keeps the connection's socket open until finish()
/// has returned, so a publisher never writes to a socket that was reused.
{
public:
    using Deliver = std::function<bool(const MessagePtr& message)>;
    /// Sends the answer for `message` without blocking; true when it is
    /// complete. False when the owner must act (nothing or only part sent;
    /// the function keeps what is left for it).

    MessageWait(std::uint64_t number, Deliver deliver);
    MessageWait(const MessageWait&) = delete;
    MessageWait& operator=(const MessageWait&) = delete;

    std::uint64_t number() const { return _number; }

    // The room's side, from any thread.

    void offer(const MessagePtr& message);
    /// Message number() is readable (null when it is not: dropped by
    /// retention): delivers it, or rings the owner. Only the first offer
    /// counts; the bell rings in every case but a complete delivery.
    void ring() { _bell.ring(); }
    /// The room closed: the owner must answer.
    bool settled() const { return _settled.load(); }
    /// An offer was made: a later publish need not make another.

    // The owner's side.

    int wait(int socket, int timeoutMs);
    /// Sleeps until the socket is readable (the next request, or the client
    /// closed), the bell rings or the timeout: > 0, -1 with errno EINTR, 0.
    bool rung() const { return _bell.rung(); }
    bool finish();
    /// Ends the wait: no publisher writes after it returns. True when one
    /// delivered the answer completely.

private:
    friend class Room;

    const std::uint64_t _number;
    const Deliver _deliver;
    Doorbell _bell;
    std::atomic<bool> _settled{false};
    std::mutex _mutex;
    bool _open = true;
    bool _delivered = false;
    std::size_t _slot = 0; ///< where in Room::_polls; guarded by Room::_pollsMutex
};

} // namespace hchat
