#pragma once

#include <Poco/Types.h>

#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace hchat
{

class SqliteStatement
/// One SQL statement of an open SQLite connection, compiled once and run
/// again and again: for the statements of the writer's every commit and
/// the reads of a room's messages. POCO Data compiles a statement anew at
/// each run (1.11), which took a third of the writer's time with thousands
/// of small commits. Not thread-safe; the connection must outlive it.
{
public:
    SqliteStatement(sqlite3* db, const char* sql);
    /// Throws Poco::Data::SQLite's exceptions when it does not compile.
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, Poco::Int64 value);
    SqliteStatement& bind(int index, const std::string& text);
    /// Parameter index (from 1). The text is not copied: it must stay
    /// unchanged until run() returns or step() returns false. A run left
    /// unfinished (rows not all read) is reset first.

    bool step();
    /// The next row of a SELECT: true when there is one, read with integer()
    /// and text(); false at the end, where the statement is cleared for the
    /// next run as by run(). Throws as run() does (cleared too).
    Poco::Int64 integer(int column) const;
    std::string text(int column) const;
    /// A column of the current row, from 0.

    int run();
    /// Runs it to the end (rows of a SELECT are not read), then clears it
    /// for the next run: how many rows it changed. Throws
    /// Poco::Data::SQLite's exceptions on an error.

private:
    void check(int rc);

    sqlite3* const _db;
    sqlite3_stmt* _statement = nullptr;
};

} // namespace hchat
