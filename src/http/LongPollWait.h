#pragma once

#include "chat/Doorbell.h"
#include "chat/Subscriber.h"
#include "http/NextRequestWatch.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace hchat
{

class Connection;
class LongPollAnswer;

class LongPollWait : public Subscriber,
                     public NextRequestWatch::Watcher,
                     public std::enable_shared_from_this<LongPollWait>
/// A long poll waiting for message n of a room while its thread sleeps. The
/// thread that publishes n writes the answer itself, with one send() that
/// does not wait. When that send is not possible (the socket is full, the
/// message must be read from the store) the bell rings and the poll's
/// thread answers. Only the first publish of n counts.
///
/// Without a NextRequest the thread sleeps on its socket too, and wakes for
/// the client's next request or its end. With one (a kept-alive connection
/// whose next polls are plain ones), a NextRequestWatch watches the socket
/// instead, and the wait goes on across requests: the watch's thread reads
/// the client's next poll, answers it from the room's latest messages or
/// waits for its publish in the same way. The poll's thread sleeps on
/// meanwhile (a woken thread costs more than the answer), and wakes only
/// for the bell (anything else the client sends, its end, the room's close,
/// an answer that could not be sent) or the timeout.
///
/// Thread-safe. A publisher or the watch writes and reads the socket only
/// under a claim of the connection, which the owner closes in finish(); the
/// owner reads the wait's state only after that.
{
public:
    using Clock = std::chrono::steady_clock;

    enum class Next
    {
        Poll,    ///< a poll the wait may serve: its number is set
        Nothing, ///< nothing whole yet
        Other,   ///< anything else, or the client's end: left for the owner
    };
    using NextRequest = std::function<Next(std::uint64_t& number)>;
    /// Reads the client's next request without waiting, under the claim.

    LongPollWait(std::uint64_t number, std::shared_ptr<Connection> connection,
                 const LongPollAnswer& answer, std::atomic<std::int64_t>& waitingGauge);
    /// A wait whose owner's thread watches its socket.
    LongPollWait(std::uint64_t number, std::shared_ptr<Connection> connection,
                 const LongPollAnswer& answer, std::atomic<std::int64_t>& waitingGauge,
                 std::shared_ptr<Room> room, NextRequest next, NextRequestWatch& watch);
    /// A wait across requests; call watch() once it is subscribed.

    void watch();
    /// Starts the watch of the socket (a wait across requests). If the
    /// kernel refuses, the owner's thread watches the socket itself.

    bool settle() { return !_settled.exchange(true); }
    /// Takes the answer for the caller (the owner found n itself, before it
    /// began to wait): true when no publisher has taken it.

    int wait(int timeoutMs);
    /// Sleeps until the bell rings, the timeout, or (the owner watching its
    /// socket) the socket is readable: > 0 for the socket, -1 with errno
    /// EINTR, 0.
    bool rung() const { return _bell.rung(); }

    bool keepWaiting(const Room& room);
    /// The owner's, after a ring: true when it leaves the owner nothing to
    /// do (the poll was answered, or the number waited for is not
    /// published: a publisher could not claim the connection for another).
    /// Clears the bell then.

    bool finish();
    /// Ends the wait: no publisher or watch writes after it returns. True
    /// when the poll waited for now (number()) was answered whole; a part
    /// sent leaves the rest unsent in the connection
    /// (Connection::hasUnsent()) for the owner's claim().

    // After finish():

    std::uint64_t number() const { return _number.load(); }
    /// The poll waited for last: the first, or a next request the watch read.
    std::uint64_t taken() const { return _taken; }
    /// How many next requests the watch read.
    bool served() const { return _since != Clock::time_point(); }
    /// Whether a publisher or the watch answered or read anything.
    Clock::time_point since() const { return _since; }
    /// When one last did.
    bool handedOver() const { return _handedOver.load(); }
    /// The watch left the client's input, or its end, to the owner.

    void published(Room& room, const MessagePtr& latest) noexcept override;
    void presenceChanged(Room&) noexcept override {}
    /// Long polls carry no presence.
    void closed(Room&) noexcept override;
    /// Answered ones too: their owners wait for a next request that may never come.

    void readable() noexcept override;

private:
    bool answer(const Message& message);
    /// Under the claim: answers number(); true when it went whole.
    void handOver();

    std::atomic<std::uint64_t> _number;
    const std::shared_ptr<Connection> _connection;
    const LongPollAnswer& _answer; ///< the owner's; used only under the claim
    std::atomic<std::int64_t>& _waiting;
    const std::shared_ptr<Room> _room; ///< null when the owner watches its socket
    const NextRequest _next;
    NextRequestWatch* const _watch;
    std::uint64_t _watchId = 0; ///< 0 while the owner watches its socket
    Doorbell _bell;
    std::atomic<bool> _settled{false};
    std::atomic<bool> _delivered{false}; ///< number() answered whole; set under the claim
    std::atomic<bool> _handedOver{false};
    std::atomic<bool> _closed{false}; ///< the room closed
    std::uint64_t _taken = 0;         ///< guarded by the claim, as is the one below
    Clock::time_point _since;         ///< unset until a publisher or the watch acts
    bool _stackGiven = false;         ///< the stack given back in this wait; the owner thread only
    bool _counted = true;             ///< still in the waiting gauge; guarded by the claim
};

} // namespace hchat
