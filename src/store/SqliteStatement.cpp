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
    check(sqlite3_bind_int64(_statement, index, value));
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& text)
{
    check(sqlite3_bind_text(_statement, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_STATIC));
    return *this;
}

int SqliteStatement::run()
{
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(_statement);
    // Cleared whatever happened: a failed statement is run again from the
    // start, and holds no text of the caller's.
    sqlite3_reset(_statement);
    sqlite3_clear_bindings(_statement);
    if (rc != SQLITE_DONE)
        Poco::Data::SQLite::Utility::throwException(_db, rc, sqlite3_sql(_statement));
    return sqlite3_changes(_db);
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
