#pragma once

#include "chat/Attendance.h"
#include "chat/Cursor.h"
#include "chat/Subscriber.h"
#include "net/Connection.h"
#include "stream/StreamStart.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hchat
{

class Announcer;
class Doorbell;
class Mailbox;
class People;
class StreamTransport;

class StreamSession : public Subscriber, public std::enable_shared_from_this<StreamSession>
/// The one loop of every stream (SSE, WebSocket, the line protocol). Its
/// thread (the owner, in serve()) waits on the client's socket and on a
/// Doorbell, and each time sends, in its transport's wire form, what is new:
/// what its client's commands queued, the room's log past its cursor, its
/// person's private messages (Mailbox) and the room's presence. Nothing but
/// private messages is queued for a client. A publisher that finds the
/// client up to date and the owner idle writes new entries itself
/// (published()); otherwise it rings the bell.
/// Made with make_shared. Thread-safe as a Subscriber and in stop(); the
/// rest is the owner's.
{
public:
    StreamSession(int socket, int sendTimeoutSeconds, StreamTransport& transport, People& people,
                  Announcer& announcer);
    ~StreamSession() override;

    const People::Outcome& enter(std::shared_ptr<Room> room, std::uint64_t from,
                                 const std::string& key, const std::string& wanted,
                                 const std::string& guest, bool withMailbox);
    /// The client is in the room from message `from` on (one room at a
    /// time); returns the arrival (its name, whether `wanted` was taken).
    /// withMailbox: the person's private messages come here (a line session
    /// registers its mailbox with its name instead).
    const People::Outcome& enter(const StreamStart& start, bool withMailbox);
    /// The same for a stream that starts in a room: as its actor, with a
    /// guest name from its key.
    void leave(bool now);
    /// Out of the room; now: the person said so, no grace period.
    Room* room() const { return _cursor ? &_cursor->room() : nullptr; }

    const std::shared_ptr<Mailbox>& mailbox() const { return _mailbox; }
    Connection& connection() { return _connection; }
    /// A transport holds its claim while it changes what entries() reads.

    void queue(std::string bytes);
    /// Sent at the next turn of the loop, before anything new.

    void serve(const std::string& early = "");
    /// Runs the loop until the transport ends it, the client leaves, or the
    /// room closes or stop() is called (then closing() is sent last).
    /// early: what the client sent before (with an HTTP upgrade), received first.
    /// Throws Poco::Exception when the client is gone or stopped reading.
    void end() noexcept;
    /// After serve(): out of the room, and no thread writes to the client again.

    void stop();
    /// From any thread: the server stops.

    void published(Room& room, const MessagePtr& latest) noexcept override;
    void presenceChanged(Room& room) noexcept override;
    void closed(Room& room) noexcept override;

private:
    bool receive(const char* data, std::size_t size);
    void flush();
    void finish(const std::string& last);
    bool deliverNow(Room& room, const MessagePtr& latest) noexcept;

    Connection _connection;
    StreamTransport& _transport;
    People& _people;
    Announcer& _announcer;
    std::shared_ptr<Doorbell> _bell;
    std::shared_ptr<Mailbox> _mailbox;
    std::optional<Cursor> _cursor; ///< guarded by the connection's claim
    std::unique_ptr<Attendance> _stay;
    std::uint64_t _presenceSent = 0;                   ///< the room's presence version last sent
    std::shared_ptr<const std::string> _presenceFrame; ///< the frame last sent (shared)
    std::string _queued;
    std::atomic<bool> _stopping{false};
    std::atomic<bool> _receiving{false}; ///< the owner handles the client's bytes
};

} // namespace hchat
