#pragma once

#include "chat/Message.h"
#include "store/RoomRecord.h"
#include "store/StoreListener.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hchat
{

class Store
/// Where rooms and messages live beyond the in-memory window of each Room.
/// Implementations: MemoryStore (tests, throwaway use), SqliteStore (default),
/// RedisStore (several nodes). All methods are thread-safe.
///
/// Contract: append() returns only once the message is as durable as the
/// store can make it; a Room acknowledges a message only after that. Failures
/// throw Poco::Exception (callers answer 503 and acknowledge nothing).
{
public:
    struct Tail
    /// The end of a room's log, loaded when the room is first used.
    {
        std::vector<MessagePtr> recent; ///< the last messages, in order
        std::uint64_t next = 0;         ///< the number the next message gets
    };

    virtual ~Store() = default;

    virtual void createRoom(const RoomRecord& room) = 0;
    virtual std::vector<RoomRecord> rooms() = 0;
    /// Every room, in creation order.

    virtual void append(const std::string& roomId, const MessagePtr& message) = 0;
    /// Stores a message; message->id() is the room's next number.

    virtual std::vector<MessagePtr> read(const std::string& roomId, std::uint64_t from,
                                         std::size_t limit) = 0;
    /// Up to limit messages with id >= from, in order. Messages dropped by
    /// retention are missing, so the first id returned may be above from.

    virtual Tail tail(const std::string& roomId, std::size_t count) = 0;
    /// The last count messages of a room and its next number.

    void setListener(StoreListener* listener) { _listener = listener; }
    /// Called once at start, before any other thread uses the store.

protected:
    StoreListener* listener() const { return _listener; }

private:
    StoreListener* _listener = nullptr;
};

} // namespace hchat
