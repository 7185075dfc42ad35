#include "store/SqliteAccounts.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

namespace hchat
{

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace
{

const char* kindName(Credential::Kind kind)
{
    return kind == Credential::Kind::Token ? "token" : "session";
}

} // namespace

SqliteAccounts::SqliteAccounts(Poco::Data::Session& session) : _session(session) {}

void SqliteAccounts::create(const AccountRecord& account)
{
    std::string folded = Poco::toLower(account.name);
    std::string name = account.name;
    std::string hash = account.passwordHash;
    Int64 created = account.created.epochMicroseconds();
    int taken = 0;
    Poco::Data::Session& db = _session;
    db << "SELECT count(*) FROM accounts WHERE folded = ?", into(taken), use(folded), now;
    if (taken > 0)
        throw Poco::ExistsException("account exists", account.name);
    db << "INSERT INTO accounts (folded, name, hash, created) VALUES (?, ?, ?, ?)", use(folded),
        use(name), use(hash), use(created), now;
}

std::vector<AccountRecord> SqliteAccounts::all()
{
    std::vector<std::string> names, hashes;
    std::vector<Int64> created;
    _session << "SELECT name, hash, created FROM accounts ORDER BY folded", into(names),
        into(hashes), into(created), now;
    std::vector<AccountRecord> all(names.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = AccountRecord{names[i], hashes[i], Poco::Timestamp(created[i])};
    return all;
}

void SqliteAccounts::saveCredential(const Credential& credential)
{
    std::string digest = credential.digest;
    std::string kind = kindName(credential.kind);
    std::string account = credential.account;
    Int64 expires = credential.expires.epochMicroseconds();
    _session << "INSERT OR REPLACE INTO credentials (digest, kind, account, expires)"
                " VALUES (?, ?, ?, ?)",
        use(digest), use(kind), use(account), use(expires), now;
}

void SqliteAccounts::removeCredential(const std::string& digest)
{
    std::string key = digest;
    _session << "DELETE FROM credentials WHERE digest = ?", use(key), now;
}

std::vector<Credential> SqliteAccounts::credentials()
{
    Int64 current = Poco::Timestamp().epochMicroseconds();
    Poco::Data::Session& db = _session;
    db << "DELETE FROM credentials WHERE kind = 'session' AND expires <= ?", use(current), now;
    std::vector<std::string> digests, kinds, accounts;
    std::vector<Int64> expires;
    db << "SELECT digest, kind, account, expires FROM credentials", into(digests), into(kinds),
        into(accounts), into(expires), now;
    std::vector<Credential> all(digests.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] =
            Credential{kinds[i] == "token" ? Credential::Kind::Token : Credential::Kind::Session,
                       digests[i], accounts[i], Poco::Timestamp(expires[i])};
    return all;
}

} // namespace hchat
