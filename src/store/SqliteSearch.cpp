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

void SqliteSearch::Ranges::clear()
{
    rooms.clear();
    from.clear();
    to.clear();
}

void SqliteSearch::Ranges::add(Int64 room, Int64 first, Int64 end)
{
    end = std::min(end, allOfRoom);
    if (first >= end)
        return;
    rooms.push_back(room);
    from.push_back(first);
    to.push_back(end);
}

void SqliteSearch::index(const Ranges& ranges)
{
    if (!_index)
        _index = std::make_unique<SqliteStatement>(
            Poco::Data::SQLite::Utility::dbHandle(_session),
            "INSERT INTO message_search (rowid, text) SELECT room * 4294967296 + id, text"
            " FROM messages WHERE room = ? AND id >= ? AND id < ? AND kind = 'message'"
            " ORDER BY id");
    for (std::size_t i = 0; i < ranges.rooms.size(); ++i)
        _index->bind(1, ranges.rooms[i]).bind(2, ranges.from[i]).bind(3, ranges.to[i]).run();
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
