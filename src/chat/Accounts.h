#pragma once

#include "model/AccountRecord.h"
#include "store/Store.h"

#include <Poco/Timespan.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hchat
{

class People;

class Accounts : public Store::Listener
/// Registered names and who is logged in to them (SPEC §10): the accounts,
/// their login sessions and their bots' tokens, written to the store and
/// kept in memory for the look-up every request makes. A registered name is
/// reserved in People for the account's person, personKey(), whether it is
/// online or not. Passwords and secrets are handled by Secrets; at most
/// two passwords are hashed at once (each takes 64 MiB for 0.1 s).
/// With a shared store it listens: accounts, sessions and tokens made or
/// ended on other daemons are known here too.
/// Thread-safe: _mutex guards _accounts and _credentials.
{
public:
    enum class Result
    {
        Done,
        BadName,     ///< breaks the naming rule, or is a guest name
        BadPassword, ///< under 8 or over 1024 bytes
        Taken        ///< registered, or used by someone online
    };

    Accounts(Store& store, People& people, Poco::Timespan sessionLength);

    void load();
    /// Reads the accounts (reserving their names) and the credentials: at
    /// start, and again when a shared store resumes.

    void accountCreated(const AccountRecord& account) override;
    void credentialSaved(const Credential& credential) override;
    void credentialRemoved(const std::string& digest) override;
    void resumed() override { load(); }
    /// Store::Listener: what other daemons did.

    Result create(const std::string& name, const std::string& password);
    /// Registers the name, stored before it returns. Throws what the store threw.

    std::string check(const std::string& name, const std::string& password);
    /// The account's name as registered when the password is its own; ""
    /// for a wrong password and for an unknown name alike, after the same
    /// work (a dummy hash is checked for an unknown name).

    std::string startSession(const std::string& account);
    /// A new login session's secret (128 bits, 32 hex), kept for the session
    /// length; stored only as its digest.
    void endSession(const std::string& secret);
    std::string issueToken(const std::string& account);
    /// A bot token's secret: shown once, kept until deleted.

    std::string whoseSession(const std::string& secret) const;
    std::string whoseToken(const std::string& secret) const;
    /// The account's name, or "" for an unknown, ended or malformed secret.

    bool exists(const std::string& name) const;
    std::string nameOf(const std::string& name) const;
    /// The account's name as registered, or "" when there is none.
    const Poco::Timespan& sessionLength() const { return _sessionLength; }

    static std::string personKey(const std::string& account);
    /// The People key of an account's person: every connection logged in to
    /// the account is that one person, under the account's name.
    static std::string accountOfKey(const std::string& key);
    /// The (folded) account whose person key this is, or "" for a guest's key.
    static bool isPasswordSized(const std::string& password);

private:
    std::string whose(const std::string& secret, Credential::Kind kind) const;
    bool find(const std::string& digest, Credential& credential) const;
    /// The credential known here, else (a shared store) the store's.
    std::string issue(const std::string& account, Credential::Kind kind, Poco::Timestamp expires);

    class HashSlots
    /// At most a few password hashes at once: each holds 64 MiB.
    {
    public:
        explicit HashSlots(int slots) : _free(slots) {}
        void take();
        void give();

    private:
        std::mutex _mutex;
        std::condition_variable _freed;
        int _free;
    };

    Store& _store;
    People& _people;
    const Poco::Timespan _sessionLength;
    std::string _dummyHash; ///< checked for unknown names, so they cost what a wrong password costs
    mutable HashSlots _slots{2};
    mutable std::mutex _mutex;
    std::unordered_map<std::string, AccountRecord> _accounts; ///< by folded name
    std::unordered_map<std::string, Credential> _credentials; ///< by digest
};

} // namespace hchat
