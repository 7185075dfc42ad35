#include "store/SqliteSearch.h"
#include "store/SqliteStatement.h"

#include <Poco/Ascii.h>
#include <Poco/Data/SQLite/Utility.h>

#include <algorithm>

#include <sqlite3.h>

namespace hchat
{

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace
{
const std::size_t maxWords = 16;
} // namespace

const char* SqliteSearch::schema()
{
    // Its own copy of each text (the messages table has no rowid to point
    // to); words folded to lower case without diacritics ("cafe" finds "Café").
    return "CREATE VIRTUAL TABLE message_search USING fts5("
           "text, tokenize = 'unicode61 remove_diacritics 2')";
}

const char* SqliteSearch::fill()
{
    return "INSERT INTO message_search (rowid, text) SELECT room * 4294967296 + id, text"
           " FROM messages WHERE kind = 'message' AND id < 4294967296";
}

std::string SqliteSearch::matchExpression(const std::string& words)
{
    // Each word a quoted FTS5 string (a quote inside doubled), so none of
    // its characters is syntax; the last one a prefix query.
    std::vector<std::string> quoted;
    std::string word;
    auto flush = [&]()
    {
        if (!word.empty() && quoted.size() < maxWords)
            quoted.push_back("\"" + word + "\"");
        word.clear();
    };
    for (char c : words)
    {
        if (Poco::Ascii::isSpace(c))
            flush();
        else if (c == '"')
            word += "\"\"";
        else
            word += c;
    }
    flush();
    std::string expression;
    for (const std::string& q : quoted)
        expression += (expression.empty() ? "" : " ") + q;
    if (!expression.empty())
        expression += '*';
    return expression;
}

SqliteSearch::SqliteSearch(Poco::Data::Session& session) : _session(session) {}

SqliteSearch::~SqliteSearch() = default;

void SqliteSearch::Ranges::add(Int64 room, Int64 first, Int64 end)
{
    rooms.push_back(room);
    from.push_back(first);
    to.push_back(end);
}

std::size_t SqliteSearch::Ranges::messages() const
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < rooms.size(); ++i)
        count += static_cast<std::size_t>(to[i] - from[i]);
    return count;
}

void SqliteSearch::load()
{
    std::vector<Int64> seqs, indexed;
    _session << "SELECT seq, indexed FROM rooms", into(seqs), into(indexed), now;
    for (std::size_t i = 0; i < seqs.size(); ++i)
        _indexed[seqs[i]] = indexed[i];
}

Int64 SqliteSearch::indexed(Int64 room) const
{
    auto found = _indexed.find(room);
    return found == _indexed.end() ? 0 : found->second;
}

std::vector<Int64> SqliteSearch::unindexedRooms()
{
    // The newest message of each room is one primary-key step away.
    std::vector<Int64> seqs;
    _session << "SELECT seq FROM rooms WHERE indexed <= "
                "(SELECT coalesce(max(id), -1) FROM messages WHERE room = rooms.seq)",
        into(seqs), now;
    return seqs;
}

SqliteSearch::Ranges SqliteSearch::plan(const std::vector<std::pair<Int64, Int64>>& rooms,
                                        std::size_t budget) const
{
    Ranges ranges;
    std::size_t planned = 0;
    for (const auto& [room, next] : rooms)
    {
        const Int64 from = indexed(room);
        if (from >= next || planned >= budget)
            continue;
        const Int64 to = from + static_cast<Int64>(std::min<std::uint64_t>(
                                    static_cast<std::uint64_t>(next - from), budget - planned));
        ranges.add(room, from, to);
        planned += static_cast<std::size_t>(to - from);
    }
    return ranges;
}

void SqliteSearch::index(const Ranges& ranges)
{
    if (!_index)
    {
        sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(_session);
        _index = std::make_unique<SqliteStatement>(
            db, "INSERT INTO message_search (rowid, text) SELECT room * 4294967296 + id, text"
                " FROM messages WHERE room = ? AND id >= ? AND id < ? AND kind = 'message'"
                " ORDER BY id");
        _mark = std::make_unique<SqliteStatement>(db, "UPDATE rooms SET indexed = ? WHERE seq = ?");
    }
    for (std::size_t i = 0; i < ranges.rooms.size(); ++i)
    {
        const Int64 end = std::min(ranges.to[i], allOfRoom); // none above: see the class
        if (ranges.from[i] < end)
            _index->bind(1, ranges.rooms[i]).bind(2, ranges.from[i]).bind(3, end).run();
        _mark->bind(1, ranges.to[i]).bind(2, ranges.rooms[i]).run();
    }
}

void SqliteSearch::committed(const Ranges& ranges)
{
    for (std::size_t i = 0; i < ranges.rooms.size(); ++i)
        _indexed[ranges.rooms[i]] = ranges.to[i];
}

void SqliteSearch::edit(Int64 room, Int64 id, const std::string& text)
{
    Int64 k = key(room, id);
    std::string t = text;
    _session << "UPDATE message_search SET text = ? WHERE rowid = ?", use(t), use(k), now;
}

void SqliteSearch::remove(Int64 room, Int64 id)
{
    Int64 k = key(room, id);
    _session << "DELETE FROM message_search WHERE rowid = ?", use(k), now;
}

void SqliteSearch::removeBelow(Int64 room, Int64 upTo)
{
    removeRange(room, upTo);
    _session << "UPDATE rooms SET indexed = max(indexed, ?) WHERE seq = ?", use(upTo), use(room),
        now;
    Int64& indexed = _indexed[room];
    indexed = std::max(indexed, upTo);
}

void SqliteSearch::removeRoom(Int64 room)
{
    removeRange(room, allOfRoom);
}

void SqliteSearch::forget(Int64 room)
{
    _indexed.erase(room);
}

void SqliteSearch::removeRange(Int64 room, Int64 upTo)
{
    Int64 first = key(room, 0);
    Int64 end = key(room, std::min(upTo, allOfRoom));
    _session << "DELETE FROM message_search WHERE rowid >= ? AND rowid < ?", use(first), use(end),
        now;
}

bool SqliteSearch::mergeStep()
{
    // FTS5's 'merge' with a negative number merges every level down to one
    // segment, a bounded amount at a time; a step that changed fewer than
    // two rows did nothing: the index is one segment.
    sqlite3* handle = Poco::Data::SQLite::Utility::dbHandle(_session);
    const int before = sqlite3_total_changes(handle);
    _session << "INSERT INTO message_search (message_search, rank) VALUES ('merge', ?)",
        bind(-mergePages), now;
    return sqlite3_total_changes(handle) - before >= 2;
}

std::vector<SqliteSearch::Hit> SqliteSearch::find(Int64 room, const std::string& words,
                                                  std::size_t limit, std::uint64_t before)
{
    std::vector<Hit> hits;
    std::string expression = matchExpression(words);
    if (expression.empty() || before == 0)
        return hits;
    Int64 first = key(room, 0);
    Int64 last = key(room, std::min<std::uint64_t>(before, allOfRoom) - 1);
    Int64 count = static_cast<Int64>(limit);
    std::vector<Int64> keys;
    std::vector<std::string> snippets;
    _session << "SELECT rowid, snippet(message_search, 0, char(2), char(3), '…', 16)"
                " FROM message_search WHERE message_search MATCH ? AND rowid >= ? AND rowid <= ?"
                " ORDER BY rank, rowid DESC LIMIT ?",
        into(keys), into(snippets), use(expression), use(first), use(last), use(count), now;
    for (std::size_t i = 0; i < keys.size(); ++i)
        hits.push_back(Hit{static_cast<std::uint64_t>(keys[i] - first), std::move(snippets[i])});
    return hits;
}

} // namespace hchat
