#include "chat/Accounts.h"

#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "store/Store.h"
#include "util/Secrets.h"

#include <Poco/Exception.h>

namespace hchat
{

namespace
{
const std::size_t minPassword = 8, maxPassword = 1024;
} // namespace

void Accounts::HashSlots::take()
{
    std::unique_lock<std::mutex> lock(_mutex);
    _freed.wait(lock, [&] { return _free > 0; });
    --_free;
}

void Accounts::HashSlots::give()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        ++_free;
    }
    _freed.notify_one();
}

Accounts::Accounts(Store& store, People& people, Poco::Timespan sessionLength)
    : _store(store), _people(people), _sessionLength(sessionLength),
      _dummyHash(Secrets::hashPassword(IdGenerator::next()))
{
}

std::string Accounts::personKey(const std::string& account)
{
    return "acct:" + Nickname::folded(account);
}

std::string Accounts::accountOfKey(const std::string& key)
{
    return key.compare(0, 5, "acct:") == 0 ? key.substr(5) : std::string();
}

bool Accounts::isPasswordSized(const std::string& password)
{
    return password.size() >= minPassword && password.size() <= maxPassword;
}

void Accounts::load()
{
    std::vector<AccountRecord> accounts = _store.accounts();
    std::vector<Credential> credentials = _store.credentials();
    for (AccountRecord& account : accounts)
        accountCreated(account);
    std::lock_guard<std::mutex> lock(_mutex);
    _credentials.clear(); // ended meanwhile: gone
    for (Credential& credential : credentials)
        _credentials[credential.digest] = std::move(credential);
}

void Accounts::accountCreated(const AccountRecord& account)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_accounts.emplace(Nickname::folded(account.name), account).second)
        return;
    _people.reserve(account.name, personKey(account.name));
}

void Accounts::credentialSaved(const Credential& credential)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _credentials[credential.digest] = credential;
}

void Accounts::credentialRemoved(const std::string& digest)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _credentials.erase(digest);
}

Accounts::Result Accounts::create(const std::string& name, const std::string& password)
{
    const std::string folded = Nickname::folded(name);
    // Names a guest is given are no one's to own.
    if (!Nickname::isValid(name) || folded.rfind("guest-", 0) == 0 || folded == "anonymous")
        return Result::BadName;
    if (!isPasswordSized(password))
        return Result::BadPassword;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_accounts.count(folded))
            return Result::Taken;
    }
    _slots.take();
    AccountRecord record;
    try
    {
        record = AccountRecord{name, Secrets::hashPassword(password), Poco::Timestamp()};
    }
    catch (...)
    {
        _slots.give();
        throw;
    }
    _slots.give();
    std::lock_guard<std::mutex> lock(_mutex);
    if (_accounts.count(folded) || !_people.reserve(name, personKey(name)))
        return Result::Taken;
    try
    {
        _store.createAccount(record);
    }
    catch (const Poco::ExistsException&)
    {
        _people.unreserve(name);
        return Result::Taken;
    }
    catch (...)
    {
        _people.unreserve(name);
        throw;
    }
    _accounts[folded] = std::move(record);
    return Result::Done;
}

std::string Accounts::check(const std::string& name, const std::string& password)
{
    std::string hash = _dummyHash, registered;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto found = _accounts.find(Nickname::folded(name));
        if (found != _accounts.end())
        {
            hash = found->second.passwordHash;
            registered = found->second.name;
        }
    }
    _slots.take();
    const bool good = Secrets::checkPassword(hash, password);
    _slots.give();
    return good && !registered.empty() ? registered : "";
}

std::string Accounts::issue(const std::string& account, Credential::Kind kind,
                            Poco::Timestamp expires)
{
    const std::string secret = IdGenerator::next();
    Credential credential{kind, Secrets::digest(secret), account, expires};
    _store.saveCredential(credential);
    std::lock_guard<std::mutex> lock(_mutex);
    _credentials[credential.digest] = std::move(credential);
    return secret;
}

std::string Accounts::startSession(const std::string& account)
{
    return issue(account, Credential::Kind::Session, Poco::Timestamp() + _sessionLength);
}

std::string Accounts::issueToken(const std::string& account)
{
    return issue(account, Credential::Kind::Token, Poco::Timestamp(0));
}

void Accounts::endSession(const std::string& secret)
{
    if (!IdGenerator::isValid(secret))
        return;
    const std::string digest = Secrets::digest(secret);
    Credential credential;
    if (!find(digest, credential) || credential.kind != Credential::Kind::Session)
        return;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _credentials.erase(digest);
    }
    _store.removeCredential(digest);
}

bool Accounts::find(const std::string& digest, Credential& credential) const
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto found = _credentials.find(digest);
        if (found != _credentials.end())
        {
            credential = found->second;
            return true;
        }
    }
    if (!_store.isShared())
        return false;
    try
    {
        // Made on another daemon a moment ago, and not told yet.
        return _store.findCredential(digest, credential);
    }
    catch (const Poco::Exception&)
    {
        return false; // Redis out of reach: unknown, as a guest
    }
}

std::string Accounts::whose(const std::string& secret, Credential::Kind kind) const
{
    if (!IdGenerator::isValid(secret))
        return "";
    Credential credential;
    if (!find(Secrets::digest(secret), credential) || credential.kind != kind)
        return "";
    if (kind == Credential::Kind::Session && !(Poco::Timestamp() < credential.expires))
        return "";
    return credential.account;
}

std::string Accounts::whoseSession(const std::string& secret) const
{
    return whose(secret, Credential::Kind::Session);
}

std::string Accounts::whoseToken(const std::string& secret) const
{
    return whose(secret, Credential::Kind::Token);
}

bool Accounts::exists(const std::string& name) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _accounts.count(Nickname::folded(name)) > 0;
}

std::string Accounts::nameOf(const std::string& name) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto found = _accounts.find(Nickname::folded(name));
    return found == _accounts.end() ? std::string() : found->second.name;
}

} // namespace hchat
