#pragma once

#include "model/AccountRecord.h"
#include "model/AddressBan.h"
#include "model/Message.h"
#include "model/RoomRecord.h"
#include "store/Store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

struct sqlite3;

namespace hchat
{

class SqliteAccounts;
class SqliteSearch;
class SqliteStatement;

class SqliteDatabase
/// The hchatd database file and every statement hchatd runs on it (POCO
/// Data/SQLite): opening (the tables are SqliteSchema's), rooms, batches of
/// messages, reads and the retention delete; the words of the messages in
/// SqliteSearch, the accounts in SqliteAccounts. Opened in WAL mode with
/// synchronous=FULL, so a committed batch survives kill -9 and power loss, and with
/// locking_mode=EXCLUSIVE, so no second hchatd can use the file meanwhile,
/// and secure_delete, so deleted text does not stay in the file.
/// Not thread-safe: its owner (SqliteStore) serializes every call.
{
public:
    struct Progress
    /// What is stored of a room's log.
    {
        std::uint64_t next = 0; ///< the number its next message gets
        Poco::Int64 last = 0;   ///< the time of its last message, µs since 1970
    };

    struct Rows
    /// The columns of one batch of messages (insert(), read()).
    {
        std::vector<Poco::Int64> rooms, ids, times, targets, edits;
        std::vector<std::string> kinds, authors, texts, crowds, accounts, senders, requests;
        std::vector<std::size_t> amendments; ///< the rows that are edits or deletions
        void clear();
        void add(Poco::Int64 room, const Message& message);
    };

    explicit SqliteDatabase(const std::string& path);
    /// Opens the file, or creates it with its folder. Throws Poco::Exception
    /// when it cannot be created, read, written or locked, or is no hchatd
    /// database (of a known version); the file is not changed then.
    ~SqliteDatabase();
    void close();

    std::unordered_map<std::string, Poco::Int64> roomKeys();
    /// Every room's id and its key (rooms.seq), which messages refer to.
    Poco::Int64 insertRoom(const RoomRecord& room);
    std::vector<RoomRecord> rooms();
    /// In creation order, with the time of their last message.
    void saveRoom(Poco::Int64 room, const RoomRecord& record);
    /// Its settings, moderators and bans, in one transaction.
    Progress progress(Poco::Int64 room);

    Rows& rows() { return _rows; }
    void insert();
    /// Stores rows() in one transaction, with what their edits and
    /// deletions rewrite (the Store contract); throws (rolled back) when it
    /// fails.
    void checkpointErased();
    /// After insert() or deleteExpired(): when they deleted a text, empties
    /// the WAL, so the text's old pages are gone from it too; purgeStep()
    /// is due then.
    bool purgeStep();
    bool purgeDue() const { return _unmerged; }
    /// When a text was deleted: one step of merging the search index, which
    /// drops the deleted words (SqliteSearch::mergeStep); the WAL is emptied
    /// after the last. True while steps remain; cheap when none is due.
    std::vector<MessagePtr> read(Poco::Int64 room, std::uint64_t from, std::size_t limit);
    std::vector<Store::Found> search(Poco::Int64 room, const std::string& words, std::size_t limit,
                                     std::uint64_t before);
    /// The room's messages numbered below before with these words
    /// (SqliteSearch), best first;
    /// those not indexed yet (index()) are not found.
    std::size_t index(const std::vector<std::pair<Poco::Int64, Poco::Int64>>& rooms,
                      std::size_t budget);
    /// Makes searchable, in one transaction, the stored messages of each
    /// (room, next) pair not yet indexed, below next, at most budget of them
    /// (rooms in ascending order keep the rowids ascending); how many.
    SqliteSearch& searchIndex() { return *_search; }
    /// How far each room is indexed.

    std::size_t deleteExpired(Poco::Int64 room, Poco::Int64 cutoff, const Progress& progress,
                              bool& more);
    /// Deletes one chunk of the room's messages older than cutoff, keeping
    /// its progress in its row so numbers are never given again. more: a
    /// chunk more may have expired.

    void deleteRoom(Poco::Int64 room, const std::string& id);
    /// Deletes the room and its messages and keeps its id in
    /// deleted_rooms, in one transaction; then empties the WAL, so the old
    /// pages are gone from it too.
    std::vector<std::string> deletedRooms();

    void saveAddressBan(const AddressBan& ban);
    void removeAddressBan(const std::string& address);
    std::vector<AddressBan> addressBans();

    SqliteAccounts& accounts() { return *_accounts; }
    /// The accounts and their sessions and tokens.

    sqlite3* handle();
    /// The SQLite connection, for SqliteBackup.

private:
    void prepare();
    void rollbackQuietly();
    void amend(std::size_t row);

    std::unique_ptr<Poco::Data::Session> _session;
    std::unique_ptr<SqliteSearch> _search;
    std::unique_ptr<SqliteAccounts> _accounts;
    Rows _rows;
    bool _erased = false;  ///< a text was deleted since the last checkpoint
    bool _unmerged = true; ///< the search index may hold deleted words (so at opening too)
    /// The statements of every commit of messages and of the index, and of
    /// the reads of a room's log, compiled at the first.
    std::unique_ptr<SqliteStatement> _begin, _insert, _commit;
    std::unique_ptr<SqliteStatement> _floor, _newest, _read;
};

} // namespace hchat
