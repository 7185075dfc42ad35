#pragma once

#include "chat/Attendance.h"
#include "chat/Cursor.h"
#include "chat/Subscriber.h"
#include "net/Connection.h"
#include "stream/StreamStart.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class Announcer;
class Doorbell;
struct Metrics;
class Mailbox;
class People;
class StreamTransport;

class StreamSession : public Subscriber, public std::enable_shared_from_this<StreamSession>
/// The one loop of every stream (SSE, WebSocket, the line protocol, IRC).
/// Its thread (the owner, in serve()) waits on the client's socket and on a
/// Doorbell, and each time sends, in its transport's wire form, what is new:
/// what its client's commands queued, each room's log past its cursor, its
/// person's private messages (Mailbox) and each room's presence. A session
/// is in one room (enter()) or, for IRC, in several (enterToo()). Nothing but
/// private messages is queued for a client. A publisher that finds the
/// client up to date and the owner idle writes new entries itself
/// (published()), as does the thread that changed a room's people or
/// typing with their frames (presenceChanged()); otherwise it rings the bell. What waits for a
/// client is bounded (maxPending): past it the owner sends before doing more, so a client that
/// stops reading is closed after the send timeout, logged and counted, whatever it asked for. Made
/// with make_shared. Thread-safe as a Subscriber and in stop(); the rest is the owner's.
{
public:
    StreamSession(Poco::Net::SocketImpl& socket, int sendTimeoutSeconds, StreamTransport& transport,
                  People& people, Announcer& announcer, Metrics& metrics, const char* kind,
                  const std::string& peer);
    /// kind and peer name the client in log lines ("line client
    /// 192.0.2.1:4711"): peer is the transport's (its actor's, the client
    /// behind a trusted proxy), read while serve() runs, which it outlives.

    static const std::size_t maxPending = 64 * 1024;
    /// The bytes kept for a client before the owner waits for it to take them.
    static const std::size_t outputBytes = 2048;
    /// The room the owner's output starts with, more than glibc's malloc
    /// keeps in a thread's cache (up to 1,032 bytes): a string that grew in
    /// steps would leave one freed piece per step with the stream's thread,
    /// for as long as the stream is held. Freed whole, it goes back to the
    /// heap. Handlers build what they queue first with as much room.
    ~StreamSession() override;

    const People::Outcome& enter(std::shared_ptr<Room> room, std::uint64_t from,
                                 const std::string& key, const std::string& wanted,
                                 const std::string& guest, bool withMailbox);
    /// The client is in the room from message `from` on, and in no other;
    /// returns the arrival (its name, whether `wanted` was taken).
    /// withMailbox: the person's private messages come here (a line session
    /// registers its mailbox with its name instead).
    const People::Outcome& enterToo(std::shared_ptr<Room> room, std::uint64_t from,
                                    const std::string& key, const std::string& wanted,
                                    const std::string& guest);
    /// The same, staying in the rooms it is in (IRC channels); the session
    /// keeps one key: the person is the same in each.
    const People::Outcome& enter(const StreamStart& start, bool withMailbox);
    /// The same for a stream that starts in a room: as its actor, with a
    /// guest name from its key; watching (start.watching), it reads the
    /// room without its person being in it (Attendance).
    void leave(bool now);
    /// Out of every room; now: the person said so, no grace period.
    void leave(const Room& room, bool now);
    /// Out of that room.
    Room* room() const { return _rooms.empty() ? nullptr : &_rooms.front()->cursor.room(); }
    /// The room it is in (the first it entered); null in none.
    bool isIn(const Room& room) const { return find(room) != nullptr; }

    const std::shared_ptr<Mailbox>& mailbox() const { return _mailbox; }
    Connection& connection() { return _connection; }
    /// A transport holds its claim while it changes what entries() reads.

    void queue(std::string bytes);
    /// Sent at the next turn of the loop, before anything new; sent at once
    /// when maxPending bytes wait (may throw as serve()).

    void serve(const std::string& early = "");
    /// Runs the loop until the transport ends it, the client leaves, the
    /// server stops (then closing() is sent last) or the room is deleted
    /// or its person kicked and the transport's removed() says to end.
    /// early: what the client sent before (with an HTTP upgrade), received first.
    /// A client that stopped reading is closed (logged, counted); throws
    /// Poco::Exception when the client is gone.
    void flush();
    /// Sends now what is queued and what is new (log entries, private
    /// messages, presence); the owner's thread only. A transport calls it
    /// before it leaves the room on the client's word, so the client gets
    /// what it said just before (its echo) first.
    void end() noexcept;
    /// After serve(): out of the room, and no thread writes to the client again.

    void stop();
    /// From any thread: the server stops.

    void published(Room& room, const MessagePtr& latest) noexcept override;
    void presenceChanged(Room& room) noexcept override;
    void closed(Room& room) noexcept override;
    void historyLost(Room& room) noexcept override;
    void kicked(Room& room, const std::string& key) noexcept override;
    /// The person of this session: it leaves the room (StreamTransport::removed).

private:
    struct Membership
    /// One room the session is in. The cursor and what was last sent of
    /// presence and typing are read by other threads under the
    /// connection's claim; the rest is the owner's.
    {
        Membership(std::shared_ptr<Room> room, std::uint64_t from);
        Cursor cursor;
        std::unique_ptr<Attendance> stay;
        std::uint64_t presenceSent = 0;                   ///< the room's presence version last sent
        std::shared_ptr<const std::string> presenceFrame; ///< the frame last sent (shared)
        std::uint64_t typingSent = 0; ///< the room's Typing::version() last sent
    };

    const People::Outcome& add(std::shared_ptr<Room> room, std::uint64_t from,
                               const std::string& key, const std::string& wanted,
                               const std::string& guest, const std::shared_ptr<Mailbox>& mailbox);
    Membership* find(const Room& room) const;
    bool removals();
    /// Tells the client of each room deleted or that its person was put
    /// out of, and leaves it; false when the transport ends the session.
    void run(const std::string& early);
    bool receive(const char* data, std::size_t size);
    void finish(const std::string& last, bool linger);
    /// Sends what is queued and last, closed to publishers; with linger,
    /// waits up to 1 s for the client to close (Connection::linger).
    enum class Then
    /// What a thread not the owner's does with what it wrote for the client.
    {
        Done,  ///< nothing to send
        Owner, ///< the owner's to send: ring it
        Send   ///< send it now
    };
    template <typename Write> bool fromOtherThread(Room& room, Write write) noexcept;
    /// For a publisher, or the thread that changed a room's people: when
    /// the owner is idle and the client takes bytes, write(membership,
    /// out) appends what to send and says what then; it goes out without
    /// waiting. False leaves it to the owner (busy, asked to, or the
    /// socket did not take it all).
    bool deliverNow(Room& room, const MessagePtr& latest) noexcept;
    void frames(Membership& in, std::string& out);
    /// The room's presence and typing frames, where they changed since
    /// last sent. Under the connection's claim.

    Connection _connection;
    StreamTransport& _transport;
    People& _people;
    Announcer& _announcer;
    Metrics& _metrics;
    const char* const _kind;
    const std::string& _peer;
    std::shared_ptr<Doorbell> _bell;
    std::shared_ptr<Mailbox> _mailbox;
    /// The rooms it is in (most often one); changed under the connection's claim.
    std::vector<std::unique_ptr<Membership>> _rooms;
    std::string _queued;
    bool _watching = false; ///< reads its room without being in it
    std::atomic<bool> _stopping{false};
    bool _stackTouched = true;            // worked since the stack was last given back
    std::atomic<bool> _kicked{false};     ///< a kick of this session's person is to be answered
    std::mutex _keyMutex;                 ///< guards _key and _kickedFrom
    std::string _key;                     ///< the person in the room (its People key)
    std::vector<const Room*> _kickedFrom; ///< the rooms of those kicks
    std::atomic<bool> _receiving{false};  ///< the owner handles the client's bytes
    const int _sendTimeout;
};

} // namespace hchat
