#pragma once

#include "chat/Cursor.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace hchat
{

class Room;

class Outbox
/// The write side of one stream connection (SSE or WebSocket): its cursor
/// into the room log and the bytes it owes its client. Two kinds of thread
/// write through it:
///
/// - the connection's own thread (thread per connection, blocking I/O), for
///   everything: messages, private messages, presence, errors, pings;
/// - a thread that has just published messages to the room (deliverNow()),
///   for those messages only, and only if it can do so at once: the
///   connection's thread is not writing, nothing is left over, and the
///   socket takes the bytes without blocking. Otherwise deliverNow() says
///   no and the publisher rings the connection's Doorbell as before.
///
/// Why: waking a connection's thread for every message costs a signal, two
/// context switches and a poll, three times the send itself. Written by the
/// publisher, a delivery to a client that keeps up costs one non-blocking
/// send(); a client that is slow or far behind is served by its own thread,
/// which may block on it without holding up anybody else.
///
/// Thread-safe: _mutex guards everything below it. The owner holds it
/// (claim()) while it takes from the cursor and writes; deliverNow() only
/// tries it, so a publisher never waits for a connection.
{
public:
    using Format = std::function<void(const Cursor::Slice& slice, std::string& out)>;
    /// Appends a slice of the room log in the transport's wire form: ready
    /// to send as it is, between any two writes of the owner.

    Outbox(int socket, std::shared_ptr<Room> room, std::uint64_t from, Format format);
    /// socket: the connection's blocking socket, with its send timeout set
    /// (the owner's writes wait at most that long for a client).

    bool deliverNow() noexcept;
    /// From a thread that has just published to the room: sends the
    /// messages past the cursor without blocking and returns true when the
    /// connection's thread has nothing to do for them. False when it must
    /// be woken: it is busy, the outbox is not open, the client is behind or
    /// not reading (what did not fit is kept for the owner to send).

    // The owner's side; claim() first, and call the rest while holding it.

    std::unique_lock<std::mutex> claim();
    /// Takes the outbox and sends what a publisher left unsent. Throws
    /// Poco::IOException when the client is gone or stopped reading.

    Cursor& cursor() { return _cursor; }

    void write(const std::string& bytes);
    /// Sends everything, blocking (up to the socket's send timeout). Throws
    /// Poco::IOException when the client is gone or stopped reading.

    void setOpen(bool open) { _open = open; }
    /// Whether publishers may write: not before the owner sent what must
    /// come first (an HTTP response head), not after what must come last (a
    /// close frame, the end of a chunked body).

    void formatSlice(const Cursor::Slice& slice, std::string& out) const { _format(slice, out); }

private:
    const int _socket;
    const Format _format;
    std::mutex _mutex;
    Cursor _cursor;
    std::string _unsent; ///< what a publisher could not send; empty (no memory) otherwise
    bool _open = false;
};

} // namespace hchat
