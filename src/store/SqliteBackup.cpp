#include "store/SqliteBackup.h"

#include <Poco/Exception.h>
#include <Poco/File.h>

#include <sqlite3.h>

namespace hchat
{

SqliteBackup::SqliteBackup(sqlite3* source, const std::string& file) : _file(file)
{
    try
    {
        Poco::File(file).remove();
    }
    catch (const Poco::FileNotFoundException&)
    {
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::CreateFileException("cannot replace " + file + ": " + e.message());
    }
    if (sqlite3_open_v2(file.c_str(), &_target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK)
    {
        const std::string why = _target ? sqlite3_errmsg(_target) : "out of memory";
        close();
        throw Poco::CreateFileException("cannot create " + file + ": " + why);
    }
    _backup = sqlite3_backup_init(_target, "main", source, "main");
    if (!_backup)
    {
        const std::string why = sqlite3_errmsg(_target);
        close();
        throw Poco::CreateFileException("cannot copy the database to " + file + ": " + why);
    }
}

SqliteBackup::~SqliteBackup()
{
    close();
}

void SqliteBackup::close()
{
    if (_backup)
        sqlite3_backup_finish(_backup);
    _backup = nullptr;
    if (_target)
        sqlite3_close_v2(_target);
    _target = nullptr;
    if (!_done)
    {
        try
        {
            Poco::File(_file).remove();
        }
        catch (const Poco::Exception&)
        {
            // Never created, or gone: nothing half-written is left either way.
        }
    }
}

bool SqliteBackup::step(int pages)
{
    if (_done)
        return true;
    const int rc = sqlite3_backup_step(_backup, pages);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return false;
    if (rc != SQLITE_DONE)
    {
        const std::string why = sqlite3_errstr(rc);
        close();
        throw Poco::IOException("copying the database to " + _file + " failed: " + why);
    }
    const int finished = sqlite3_backup_finish(_backup);
    _backup = nullptr;
    if (finished != SQLITE_OK)
    {
        const std::string why = sqlite3_errmsg(_target);
        close();
        throw Poco::IOException("finishing the copy " + _file + " failed: " + why);
    }
    // One self-contained file (no -wal beside it), whatever the source's mode.
    sqlite3_exec(_target, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    _done = sqlite3_close(_target) == SQLITE_OK;
    if (!_done)
    {
        close();
        throw Poco::IOException("closing the copy " + _file + " failed");
    }
    _target = nullptr;
    return true;
}

} // namespace hchat
