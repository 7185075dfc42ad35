#include "store/SqliteDatabase.h"

#include "store/SqliteAccounts.h"
#include "store/SqliteSchema.h"
#include "store/SqliteSearch.h"
#include "store/SqliteStatement.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

namespace hchat
{

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace
{

// Messages deleted per statement by the retention sweep, so the sweep never
// holds the database away from the writer for long.
const int sweepChunk = 1000;

const char* const messageColumns =
    "id, kind, author, time, text, crowd, account, sender, target, edited, request";

MessagePtr makeMessage(SqliteDatabase::Rows& rows, std::size_t i)
{
    MessageKind kind = MessageKind::Message;
    Message::parseKind(rows.kinds[i], kind);
    Message::Details details;
    details.account = std::move(rows.accounts[i]);
    details.sender = std::move(rows.senders[i]);
    details.target =
        rows.targets[i] < 0 ? Message::noTarget : static_cast<std::uint64_t>(rows.targets[i]);
    details.edited = rows.edits[i];
    details.request = std::move(rows.requests[i]);
    return std::make_shared<const Message>(static_cast<std::uint64_t>(rows.ids[i]), kind,
                                           std::move(rows.authors[i]),
                                           Poco::Timestamp(rows.times[i]), std::move(rows.texts[i]),
                                           Crowd::parse(rows.crowds[i]), std::move(details));
}

} // namespace

void SqliteDatabase::Rows::clear()
{
    rooms.clear(), ids.clear(), times.clear(), targets.clear(), edits.clear();
    kinds.clear(), authors.clear(), texts.clear(), crowds.clear(), accounts.clear();
    senders.clear(), requests.clear(), amendments.clear();
}

void SqliteDatabase::Rows::add(Int64 room, const Message& message)
{
    rooms.push_back(room);
    ids.push_back(static_cast<Int64>(message.id()));
    times.push_back(message.time().epochMicroseconds());
    kinds.emplace_back(Message::kindName(message.kind()));
    authors.push_back(message.author());
    texts.push_back(message.text());
    crowds.push_back(message.crowd().json());
    accounts.push_back(message.account());
    senders.push_back(message.sender());
    targets.push_back(message.target() == Message::noTarget ? -1
                                                            : static_cast<Int64>(message.target()));
    edits.push_back(message.isEdited() ? message.edited().epochMicroseconds() : 0);
    requests.push_back(message.request());
    if (message.isAmendment())
        amendments.push_back(rooms.size() - 1);
}

SqliteDatabase::SqliteDatabase(const std::string& path)
{
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Path parent = Poco::Path(path).parent();
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
    _session = std::make_unique<Poco::Data::Session>("SQLite", path, 1);
    _search = std::make_unique<SqliteSearch>(*_session);
    _accounts = std::make_unique<SqliteAccounts>(*_session);
    Poco::Data::Session& db = *_session;
    db << "PRAGMA locking_mode=EXCLUSIVE", now;
    int version = 0;
    int objects = 0;
    db << "PRAGMA user_version", into(version), now;
    db << "SELECT count(*) FROM sqlite_master", into(objects), now;
    if (version > SqliteSchema::version)
        throw Poco::DataFormatException("written by a newer hchatd (schema version " +
                                        std::to_string(version) + ")");
    if (version == 0 && objects > 0)
        throw Poco::DataFormatException("not an hchatd database");

    std::string mode;
    // Each commit writes the last leaf page of every room it touches to the
    // WAL; 1 KiB pages instead of 4 KiB cut those bytes fourfold when many
    // rooms are busy. Only takes effect when the file is created.
    db << "PRAGMA page_size=1024", now;
    db << "PRAGMA journal_mode=WAL", into(mode), now;
    if (mode != "wal")
        throw Poco::IOException("cannot switch to WAL mode (journal_mode is " + mode + ")");
    db << "PRAGMA synchronous=FULL", now;
    // What is deleted (a room, expired messages) is overwritten with zeros,
    // not left readable in free pages of the file.
    db << "PRAGMA secure_delete=ON", now;
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
        SqliteSchema::apply(db, version);
        db << "COMMIT", now;
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }
    _search->load();
}

SqliteDatabase::~SqliteDatabase() = default;

void SqliteDatabase::close()
{
    // The statements compiled by hand first: SQLite keeps a connection
    // open while one of them is.
    _begin.reset();
    _insert.reset();
    _commit.reset();
    _floor.reset();
    _newest.reset();
    _read.reset();
    _search.reset();
    if (_session)
        _session->close();
    _session.reset();
}

void SqliteDatabase::rollbackQuietly()
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

std::unordered_map<std::string, Int64> SqliteDatabase::roomKeys()
{
    std::vector<std::string> ids;
    std::vector<Int64> seqs;
    *_session << "SELECT id, seq FROM rooms", into(ids), into(seqs), now;
    std::unordered_map<std::string, Int64> keys;
    for (std::size_t i = 0; i < ids.size(); ++i)
        keys[ids[i]] = seqs[i];
    return keys;
}

Int64 SqliteDatabase::insertRoom(const RoomRecord& room)
{
    std::string id = room.id;
    std::string subject = room.subject;
    int isPublic = room.isPublic ? 1 : 0;
    std::string owner = room.owner;
    std::string ownerKey = room.ownerKey;
    Int64 created = room.created.epochMicroseconds();
    Int64 seq = 0;
    Poco::Data::Session& db = *_session;
    db << "INSERT INTO rooms (id, subject, public, created, next, last, owner, owner_key)"
          " VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
        use(id), use(subject), use(isPublic), use(created), use(created), use(owner), use(ownerKey),
        now;
    db << "SELECT seq FROM rooms WHERE id = ?", into(seq), use(id), now;
    return seq;
}

std::vector<RoomRecord> SqliteDatabase::rooms()
{
    std::vector<std::string> ids, subjects, owners, ownerKeys, postings, moderators;
    std::vector<int> publics, slows;
    std::vector<Int64> seqs, created, last;
    Poco::Data::Session& db = *_session;
    db << "SELECT r.id, r.subject, r.public, r.created, max(r.last, coalesce("
          "(SELECT m.time FROM messages m WHERE m.room = r.seq ORDER BY m.id DESC LIMIT 1),"
          " 0)), r.owner, r.owner_key, r.posting, r.slow, r.moderators, r.seq"
          " FROM rooms r ORDER BY r.seq",
        into(ids), into(subjects), into(publics), into(created), into(last), into(owners),
        into(ownerKeys), into(postings), into(slows), into(moderators), into(seqs), now;
    std::vector<Int64> banRooms, banUntils;
    std::vector<std::string> banNames, banSenders;
    db << "SELECT room, name, sender, until FROM room_bans ORDER BY room, name", into(banRooms),
        into(banNames), into(banSenders), into(banUntils), now;
    std::unordered_map<Int64, std::vector<RoomBan>> bans;
    for (std::size_t i = 0; i < banRooms.size(); ++i)
        bans[banRooms[i]].push_back(
            RoomBan{banNames[i], banSenders[i], Poco::Timestamp(banUntils[i])});
    std::vector<RoomRecord> rooms(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
    {
        rooms[i].id = ids[i];
        rooms[i].subject = subjects[i];
        rooms[i].isPublic = publics[i] != 0;
        rooms[i].created = Poco::Timestamp(created[i]);
        rooms[i].lastActivity = Poco::Timestamp(last[i]);
        rooms[i].owner = owners[i];
        rooms[i].ownerKey = ownerKeys[i];
        RoomRecord::parsePosting(postings[i], rooms[i].posting);
        rooms[i].slowMode = slows[i];
        Poco::StringTokenizer names(moderators[i], " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        rooms[i].moderators.assign(names.begin(), names.end());
        rooms[i].bans = std::move(bans[seqs[i]]);
    }
    return rooms;
}

void SqliteDatabase::saveRoom(Int64 room, const RoomRecord& record)
{
    std::string subject = record.subject;
    int isPublic = record.isPublic ? 1 : 0;
    std::string posting = RoomRecord::postingName(record.posting);
    int slow = record.slowMode;
    std::string moderators =
        Poco::cat(std::string(" "), record.moderators.begin(), record.moderators.end());
    Poco::Data::Session& db = *_session;
    db << "BEGIN IMMEDIATE", now;
    try
    {
        db << "UPDATE rooms SET subject = ?, public = ?, posting = ?, slow = ?, moderators = ?"
              " WHERE seq = ?",
            use(subject), use(isPublic), use(posting), use(slow), use(moderators), use(room), now;
        db << "DELETE FROM room_bans WHERE room = ?", use(room), now;
        for (const RoomBan& ban : record.bans)
        {
            std::string name = ban.name;
            std::string sender = ban.sender;
            Int64 until = ban.until.epochMicroseconds();
            db << "INSERT INTO room_bans (room, name, sender, until) VALUES (?, ?, ?, ?)",
                use(room), use(name), use(sender), use(until), now;
        }
        db << "COMMIT", now;
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }
}

SqliteDatabase::Progress SqliteDatabase::progress(Int64 room)
{
    Int64 next = 0;
    Int64 last = 0;
    Int64 newestId = -1;
    Int64 newestTime = 0;
    prepare();
    for (_floor->bind(1, room); _floor->step();)
    {
        next = _floor->integer(0);
        last = _floor->integer(1);
    }
    for (_newest->bind(1, room); _newest->step();)
    {
        newestId = _newest->integer(0);
        newestTime = _newest->integer(1);
    }
    Progress progress;
    progress.next = static_cast<std::uint64_t>(std::max(next, newestId + 1));
    progress.last = std::max(last, newestTime);
    return progress;
}

void SqliteDatabase::prepare()
{
    if (_begin)
        return;
    sqlite3* db = handle();
    _begin = std::make_unique<SqliteStatement>(db, "BEGIN IMMEDIATE");
    _commit = std::make_unique<SqliteStatement>(db, "COMMIT");
    _insert = std::make_unique<SqliteStatement>(
        db, "INSERT INTO messages (room, id, kind, author, time, text, crowd, account, sender,"
            " target, edited, request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    _floor = std::make_unique<SqliteStatement>(db, "SELECT next, last FROM rooms WHERE seq = ?");
    _newest = std::make_unique<SqliteStatement>(
        db, "SELECT id, time FROM messages WHERE room = ? ORDER BY id DESC LIMIT 1");
    _read = std::make_unique<SqliteStatement>(
        db, (std::string("SELECT ") + messageColumns +
             " FROM messages WHERE room = ? AND id >= ? ORDER BY id LIMIT ?")
                .c_str());
}

void SqliteDatabase::insert()
{
    if (_rows.rooms.empty())
        return;
    prepare();
    try
    {
        _begin->run();
        for (std::size_t i = 0; i < _rows.rooms.size(); ++i)
            _insert->bind(1, _rows.rooms[i])
                .bind(2, _rows.ids[i])
                .bind(3, _rows.kinds[i])
                .bind(4, _rows.authors[i])
                .bind(5, _rows.times[i])
                .bind(6, _rows.texts[i])
                .bind(7, _rows.crowds[i])
                .bind(8, _rows.accounts[i])
                .bind(9, _rows.senders[i])
                .bind(10, _rows.targets[i])
                .bind(11, _rows.edits[i])
                .bind(12, _rows.requests[i])
                .run();
        for (std::size_t row : _rows.amendments)
            amend(row);
        _commit->run();
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }
}

void SqliteDatabase::amend(std::size_t row)
{
    // As Message::amendedBy does to the copies in memory.
    Poco::Data::Session& db = *_session;
    Int64 room = _rows.rooms[row];
    Int64 target = _rows.targets[row];
    if (_rows.kinds[row] == Message::kindName(MessageKind::Edit))
    {
        std::string text = _rows.texts[row];
        Int64 time = _rows.times[row];
        db << "UPDATE messages SET text = ?, edited = ? WHERE room = ? AND id = ? AND kind = ?",
            use(text), use(time), use(room), use(target),
            bind(std::string(Message::kindName(MessageKind::Message))), now;
        _search->edit(room, target, text);
        return;
    }
    db << "UPDATE messages SET kind = ?, text = '', crowd = '' WHERE room = ? AND id = ? AND kind "
          "= ?",
        bind(std::string(Message::kindName(MessageKind::Deleted))), use(room), use(target),
        bind(std::string(Message::kindName(MessageKind::Message))), now;
    db << "UPDATE messages SET text = '' WHERE room = ? AND target = ? AND kind = ?", use(room),
        use(target), bind(std::string(Message::kindName(MessageKind::Edit))), now;
    _search->remove(room, target);
    _erased = true;
}

void SqliteDatabase::checkpointErased()
{
    if (!_erased)
        return;
    _erased = false;
    _unmerged = true; // the search index still has the words: purgeStep()
    // The WAL still holds the pages as they were: copied into the file
    // (where secure_delete zeroed the old text) and emptied.
    *_session << "PRAGMA wal_checkpoint(TRUNCATE)", now;
}

bool SqliteDatabase::purgeStep()
{
    if (!_unmerged)
        return false;
    if (_search->mergeStep())
        return true;
    _unmerged = false;
    // The index's old pages, like the text's, are zeroed in the file and
    // still whole in the WAL.
    *_session << "PRAGMA wal_checkpoint(TRUNCATE)", now;
    return false;
}

std::vector<MessagePtr> SqliteDatabase::read(Int64 room, std::uint64_t from, std::size_t limit)
{
    Rows rows;
    prepare();
    _read->bind(1, room)
        .bind(2, static_cast<Int64>(from))
        .bind(3, static_cast<Int64>(std::min<std::size_t>(limit, INT64_MAX)));
    while (_read->step())
    {
        // The columns in the order of messageColumns.
        rows.ids.push_back(_read->integer(0));
        rows.kinds.push_back(_read->text(1));
        rows.authors.push_back(_read->text(2));
        rows.times.push_back(_read->integer(3));
        rows.texts.push_back(_read->text(4));
        rows.crowds.push_back(_read->text(5));
        rows.accounts.push_back(_read->text(6));
        rows.senders.push_back(_read->text(7));
        rows.targets.push_back(_read->integer(8));
        rows.edits.push_back(_read->integer(9));
        rows.requests.push_back(_read->text(10));
    }
    std::vector<MessagePtr> out;
    out.reserve(rows.ids.size());
    for (std::size_t i = 0; i < rows.ids.size(); ++i)
        out.push_back(makeMessage(rows, i));
    return out;
}

std::size_t SqliteDatabase::index(const std::vector<std::pair<Int64, Int64>>& rooms,
                                  std::size_t budget)
{
    const SqliteSearch::Ranges ranges = _search->plan(rooms, budget);
    if (ranges.rooms.empty())
        return 0;
    prepare();
    try
    {
        _begin->run();
        _search->index(ranges);
        _commit->run();
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }
    _search->committed(ranges);
    return ranges.messages();
}

std::vector<Store::Found> SqliteDatabase::search(Int64 room, const std::string& words,
                                                 std::size_t limit, std::uint64_t before)
{
    std::vector<Store::Found> found;
    for (SqliteSearch::Hit& hit : _search->find(room, words, limit, before))
    {
        std::vector<MessagePtr> message = read(room, hit.id, 1);
        if (!message.empty() && message.front()->id() == hit.id)
            found.push_back(Store::Found{message.front(), std::move(hit.snippet)});
    }
    return found;
}

std::size_t SqliteDatabase::deleteExpired(Int64 room, Int64 cutoff, const Progress& progress,
                                          bool& more)
{
    // A room's messages are numbered in the order of their times and
    // retention only ever removes the oldest, so what has expired is a range
    // of the primary key: from the lowest number up to the first message that
    // has not expired.
    more = false;
    Poco::Data::Session& db = *_session;
    Int64 first = -1;
    db << "SELECT id FROM messages WHERE room = ? ORDER BY id LIMIT 1", into(first), use(room), now;
    if (first < 0)
        return 0;
    Int64 chunkEnd = first + sweepChunk;
    Int64 kept = -1;
    db << "SELECT id FROM messages WHERE room = ? AND id >= ? AND id < ? AND time >= ?"
          " ORDER BY id LIMIT 1",
        into(kept), use(room), use(first), use(chunkEnd), use(cutoff), now;
    Int64 upTo = kept >= 0 ? kept : chunkEnd;
    if (upTo == first)
        return 0;
    Int64 next = static_cast<Int64>(progress.next);
    Int64 last = progress.last;
    Poco::Data::Statement remove(db);
    remove << "DELETE FROM messages WHERE room = ? AND id < ?", use(room), use(upTo);
    std::size_t deleted = 0;
    db << "BEGIN IMMEDIATE", now;
    try
    {
        db << "UPDATE rooms SET next = ?, last = ? WHERE seq = ?", use(next), use(last), use(room),
            now;
        deleted = remove.execute();
        _search->removeBelow(room, upTo);
        db << "COMMIT", now;
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }
    more = kept < 0;
    _erased = _erased || deleted > 0;
    return deleted;
}

void SqliteDatabase::deleteRoom(Int64 room, const std::string& id)
{
    std::string roomId = id;
    Int64 time = Poco::Timestamp().epochMicroseconds();
    Poco::Data::Session& db = *_session;
    db << "BEGIN IMMEDIATE", now;
    try
    {
        db << "DELETE FROM messages WHERE room = ?", use(room), now;
        _search->removeRoom(room);
        db << "DELETE FROM room_bans WHERE room = ?", use(room), now;
        db << "DELETE FROM rooms WHERE seq = ?", use(room), now;
        db << "INSERT OR REPLACE INTO deleted_rooms (id, time) VALUES (?, ?)", use(roomId),
            use(time), now;
        db << "COMMIT", now;
    }
    catch (...)
    {
        rollbackQuietly();
        throw;
    }
    _search->forget(room);
    _erased = true;
    checkpointErased();
}

std::vector<std::string> SqliteDatabase::deletedRooms()
{
    std::vector<std::string> ids;
    *_session << "SELECT id FROM deleted_rooms", into(ids), now;
    return ids;
}

void SqliteDatabase::saveAddressBan(const AddressBan& ban)
{
    std::string address = ban.address;
    Int64 until = ban.until.epochMicroseconds();
    *_session << "INSERT OR REPLACE INTO address_bans (address, until) VALUES (?, ?)", use(address),
        use(until), now;
}

void SqliteDatabase::removeAddressBan(const std::string& address)
{
    std::string key = address;
    *_session << "DELETE FROM address_bans WHERE address = ?", use(key), now;
}

std::vector<AddressBan> SqliteDatabase::addressBans()
{
    std::vector<std::string> addresses;
    std::vector<Int64> untils;
    *_session << "SELECT address, until FROM address_bans ORDER BY address", into(addresses),
        into(untils), now;
    std::vector<AddressBan> bans(addresses.size());
    for (std::size_t i = 0; i < bans.size(); ++i)
    {
        bans[i].address = addresses[i];
        bans[i].until = Poco::Timestamp(untils[i]);
    }
    return bans;
}

sqlite3* SqliteDatabase::handle()
{
    return Poco::Data::SQLite::Utility::dbHandle(*_session);
}

} // namespace hchat
