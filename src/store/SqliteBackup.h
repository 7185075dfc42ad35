#pragma once

#include <string>

struct sqlite3;
struct sqlite3_backup;

namespace hchat
{

class SqliteBackup
/// A copy of an open SQLite database into a new file with SQLite's online
/// backup, a few pages at a time: between steps the source connection is
/// free for its other work, and what that connection changes meanwhile is
/// carried into the copy, so the finished copy is the database as of the
/// last step, in one file of its own (journal_mode DELETE). The file is
/// removed again if the copy does not finish.
/// Not thread-safe: its caller serializes step() with every other use of
/// the source connection.
{
public:
    SqliteBackup(sqlite3* source, const std::string& file);
    /// Creates the file (replacing one that is there). Throws
    /// Poco::CreateFileException naming it when it cannot.
    ~SqliteBackup();

    SqliteBackup(const SqliteBackup&) = delete;
    SqliteBackup& operator=(const SqliteBackup&) = delete;

    bool step(int pages);
    /// Copies up to `pages` more pages; true once the copy is complete and
    /// the file closed. Throws Poco::IOException when the copy fails.

private:
    void close();

    const std::string _file;
    sqlite3* _target = nullptr;
    sqlite3_backup* _backup = nullptr;
    bool _done = false;
};

} // namespace hchat
