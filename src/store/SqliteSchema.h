#pragma once

#include <Poco/Data/Session.h>

namespace hchat
{

class SqliteSchema
/// The tables of the hchatd database file, version 7 (PRAGMA
/// user_version), each column commented where it is declared, and the
/// steps that bring a file of an older version to it. Times are
/// microseconds since 1970, UTC.
{
public:
    static constexpr int version = 7;

    static void apply(Poco::Data::Session& db, int found);
    /// Creates the tables in a file without any (found 0) or upgrades one
    /// of version found, one step per version, and sets user_version; in
    /// the caller's transaction. found must be at most version. Throws
    /// Poco::Data's exceptions.
};

} // namespace hchat
