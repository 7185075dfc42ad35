#include "store/SqliteStatement.h"

#include <Poco/Data/SQLite/Utility.h>

#include <sqlite3.h>

namespace hchat
{

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql) : _db(db)
{
    const int rc = sqlite3_prepare_v2(db, sql, -1, &_statement, nullptr);
    if (rc != SQLITE_OK)
    {
        sqlite3_finalize(_statement);
        Poco::Data::SQLite::Utility::throwException(db, rc, sql);
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(_statement);
}

SqliteStatement& SqliteStatement::bind(int index, Poco::Int64 value)
{
    if (sqlite3_stmt_busy(_statement))
        sqlite3_reset(_statement);
    check(sqlite3_bind_int64(_statement, index, value));
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& text)
{
    if (sqlite3_stmt_busy(_statement))
        sqlite3_reset(_statement);
    check(sqlite3_bind_text(_statement, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_STATIC));
    return *this;
}

int SqliteStatement::run()
{
    while (step())
    {
        // Rows of a SELECT are not read.
    }
    return sqlite3_changes(_db);
}

bool SqliteStatement::step()
{
    const int rc = sqlite3_step(_statement);
    if (rc == SQLITE_ROW)
        return true;
    // Cleared whatever happened: a failed statement is run again from the
    // start, and holds no text of the caller's.
    sqlite3_reset(_statement);
    sqlite3_clear_bindings(_statement);
    if (rc != SQLITE_DONE)
        Poco::Data::SQLite::Utility::throwException(_db, rc, sqlite3_sql(_statement));
    return false;
}

Poco::Int64 SqliteStatement::integer(int column) const
{
    return sqlite3_column_int64(_statement, column);
}

std::string SqliteStatement::text(int column) const
{
    const auto* bytes = sqlite3_column_text(_statement, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes),
                               static_cast<std::size_t>(sqlite3_column_bytes(_statement, column)))
                 : std::string();
}

void SqliteStatement::check(int rc)
{
    if (rc != SQLITE_OK)
    {
        sqlite3_reset(_statement);
        sqlite3_clear_bindings(_statement);
        Poco::Data::SQLite::Utility::throwException(_db, rc, sqlite3_sql(_statement));
    }
}

} // namespace hchat
