#include "store/SqliteStore.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <chrono>
#include <pthread.h>

namespace hchat
{

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace
{

// The schema, version 1 (PRAGMA user_version). Times are microseconds since
// 1970, UTC. An upgrade adds a step in SqliteStore::open() from the version
// found to the next one; a file of a newer version is refused.
const int schemaVersion = 1;
const char* const schema[] = {
    "CREATE TABLE rooms ("
    " seq     INTEGER PRIMARY KEY,"  // internal key, what messages refer to
    " id      TEXT NOT NULL UNIQUE," // the public id: 32 lowercase hex characters
    " subject TEXT NOT NULL,"        // UTF-8, at most 200 bytes, may be empty
    " public  INTEGER NOT NULL,"     // 1: listed on the index page and /api/rooms
    " created INTEGER NOT NULL,"     // when the room was created
    " next    INTEGER NOT NULL,"     // at least the number its next message gets, and
    " last    INTEGER NOT NULL)",    // at least the time of its last message: both
                                     // written when retention deletes a room's
                                     // messages, else the newest message says it
    "CREATE TABLE messages ("
    " room   INTEGER NOT NULL," // rooms.seq
    " id     INTEGER NOT NULL," // number in the room: 0, 1, 2, … without gaps
    " kind   TEXT NOT NULL,"    // message, join, leave or nick
    " author TEXT NOT NULL,"    // display name
    " time   INTEGER NOT NULL," // when it was appended
    " text   TEXT NOT NULL,"    // exactly as sent, UTF-8
    " PRIMARY KEY (room, id)) WITHOUT ROWID",
};

// One transaction holds at most this many messages, so a flood of senders
// cannot make one commit (and the wait of the first sender in it) unbounded.
const std::size_t maxBatch = 4096;
// Messages deleted per statement by the retention sweep, so the sweep never
// holds the database away from the writer for long.
const int sweepChunk = 1000;

MessagePtr makeMessage(Int64 id, const std::string& kindName, std::string author, Int64 time,
                       std::string text)
{
    MessageKind kind = MessageKind::Message;
    Message::parseKind(kindName, kind);
    return std::make_shared<const Message>(static_cast<std::uint64_t>(id), kind, std::move(author),
                                           Poco::Timestamp(time), std::move(text));
}

} // namespace

SqliteStore::SqliteStore(const std::string& path, Poco::Timespan retention)
    : _path(Poco::Path(path).absolute().toString()), _retention(retention),
      _log(Poco::Logger::get("hchatd.store"))
{
    Poco::Data::SQLite::Connector::registerConnector();
    try
    {
        open();
    }
    catch (const Poco::Exception& e)
    {
        _session.reset();
        throw Poco::IOException("cannot use the database " + _path + ": " + e.message());
    }
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

void SqliteStore::open()
{
    Poco::Path parent = Poco::Path(_path).parent();
    Poco::File folder(parent);
    try
    {
        if (!folder.exists())
            folder.createDirectories();
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::CreateFileException("cannot create the folder " + parent.toString() + " (" +
                                        e.displayText() + ")");
    }

    // Opening does no I/O yet; the first statement reads the header, which
    // fails for a file that is not a database. Nothing is written until the
    // file is known to be empty or an hchatd database of a known version.
    _session = std::make_unique<Poco::Data::Session>("SQLite", _path, 1);
    Poco::Data::Session& db = *_session;
    db << "PRAGMA locking_mode=EXCLUSIVE", now;
    int version = 0;
    int objects = 0;
    db << "PRAGMA user_version", into(version), now;
    db << "SELECT count(*) FROM sqlite_master", into(objects), now;
    if (version > schemaVersion)
        throw Poco::DataFormatException("written by a newer hchatd (schema version " +
                                        std::to_string(version) + ")");
    if (version == 0 && objects > 0)
        throw Poco::DataFormatException("not an hchatd database");

    std::string mode;
    // Each commit writes the last leaf page of every room it touches to the
    // WAL; 1 KiB pages instead of 4 KiB cut those bytes fourfold when many
    // rooms are busy (make bench: about 12% less CPU per message with 32
    // rooms). Only takes effect when the file is created.
    db << "PRAGMA page_size=1024", now;
    db << "PRAGMA journal_mode=WAL", into(mode), now;
    if (mode != "wal")
        throw Poco::IOException("cannot switch to WAL mode (journal_mode is " + mode + ")");
    db << "PRAGMA synchronous=FULL", now;
    // Takes the exclusive lock, kept until close (locking_mode above).
    try
    {
        db << "BEGIN EXCLUSIVE", now;
    }
    catch (const Poco::Data::SQLite::DBLockedException& e)
    {
        throw Poco::Data::SQLite::DBLockedException(e.message() + " (is another hchatd using it?)");
    }
    try
    {
        if (version == 0)
        {
            for (const char* statement : schema)
                db << statement, now;
            db << "PRAGMA user_version=" + std::to_string(schemaVersion), now;
        }
        db << "COMMIT", now;
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }

    std::vector<std::string> ids;
    std::vector<Int64> seqs;
    db << "SELECT id, seq FROM rooms", into(ids), into(seqs), now;
    for (std::size_t i = 0; i < ids.size(); ++i)
        _seqs[ids[i]] = seqs[i];
    _log.information("database %s: %z rooms", _path, ids.size());
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
        if (_session)
            _session->close();
    }
    catch (const Poco::Exception& e)
    {
        _log.error("closing %s: %s", _path, e.displayText());
    }
    _session.reset();
}

void SqliteStore::rollbackQuietly()
{
    try
    {
        *_session << "ROLLBACK", now;
    }
    catch (const Poco::Exception&)
    {
        // SQLite already rolled back (some I/O errors do that) or nothing was open.
    }
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
    Int64 next = 0;
    Int64 last = 0;
    Int64 newestId = -1;
    Int64 newestTime = 0;
    Poco::Data::Session& db = *_session;
    db << "SELECT next, last FROM rooms WHERE seq = ?", into(next), into(last), use(seq), now;
    db << "SELECT id, time FROM messages WHERE room = ? ORDER BY id DESC LIMIT 1", into(newestId),
        into(newestTime), use(seq), now;
    Progress& progress = _progress[seq];
    progress.next = static_cast<std::uint64_t>(std::max(next, newestId + 1));
    progress.last = std::max(last, newestTime);
    return progress;
}

void SqliteStore::createRoom(const RoomRecord& room)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    if (!_session)
        throw Poco::IllegalStateException("the store is closed");
    if (_seqs.count(room.id))
        throw Poco::ExistsException("room exists", room.id);
    std::string id = room.id;
    std::string subject = room.subject;
    int isPublic = room.isPublic ? 1 : 0;
    Int64 created = room.created.epochMicroseconds();
    Int64 seq = 0;
    Poco::Data::Session& db = *_session;
    db << "INSERT INTO rooms (id, subject, public, created, next, last) VALUES (?, ?, ?, ?, 0, ?)",
        use(id), use(subject), use(isPublic), use(created), use(created), now;
    db << "SELECT seq FROM rooms WHERE id = ?", into(seq), use(id), now;
    _seqs[room.id] = seq;
}

std::vector<RoomRecord> SqliteStore::rooms()
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    if (!_session)
        throw Poco::IllegalStateException("the store is closed");
    std::vector<std::string> ids, subjects;
    std::vector<int> publics;
    std::vector<Int64> created, last;
    *_session << "SELECT r.id, r.subject, r.public, r.created, max(r.last, coalesce("
                 "(SELECT m.time FROM messages m WHERE m.room = r.seq ORDER BY m.id DESC LIMIT 1),"
                 " 0)) FROM rooms r ORDER BY r.seq",
        into(ids), into(subjects), into(publics), into(created), into(last), now;
    std::vector<RoomRecord> rooms(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
    {
        rooms[i].id = ids[i];
        rooms[i].subject = subjects[i];
        rooms[i].isPublic = publics[i] != 0;
        rooms[i].created = Poco::Timestamp(created[i]);
        rooms[i].lastActivity = Poco::Timestamp(last[i]);
    }
    return rooms;
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
            if (_retention > 0)
                _queued.wait_until(lock, nextSweep, [&] { return !_queue.empty() || _stopping; });
            else
                _queued.wait(lock, [&] { return !_queue.empty() || _stopping; });
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
    }
}

void SqliteStore::commitBatch(std::deque<Pending>& batch)
{
    std::vector<Pending*> accepted;
    Rows& rows = _rows;
    rows.clear();
    std::unordered_map<Int64, Progress> touched;

    std::unique_lock<std::mutex> lock(_dbMutex);
    try
    {
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
            rows.rooms.push_back(seq);
            rows.ids.push_back(static_cast<Int64>(p.message->id()));
            rows.times.push_back(progress.last);
            rows.kinds.emplace_back(Message::kindName(p.message->kind()));
            rows.authors.push_back(p.message->author());
            rows.texts.push_back(p.message->text());
        }
        if (accepted.empty())
            return;

        Poco::Data::Session& db = *_session;
        if (!_insert)
        {
            // Prepared once and run again for every batch: the vectors of
            // _rows are bound by reference (POCO reads them at each run).
            _begin = std::make_unique<Poco::Data::Statement>(db << "BEGIN IMMEDIATE");
            _commit = std::make_unique<Poco::Data::Statement>(db << "COMMIT");
            _insert = std::make_unique<Poco::Data::Statement>(
                (db << "INSERT INTO messages (room, id, kind, author, time, text)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                 use(rows.rooms), use(rows.ids), use(rows.kinds), use(rows.authors),
                 use(rows.times), use(rows.texts)));
        }
        _begin->execute();
        _insert->execute();
        _commit->execute();
    }
    catch (const Poco::Exception& e)
    {
        // Statements that failed mid-way are not trusted again: prepared anew.
        _begin.reset();
        _insert.reset();
        _commit.reset();
        rollbackQuietly();
        lock.unlock();
        _log.error("cannot store %z messages in %s: %s", accepted.size(), _path, e.displayText());
        auto failure =
            std::make_exception_ptr(Poco::IOException("the database could not store it"));
        for (Pending* p : accepted)
            p->stored.set_exception(failure);
        return;
    }
    for (const auto& entry : touched)
        _progress[entry.first] = entry.second;
    lock.unlock();
    for (Pending* p : accepted)
        p->stored.set_value();
}

std::vector<MessagePtr> SqliteStore::read(const std::string& roomId, std::uint64_t from,
                                          std::size_t limit)
{
    std::lock_guard<std::mutex> lock(_dbMutex);
    if (!_session)
        throw Poco::IllegalStateException("the store is closed");
    auto found = _seqs.find(roomId);
    if (found == _seqs.end())
        return {};
    return readLocked(found->second, from, limit);
}

std::vector<MessagePtr> SqliteStore::readLocked(Int64 seq, std::uint64_t from, std::size_t limit)
{
    std::vector<Int64> ids, times;
    std::vector<std::string> kinds, authors, texts;
    Int64 first = static_cast<Int64>(from);
    Int64 count = static_cast<Int64>(limit);
    *_session << "SELECT id, kind, author, time, text FROM messages"
                 " WHERE room = ? AND id >= ? ORDER BY id LIMIT ?",
        into(ids), into(kinds), into(authors), into(times), into(texts), use(seq), use(first),
        use(count), now;
    std::vector<MessagePtr> out;
    out.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        out.push_back(
            makeMessage(ids[i], kinds[i], std::move(authors[i]), times[i], std::move(texts[i])));
    return out;
}

Store::Tail SqliteStore::tail(const std::string& roomId, std::size_t count)
{
    Tail tail;
    std::lock_guard<std::mutex> lock(_dbMutex);
    if (!_session)
        throw Poco::IllegalStateException("the store is closed");
    auto found = _seqs.find(roomId);
    if (found == _seqs.end())
        return tail;
    tail.next = progressOf(found->second).next;
    tail.recent = readLocked(found->second, tail.next > count ? tail.next - count : 0, count);
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
        _log.information("retention: deleted %z messages older than %s from %s", deleted,
                         Message::formatTime(Poco::Timestamp(cutoff)), _path);
    return deleted;
}

std::size_t SqliteStore::sweepRoom(Int64 seq, Int64 cutoff)
{
    // A room's messages are numbered in the order of their times and
    // retention only ever removes the oldest, so what has expired is a range
    // of the primary key: from the lowest number up to the first message that
    // has not expired. It is deleted a chunk at a time, the lock released in
    // between, so senders never wait long behind a sweep.
    std::size_t deleted = 0;
    for (;;)
    {
        std::lock_guard<std::mutex> lock(_dbMutex);
        if (!_session)
            return deleted;
        Poco::Data::Session& db = *_session;
        Int64 first = -1;
        db << "SELECT id FROM messages WHERE room = ? ORDER BY id LIMIT 1", into(first), use(seq),
            now;
        if (first < 0)
            return deleted;
        Int64 chunkEnd = first + sweepChunk;
        Int64 kept = -1;
        db << "SELECT id FROM messages WHERE room = ? AND id >= ? AND id < ? AND time >= ?"
              " ORDER BY id LIMIT 1",
            into(kept), use(seq), use(first), use(chunkEnd), use(cutoff), now;
        Int64 upTo = kept >= 0 ? kept : chunkEnd;
        if (upTo == first)
            return deleted;
        // Deleting a room's newest message must not let its number be
        // given again after a restart: keep the room's progress in its row.
        const Progress progress = progressOf(seq);
        Int64 next = static_cast<Int64>(progress.next);
        Int64 last = progress.last;
        Poco::Data::Statement remove(db);
        remove << "DELETE FROM messages WHERE room = ? AND id < ?", use(seq), use(upTo);
        db << "BEGIN IMMEDIATE", now;
        try
        {
            db << "UPDATE rooms SET next = ?, last = ? WHERE seq = ?", use(next), use(last),
                use(seq), now;
            deleted += remove.execute();
            db << "COMMIT", now;
        }
        catch (...)
        {
            rollbackQuietly();
            throw;
        }
        if (kept >= 0)
            return deleted;
    }
}

} // namespace hchat
