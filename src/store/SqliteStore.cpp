#include "store/SqliteStore.h"

#include "store/SqliteAccounts.h"
#include "store/SqliteBackup.h"
#include "store/SqliteSearch.h"

#include <Poco/Exception.h>
#include <Poco/Path.h>

#include <chrono>
#include <limits>
#include <pthread.h>

namespace hchat
{

using Poco::Int64;

namespace
{

// One transaction holds at most this many messages, so a flood of senders
// cannot make one commit (and the wait of the first sender in it) unbounded.
const std::size_t maxBatch = 4096;
// Pages copied by a backup per turn of the database lock: 256 KiB of 1 KiB
// pages, a millisecond or so.
const int backupPagesPerStep = 256;
} // namespace

SqliteStore::SqliteStore(const std::string& path, Poco::Timespan retention)
    : _path(Poco::Path(path).absolute().toString()), _retention(retention),
      _log(Poco::Logger::get("hchatd.store"))
{
    try
    {
        _db = std::make_unique<SqliteDatabase>(_path);
        _seqs = _db->roomKeys();
        // What was stored but not indexed before a stop is indexed first.
        _backlog.left(_db->searchIndex().unindexedRooms(), SearchBacklog::Clock::now());
    }
    catch (const Poco::Exception& e)
    {
        _db.reset();
        throw Poco::IOException("cannot use the database " + _path + ": " + e.message());
    }
    _log.information("database %s: %z rooms", _path, _seqs.size());
    _writer = std::thread(
        [this]
        {
            pthread_setname_np(pthread_self(), "hchatd-store"); // for top -H and perf
            writeLoop();
        });
}

SqliteStore::~SqliteStore()
{
    close();
}

void SqliteStore::close()
{
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        if (_stopping)
            return;
        _stopping = true;
    }
    _queued.notify_all();
    if (_writer.joinable())
        _writer.join();
    std::lock_guard<std::mutex> lock(_dbMutex);
    try
    {
        if (_db)
            _db->close();
    }
    catch (const Poco::Exception& e)
    {
        _log.error("closing %s: %s", _path, e.displayText());
    }
    _db.reset();
}

SqliteDatabase& SqliteStore::db()
{
    if (!_db)
        throw Poco::IllegalStateException("the store is closed");
    return *_db;
}

Int64 SqliteStore::seqOf(const std::string& roomId)
{
    auto it = _seqs.find(roomId);
    if (it == _seqs.end())
        throw Poco::NotFoundException("no such room", roomId);
    return it->second;
}

SqliteStore::Progress& SqliteStore::progressOf(Int64 seq)
{
    auto it = _progress.find(seq);
    if (it != _progress.end())
        return it->second;
    return _progress[seq] = db().progress(seq);
}

void SqliteStore::createRoom(const RoomRecord& room)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    SqliteDatabase& database = db();
    if (_seqs.count(room.id))
        throw Poco::ExistsException("room exists", room.id);
    _seqs[room.id] = database.insertRoom(room);
}

void SqliteStore::saveRoom(const RoomRecord& room)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    SqliteDatabase& database = db();
    database.saveRoom(seqOf(room.id), room);
}

std::vector<RoomRecord> SqliteStore::rooms()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    return db().rooms();
}

std::future<void> SqliteStore::append(const std::string& roomId, const MessagePtr& message)
{
    Pending pending{roomId, message, {}};
    std::future<void> stored = pending.stored.get_future();
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        if (_stopping)
        {
            pending.stored.set_exception(
                std::make_exception_ptr(Poco::IllegalStateException("the store is closed")));
            return stored;
        }
        _queue.push_back(std::move(pending));
    }
    _queued.notify_one();
    return stored;
}

void SqliteStore::writeLoop()
{
    // Sweep a few times per retention period, at least once a minute.
    const auto sweepEvery = std::chrono::microseconds(
        std::max<Int64>(1000000, std::min<Int64>(60000000, _retention.totalMicroseconds() / 4)));
    auto nextSweep = std::chrono::steady_clock::now();
    std::deque<Pending> batch;
    for (;;)
    {
        {
            std::unique_lock<std::mutex> lock(_queueMutex);
            auto due = [&] { return !_queue.empty() || _stopping || _purgeDue.load(); };
            auto until = _retention > 0 ? nextSweep : std::chrono::steady_clock::time_point::max();
            {
                std::lock_guard<std::mutex> db(_dbMutex);
                until = std::min(until, _backlog.dueAt());
            }
            if (until != std::chrono::steady_clock::time_point::max())
                _queued.wait_until(lock, until, due);
            else
                _queued.wait(lock, due);
            if (_queue.empty() && _stopping)
                return;
            while (!_queue.empty() && batch.size() < maxBatch)
            {
                batch.push_back(std::move(_queue.front()));
                _queue.pop_front();
            }
        }
        if (!batch.empty())
            commitBatch(batch);
        batch.clear();
        if (_retention > 0 && std::chrono::steady_clock::now() >= nextSweep)
        {
            try
            {
                sweepExpired();
            }
            catch (const Poco::Exception& e)
            {
                _log.error("retention sweep of %s failed: %s", _path, e.displayText());
            }
            nextSweep = std::chrono::steady_clock::now() + sweepEvery;
        }
        if (_purgeDue.load())
            purgeStep();
        if (indexDue())
            indexStep();
    }
}

bool SqliteStore::indexDue()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    return _backlog.due(SearchBacklog::Clock::now());
}

void SqliteStore::indexStep()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    if (!_db)
        return;
    auto look = [this](Int64 seq)
    {
        return std::make_pair(static_cast<Int64>(progressOf(seq).next),
                              _db->searchIndex().indexed(seq));
    };
    auto index = [this](const std::vector<std::pair<Int64, Int64>>& rooms, std::size_t budget)
    { return _db->index(rooms, budget); };
    try
    {
        _backlog.step(SearchBacklog::slice, SearchBacklog::sliceRooms, look, index);
    }
    catch (const Poco::Exception& e)
    {
        // Tried again after a delay; search finds the rest meanwhile not.
        _log.error("cannot index messages of %s for search: %s", _path, e.displayText());
    }
}

void SqliteStore::purgeStep()
{
    // One bounded step per turn of the writer, between batches: senders
    // wait at most a step, not the whole merge.
    std::lock_guard<std::mutex> lock(_dbMutex);
    try
    {
        _purgeDue = _db && _db->purgeStep();
    }
    catch (const Poco::Exception& e)
    {
        _purgeDue = false; // tried again after the next deletion
        _log.error("cannot merge the search index of %s: %s", _path, e.displayText());
    }
}

void SqliteStore::commitBatch(std::deque<Pending>& batch)
{
    std::vector<Pending*> accepted;
    std::unordered_map<Int64, Progress> touched;

    std::unique_lock<std::mutex> lock(_dbMutex);
    try
    {
        SqliteDatabase& database = db();
        SqliteDatabase::Rows& rows = database.rows();
        rows.clear();
        for (Pending& p : batch)
        {
            Int64 seq = 0;
            try
            {
                seq = seqOf(p.roomId);
            }
            catch (const Poco::NotFoundException& e)
            {
                p.stored.set_exception(std::make_exception_ptr(e));
                continue;
            }
            auto found = touched.find(seq);
            Progress& progress =
                found != touched.end() ? found->second : (touched[seq] = progressOf(seq));
            if (p.message->id() != progress.next)
            {
                // Its predecessor failed (or never came): storing it would leave a gap.
                p.stored.set_exception(std::make_exception_ptr(Poco::IllegalStateException(
                    "message " + std::to_string(p.message->id()) + " is out of sequence")));
                continue;
            }
            ++progress.next;
            progress.last = p.message->time().epochMicroseconds();
            accepted.push_back(&p);
            rows.add(seq, *p.message);
        }
        if (accepted.empty())
            return;
        database.insert();
    }
    catch (const Poco::Exception& e)
    {
        lock.unlock();
        _log.error("cannot store %z messages in %s: %s", accepted.size(), _path, e.displayText());
        auto failure =
            std::make_exception_ptr(Poco::IOException("the database could not store it"));
        for (Pending* p : accepted)
            p->stored.set_exception(failure);
        return;
    }
    std::vector<Int64> rooms;
    for (const auto& entry : touched)
    {
        _progress[entry.first] = entry.second;
        rooms.push_back(entry.first);
    }
    _backlog.stored(rooms, accepted.size(), SearchBacklog::Clock::now());
    try
    {
        db().checkpointErased();
        _purgeDue = _purgeDue || db().purgeDue();
    }
    catch (const Poco::Exception& e)
    {
        // Committed all the same; the next deletion's checkpoint empties it.
        _log.error("cannot empty the WAL of %s after a deletion: %s", _path, e.displayText());
    }
    lock.unlock();
    for (Pending* p : accepted)
        p->stored.set_value();
}

std::vector<MessagePtr> SqliteStore::read(const std::string& roomId, std::uint64_t from,
                                          std::size_t limit)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    SqliteDatabase& database = db();
    auto found = _seqs.find(roomId);
    if (found == _seqs.end())
        return {};
    return database.read(found->second, from, limit);
}

Store::Findings SqliteStore::search(const std::string& roomId, const std::string& words,
                                    std::size_t limit, std::uint64_t before)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    SqliteDatabase& database = db();
    auto found = _seqs.find(roomId);
    if (found == _seqs.end())
        return {};
    // What the room has that is not indexed yet is, first: search finds
    // every message stored.
    const Int64 next = static_cast<Int64>(progressOf(found->second).next);
    if (database.searchIndex().indexed(found->second) < next)
        database.index({{found->second, next}}, std::numeric_limits<std::size_t>::max());
    return Findings{database.search(found->second, words, limit, before), 0};
}

Store::Tail SqliteStore::tail(const std::string& roomId, std::size_t count)
{
    Tail tail;
    std::lock_guard<std::mutex> lock(_dbMutex);
    SqliteDatabase& database = db();
    auto found = _seqs.find(roomId);
    if (found == _seqs.end())
        return tail;
    tail.next = progressOf(found->second).next;
    tail.recent = database.read(found->second, tail.next > count ? tail.next - count : 0, count);
    return tail;
}

std::size_t SqliteStore::sweepExpired()
{
    if (_retention <= 0)
        return 0;
    const Int64 cutoff = (Poco::Timestamp() - _retention).epochMicroseconds();
    std::vector<Int64> seqs;
    {
        std::lock_guard<std::mutex> lock(_dbMutex);
        for (const auto& entry : _seqs)
            seqs.push_back(entry.second);
    }
    std::size_t deleted = 0;
    for (Int64 seq : seqs)
        deleted += sweepRoom(seq, cutoff);
    if (deleted > 0)
    {
        // Their words leave the search index in the writer's next turns.
        std::lock_guard<std::mutex> lock(_dbMutex);
        if (_db)
        {
            _db->checkpointErased();
            _purgeDue = _purgeDue || _db->purgeDue();
        }
    }
    if (deleted > 0)
        _log.information("retention: deleted %z messages older than %s from %s", deleted,
                         Message::formatTime(Poco::Timestamp(cutoff)), _path);
    return deleted;
}

std::size_t SqliteStore::sweepRoom(Int64 seq, Int64 cutoff)
{
    // A chunk at a time, the lock released in between, so senders never
    // wait long behind a sweep.
    std::size_t deleted = 0;
    for (bool more = true; more;)
    {
        std::lock_guard<std::mutex> lock(_dbMutex);
        if (!_db)
            return deleted;
        deleted += _db->deleteExpired(seq, cutoff, progressOf(seq), more);
    }
    return deleted;
}

void SqliteStore::deleteRoom(const std::string& roomId)
{
    {
        std::lock_guard<std::mutex> lock(_dbMutex);
        SqliteDatabase& database = db();
        const Int64 seq = seqOf(roomId);
        database.deleteRoom(seq, roomId);
        // Messages of the room still queued now fail: their room is unknown.
        _seqs.erase(roomId);
        _progress.erase(seq);
        _purgeDue = true; // its words leave the search index in the writer's next turns
    }
    std::lock_guard<std::mutex> lock(_queueMutex); // so the writer cannot miss it
    _queued.notify_one();
}

std::vector<std::string> SqliteStore::deletedRooms()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    return db().deletedRooms();
}

void SqliteStore::saveAddressBan(const AddressBan& ban)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    db().saveAddressBan(ban);
}

void SqliteStore::removeAddressBan(const std::string& address)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    db().removeAddressBan(address);
}

std::vector<AddressBan> SqliteStore::addressBans()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    return db().addressBans();
}

void SqliteStore::createAccount(const AccountRecord& account)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    db().accounts().create(account);
}

std::vector<AccountRecord> SqliteStore::accounts()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    return db().accounts().all();
}

void SqliteStore::saveCredential(const Credential& credential)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    db().accounts().saveCredential(credential);
}

void SqliteStore::removeCredential(const std::string& digest)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    db().accounts().removeCredential(digest);
}

std::vector<Credential> SqliteStore::credentials()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    return db().accounts().credentials();
}

void SqliteStore::backup(const std::string& file)
{
    std::unique_ptr<SqliteBackup> copy;
    {
        std::lock_guard<std::mutex> lock(_dbMutex);
        copy = std::make_unique<SqliteBackup>(db().handle(), file);
    }
    // The copy uses the store's connection: every call on it, its end
    // included, under the lock.
    for (bool done = false; !done;)
    {
        std::lock_guard<std::mutex> lock(_dbMutex);
        if (!_db)
        {
            copy.reset();
            throw Poco::IllegalStateException("the store closed during the backup");
        }
        done = copy->step(backupPagesPerStep);
        if (done)
            copy.reset();
    }
    _log.information("backup of %s written to %s", _path, file);
}

} // namespace hchat
