#pragma once

#include "chat/Doorbell.h"
#include "chat/Subscriber.h"

#include <atomic>
#include <cstdint>
#include <memory>

namespace hchat
{

class Connection;
class LongPollAnswer;

class LongPollWait : public Subscriber
/// A long poll waiting for message n of a room while its thread sleeps on
/// its socket. The thread that publishes n writes the answer itself, with
/// one send() that does not wait; the poll's thread learns of it only when
/// its client sends its next request. When that send is not possible (the
/// socket is full, the message must be read from the store) the bell rings
/// and the poll's thread answers. Only the first publish of n counts.
/// Thread-safe. A publisher writes only under a claim of the connection,
/// which the owner closes in finish().
{
public:
    LongPollWait(std::uint64_t number, std::shared_ptr<Connection> connection,
                 const LongPollAnswer& answer, std::atomic<std::int64_t>& waitingGauge);

    std::uint64_t number() const { return _number; }

    bool settle() { return !_settled.exchange(true); }
    /// Takes the answer for the caller (the owner found n itself): true
    /// when no publisher has taken it.

    int wait(int timeoutMs);
    /// Sleeps until the socket is readable (the next request, or the client
    /// closed), the bell rings or the timeout: > 0, -1 with errno EINTR, 0.
    bool rung() const { return _bell.rung(); }

    bool finish();
    /// Ends the wait: no publisher writes after it returns. True when one
    /// sent the whole answer; a part it sent leaves the rest unsent in the
    /// connection (Connection::hasUnsent()) for the owner's claim().

    void published(Room& room, const MessagePtr& latest) noexcept override;
    void presenceChanged(Room&) noexcept override {}
    /// Long polls carry no presence.
    void closed(Room&) noexcept override { _bell.ring(); }
    /// Answered ones too: their owners wait for a next request that may never come.

private:
    const std::uint64_t _number;
    const std::shared_ptr<Connection> _connection;
    const LongPollAnswer& _answer; ///< the owner's; used only under the claim
    std::atomic<std::int64_t>& _waiting;
    Doorbell _bell;
    std::atomic<bool> _settled{false};
    bool _delivered = false;  ///< guarded by the connection's claim
    bool _stackGiven = false; ///< the stack given back in this wait; the owner thread only
    bool _counted = true;     ///< still in the waiting gauge; guarded by the claim
};

} // namespace hchat
