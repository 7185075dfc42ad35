#pragma once

#include "store/Store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Logger.h>
#include <Poco/Timespan.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace hchat
{

class SqliteStore : public Store
/// The default store: one SQLite file (POCO Data/SQLite) in WAL mode with
/// synchronous=FULL, so a committed message survives kill -9 and power loss.
///
/// Group commit: append() queues the message and returns at once; one writer
/// thread takes everything queued, inserts it in one transaction, commits
/// (one fsync for the whole batch) and then fulfils every sender's future.
/// Concurrent senders thus share the cost of a commit instead of paying one
/// each. The writer checks each message's number against the room's stored
/// next number, so a room's log never gets a gap or a repeat (Store contract).
///
/// The database is opened with locking_mode=EXCLUSIVE: while hchatd runs no
/// other process (a second hchatd, say) can read or write it, and a second
/// daemon on the same file fails at start instead of numbering messages
/// behind the first one's back.
///
/// Retention: when `retention` is not zero, the writer deletes messages older
/// than that, room by room and a chunk at a time, between batches.
///
/// Thread-safe. _dbMutex guards _session, its statements, _seqs and
/// _progress (one connection, used by the writer and by readers in turn);
/// _queueMutex guards _queue and _stopping.
{
public:
    SqliteStore(const std::string& path, Poco::Timespan retention = 0);
    /// Opens (or creates) the database and starts the writer. Throws
    /// Poco::IOException naming the file when it cannot be created, read,
    /// written or locked, or is no hchatd database; the file is not changed
    /// then.
    ~SqliteStore() override;

    void createRoom(const RoomRecord& room) override;
    std::vector<RoomRecord> rooms() override;
    std::future<void> append(const std::string& roomId, const MessagePtr& message) override;
    std::vector<MessagePtr> read(const std::string& roomId, std::uint64_t from,
                                 std::size_t limit) override;
    Tail tail(const std::string& roomId, std::size_t count) override;
    void close() override;

    const std::string& path() const { return _path; }

    std::size_t sweepExpired();
    /// Deletes the messages older than the retention now; returns how many.
    /// The writer calls it on its own; public for tests.

private:
    struct Pending
    {
        std::string roomId;
        MessagePtr message;
        std::promise<void> stored;
    };

    struct Progress
    /// What the writer knows of a stored room's log.
    {
        std::uint64_t next = 0;
        Poco::Int64 last = 0; ///< time of the last message, µs since 1970
    };

    struct Rows
    /// The columns of one batch of messages, bound to _insert.
    {
        std::vector<Poco::Int64> rooms, ids, times;
        std::vector<std::string> kinds, authors, texts;
        void clear()
        {
            rooms.clear(), ids.clear(), times.clear();
            kinds.clear(), authors.clear(), texts.clear();
        }
    };

    void open();
    void writeLoop();
    void commitBatch(std::deque<Pending>& batch);
    Poco::Int64 seqOf(const std::string& roomId);
    Progress& progressOf(Poco::Int64 seq);
    std::vector<MessagePtr> readLocked(Poco::Int64 seq, std::uint64_t from, std::size_t limit);
    void rollbackQuietly();
    std::size_t sweepRoom(Poco::Int64 seq, Poco::Int64 cutoff);

    const std::string _path;
    const Poco::Timespan _retention;
    Poco::Logger& _log;

    std::mutex _dbMutex;
    std::unique_ptr<Poco::Data::Session> _session;
    std::unordered_map<std::string, Poco::Int64> _seqs;
    std::unordered_map<Poco::Int64, Progress> _progress;
    Rows _rows;
    std::unique_ptr<Poco::Data::Statement> _begin, _insert, _commit;

    std::mutex _queueMutex;
    std::condition_variable _queued;
    std::deque<Pending> _queue;
    bool _stopping = false;
    std::thread _writer;
};

} // namespace hchat
