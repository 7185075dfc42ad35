#pragma once

#include "model/Message.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <memory>
#include <string>
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
/// that span many rooms cost three times as much); an edit replaces an
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

    struct Ranges
    /// Messages to index: of room rooms[i], those numbered from from[i] up
    /// to to[i].
    {
        std::vector<Poco::Int64> rooms, from, to;
        void clear();
        void add(Poco::Int64 room, Poco::Int64 first, Poco::Int64 end);
    };

    void index(const Ranges& ranges);
    /// Indexes the messages of every range as stored now (edited text;
    /// deleted ones are left out), in the caller's transaction. Throws
    /// when it fails.
    void edit(Poco::Int64 room, Poco::Int64 id, const std::string& text);
    void remove(Poco::Int64 room, Poco::Int64 id);
    void removeBelow(Poco::Int64 room, Poco::Int64 upTo);
    /// Removes the room's messages numbered below upTo (retention); every
    /// one of them when upTo is 2^32 (the room is deleted).
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

    Poco::Data::Session& _session;
    std::unique_ptr<SqliteStatement> _index; ///< compiled at the first index()
};

} // namespace hchat
