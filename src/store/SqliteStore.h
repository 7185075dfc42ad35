#pragma once

#include "store/SearchBacklog.h"
#include "store/SqliteDatabase.h"
#include "store/Store.h"

#include <Poco/Logger.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <chrono>
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
/// The default store: one SQLite file (SqliteDatabase), written by one
/// thread with group commit: append() queues a message and returns at
/// once; the writer takes everything queued, stores it in one transaction
/// (one fsync for the batch) and then fulfils every sender's future. The
/// writer checks each number against the room's stored next one, so a
/// room's log never gets a gap or a repeat (the Store contract). With a
/// `retention`, it also deletes older messages between batches. Stored
/// messages become searchable in chunks, when 1,024 wait or the oldest has
/// waited a second (SearchBacklog; and at once for a room being searched).
/// After a deletion, the writer merges the deleted words out of the search
/// index in bounded steps between batches (a few seconds per million
/// messages). Thread-safe. _dbMutex guards _db, _seqs, _progress and
/// _backlog (one connection, used by the writer and by readers in turn);
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
    void saveRoom(const RoomRecord& room) override;
    std::vector<RoomRecord> rooms() override;
    std::future<void> append(const std::string& roomId, const MessagePtr& message) override;
    Findings search(const std::string& roomId, const std::string& words, std::size_t limit,
                    std::uint64_t before) override;
    std::vector<MessagePtr> read(const std::string& roomId, std::uint64_t from,
                                 std::size_t limit) override;
    Tail tail(const std::string& roomId, std::size_t count) override;
    void deleteRoom(const std::string& roomId) override;
    std::vector<std::string> deletedRooms() override;
    void saveAddressBan(const AddressBan& ban) override;
    void removeAddressBan(const std::string& address) override;
    std::vector<AddressBan> addressBans() override;
    void createAccount(const AccountRecord& account) override;
    std::vector<AccountRecord> accounts() override;
    void saveCredential(const Credential& credential) override;
    void removeCredential(const std::string& digest) override;
    std::vector<Credential> credentials() override;
    void backup(const std::string& file) override;
    /// SQLite's online backup through the store's own connection (no other
    /// can open the file), a few hundred pages per turn of the lock, so
    /// senders wait at most one turn.
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
    using Progress = SqliteDatabase::Progress;

    void writeLoop();
    void commitBatch(std::deque<Pending>& batch);
    Poco::Int64 seqOf(const std::string& roomId);
    Progress& progressOf(Poco::Int64 seq);
    SqliteDatabase& db();
    std::size_t sweepRoom(Poco::Int64 seq, Poco::Int64 cutoff);
    void purgeStep();
    /// A step of SqliteDatabase::purgeStep(), by the writer.
    bool indexDue();
    void indexStep();
    /// A step of making stored messages searchable (SearchBacklog::step,
    /// SqliteDatabase::index); takes _dbMutex.

    const std::string _path;
    const Poco::Timespan _retention;
    Poco::Logger& _log;

    std::mutex _dbMutex;
    std::unique_ptr<SqliteDatabase> _db;
    std::unordered_map<std::string, Poco::Int64> _seqs;
    std::unordered_map<Poco::Int64, Progress> _progress;
    SearchBacklog _backlog;

    std::mutex _queueMutex;
    std::condition_variable _queued;
    std::deque<Pending> _queue;
    bool _stopping = false;
    std::atomic<bool> _purgeDue{true}; ///< deleted words to merge out of the search index
                                       ///< (set and cleared under _dbMutex)
    std::thread _writer;
};

} // namespace hchat
