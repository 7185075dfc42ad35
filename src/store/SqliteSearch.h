#pragma once

#include "model/Message.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hchat
{

class SqliteStatement;

class SqliteSearch
/// The full-text index of the messages of the hchatd database (SQLite FTS5,
/// table message_search): one row per message of kind `message`, whose
/// rowid is its room's key (rooms.seq) times 2^32 plus its number, so one
/// room's rows are one rowid range. Messages numbered 2^32 or above are not
/// indexed. New messages are indexed in chunks after they are stored
/// (index(); FTS5 writes one segment per transaction, and small ones
/// that span many rooms cost three times as much), and how far each room
/// is indexed is kept in rooms.indexed (and here); an edit replaces an
/// indexed message's words, a deletion removes them, and mergeStep()
/// rewrites the index so that removed words do not stay in the file.
/// Not thread-safe: its owner serializes every call.
{
public:
    struct Hit
    /// A message found, and the words around what matched.
    {
        std::uint64_t id = 0;
        std::string snippet; ///< matched words between \x02 and \x03; … where cut
    };

    static const char* schema();
    /// The statement that creates the index (a new file).
    static const char* fill();
    /// The statement that indexes what an older file holds (its upgrade).

    static std::string matchExpression(const std::string& words);
    /// The FTS5 query for words typed by a person: every word must be
    /// there, the last one as a prefix ("hel" finds "hello"); nothing of
    /// FTS5's own syntax ("AND", quotes, "*", "-", columns) is taken from
    /// the words. Empty when there is no word.

    explicit SqliteSearch(Poco::Data::Session& session);
    ~SqliteSearch();

    void load();
    /// Reads how far each room is indexed (the schema in place).
    Poco::Int64 indexed(Poco::Int64 room) const;
    /// The room's messages numbered below this are searchable.
    std::vector<Poco::Int64> unindexedRooms();
    /// The rooms with stored messages not yet searchable (a stop came first).

    struct Ranges
    /// Messages to index: of room rooms[i], those numbered from from[i] up
    /// to to[i].
    {
        std::vector<Poco::Int64> rooms, from, to;
        void add(Poco::Int64 room, Poco::Int64 first, Poco::Int64 end);
        std::size_t messages() const;
    };

    Ranges plan(const std::vector<std::pair<Poco::Int64, Poco::Int64>>& rooms,
                std::size_t budget) const;
    /// Of each (room, next) pair, the messages below next not yet indexed,
    /// at most budget in all.
    void index(const Ranges& ranges);
    /// Indexes the messages of every range as stored now (edited text;
    /// deleted ones are left out) and moves rooms.indexed past them, in
    /// the caller's transaction. Throws when it fails.
    void committed(const Ranges& ranges);
    /// That transaction is committed: the ranges count as indexed here too.
    void edit(Poco::Int64 room, Poco::Int64 id, const std::string& text);
    void remove(Poco::Int64 room, Poco::Int64 id);
    void removeBelow(Poco::Int64 room, Poco::Int64 upTo);
    /// Retention, in the caller's transaction: removes the room's messages
    /// numbered below upTo, which count as indexed (they are gone).
    void removeRoom(Poco::Int64 room);
    /// The room is deleted, in the caller's transaction: its messages go;
    /// forget() it once that is committed.
    void forget(Poco::Int64 room);
    static constexpr Poco::Int64 allOfRoom = Poco::Int64(1) << 32;

    bool mergeStep();
    /// After removals: one step (at most mergePages pages) of merging the
    /// index into one segment, which drops what was removed (FTS5 keeps
    /// removed words in older segments until they are merged). True while
    /// steps remain; the steps add up to about 2 s per million messages.
    static constexpr int mergePages = 200;

    std::vector<Hit> find(Poco::Int64 room, const std::string& words, std::size_t limit,
                          std::uint64_t before);
    /// The best matches in the room numbered below before (FTS5's bm25
    /// rank, then the newest).

private:
    static Poco::Int64 key(Poco::Int64 room, Poco::Int64 id) { return room * allOfRoom + id; }

    void removeRange(Poco::Int64 room, Poco::Int64 upTo);

    Poco::Data::Session& _session;
    std::unordered_map<Poco::Int64, Poco::Int64> _indexed; ///< rooms.indexed, by room key
    /// Compiled at the first index().
    std::unique_ptr<SqliteStatement> _index, _mark;
};

} // namespace hchat
