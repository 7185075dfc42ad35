#pragma once

#include "model/AccountRecord.h"

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

namespace hchat
{

class SqliteAccounts
/// The statements on the accounts and credentials (sessions and tokens)
/// tables of the hchatd database (their schema is SqliteSchema's).
/// Not thread-safe: its owner serializes every call.
{
public:
    explicit SqliteAccounts(Poco::Data::Session& session);

    void create(const AccountRecord& account);
    /// Throws Poco::ExistsException when the name (case-insensitively) has one.
    std::vector<AccountRecord> all();
    /// In the order of their folded names.

    void saveCredential(const Credential& credential);
    void removeCredential(const std::string& digest);
    std::vector<Credential> credentials();
    /// Deletes the sessions that have ended, then lists the rest.

private:
    Poco::Data::Session& _session;
};

} // namespace hchat
