#include "chat/Accounts.h"
#include "chat/People.h"
#include "model/Message.h"
#include "store/MemoryStore.h"
#include "util/Secrets.h"

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

namespace hchat::test
{

class AccountsTest : public CppUnit::TestFixture
/// Accounts: the secrets (Argon2id round trip, digests), the naming and
/// password rules, names reserved in People for the account alone, the same
/// answer for a wrong password and an unknown name, sessions that end, tokens,
/// and what a reload from the store brings back.
{
    CPPUNIT_TEST_SUITE(AccountsTest);
    CPPUNIT_TEST(passwordsAreHashedSaltedAndChecked);
    CPPUNIT_TEST(secretsAreKeptAsDigests);
    CPPUNIT_TEST(registrationRules);
    CPPUNIT_TEST(aRegisteredNameIsTheAccountsAlone);
    CPPUNIT_TEST(wrongPasswordAndUnknownNameAreAlike);
    CPPUNIT_TEST(sessionsEndAndTokensStay);
    CPPUNIT_TEST(aReloadBringsEverythingBack);
    CPPUNIT_TEST(messagesCarryTheirAccount);
    CPPUNIT_TEST_SUITE_END();

    static People people() { return People(Poco::Timespan(5, 0), Poco::Timespan(0, 0)); }
    const Poco::Timespan day{1, 0, 0, 0, 0};

public:
    void passwordsAreHashedSaltedAndChecked()
    {
        const std::string a = Secrets::hashPassword("correct horse");
        const std::string b = Secrets::hashPassword("correct horse");
        CPPUNIT_ASSERT(a.rfind("$argon2id$", 0) == 0);
        CPPUNIT_ASSERT(a != b); // salted
        CPPUNIT_ASSERT(a.find("correct horse") == std::string::npos);
        CPPUNIT_ASSERT(Secrets::checkPassword(a, "correct horse"));
        CPPUNIT_ASSERT(Secrets::checkPassword(b, "correct horse"));
        CPPUNIT_ASSERT(!Secrets::checkPassword(a, "correct horsf"));
        CPPUNIT_ASSERT(!Secrets::checkPassword(a, ""));
        CPPUNIT_ASSERT(!Secrets::checkPassword("not a hash", "correct horse"));
        CPPUNIT_ASSERT(!Secrets::checkPassword(std::string(1000, 'x'), "correct horse"));
    }

    void secretsAreKeptAsDigests()
    {
        const std::string digest = Secrets::digest("0123456789abcdef0123456789abcdef");
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), digest.size());
        CPPUNIT_ASSERT_EQUAL(digest, Secrets::digest("0123456789abcdef0123456789abcdef"));
        CPPUNIT_ASSERT(digest != Secrets::digest("0123456789abcdef0123456789abcdee"));
        // SHA-256 of "abc", the standard's own example.
        CPPUNIT_ASSERT_EQUAL(
            std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            Secrets::digest("abc"));
    }

    void registrationRules()
    {
        MemoryStore store(10);
        People p = people();
        Accounts accounts(store, p, day);
        using R = Accounts::Result;
        CPPUNIT_ASSERT(accounts.create("has space", "long enough") == R::BadName);
        CPPUNIT_ASSERT(accounts.create("", "long enough") == R::BadName);
        CPPUNIT_ASSERT(accounts.create(std::string(33, 'a'), "long enough") == R::BadName);
        CPPUNIT_ASSERT(accounts.create("guest-a1b2c3", "long enough") == R::BadName);
        CPPUNIT_ASSERT(accounts.create("Anonymous", "long enough") == R::BadName);
        CPPUNIT_ASSERT(accounts.create("ann", "7 bytes") == R::BadPassword);
        CPPUNIT_ASSERT(accounts.create("ann", std::string(1025, 'p')) == R::BadPassword);
        CPPUNIT_ASSERT(accounts.create("Ann", "8 bytes!") == R::Done);
        CPPUNIT_ASSERT(accounts.create("aNN", "other password") == R::Taken);
        CPPUNIT_ASSERT(accounts.create("bo", std::string(1024, 'p')) == R::Done);
        CPPUNIT_ASSERT(accounts.exists("ANN"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), store.accounts().size());
        CPPUNIT_ASSERT(store.accounts()[0].passwordHash.find("8 bytes!") == std::string::npos);
    }

    void aRegisteredNameIsTheAccountsAlone()
    {
        MemoryStore store(10);
        People p = people();
        Accounts accounts(store, p, day);
        // Someone online has it: it cannot be registered.
        p.connect("0123456789abcdef0123456789abcdef", "Zed", "guest", nullptr);
        CPPUNIT_ASSERT(accounts.create("zed", "password1") == Accounts::Result::Taken);
        CPPUNIT_ASSERT(accounts.create("ann", "password1") == Accounts::Result::Done);
        // Registered, it is refused to anyone else, online or not...
        const std::string guest = "fedcba9876543210fedcba9876543210";
        CPPUNIT_ASSERT(p.connect(guest, "ANN", "guest-fedcba", nullptr).taken);
        CPPUNIT_ASSERT(p.rename(guest, "ann").taken);
        CPPUNIT_ASSERT(p.seen("room", guest, "Ann", "guest-fedcba", Poco::Timestamp()).taken);
        // ...and its account's person has it.
        const std::string key = Accounts::personKey("Ann");
        CPPUNIT_ASSERT_EQUAL(std::string("acct:ann"), key);
        const People::Outcome owner = p.connect(key, "Ann", "Ann", nullptr);
        CPPUNIT_ASSERT(!owner.taken);
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), owner.name);
    }

    void wrongPasswordAndUnknownNameAreAlike()
    {
        MemoryStore store(10);
        People p = people();
        Accounts accounts(store, p, day);
        CPPUNIT_ASSERT(accounts.create("Ann", "correct horse") == Accounts::Result::Done);
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.check("ann", "correct horse"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.check("ann", "wrong horse"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.check("nobody", "correct horse"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.check("", ""));
    }

    void sessionsEndAndTokensStay()
    {
        MemoryStore store(10);
        People p = people();
        Accounts accounts(store, p, Poco::Timespan(0, 300000)); // 0.3 s sessions
        CPPUNIT_ASSERT(accounts.create("Ann", "correct horse") == Accounts::Result::Done);
        const std::string session = accounts.startSession("Ann");
        const std::string other = accounts.startSession("Ann");
        const std::string token = accounts.issueToken("Ann");
        CPPUNIT_ASSERT(session != other && session != token && session.size() == 32);
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.whoseSession(session));
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.whoseToken(token));
        // A session is no token, nor the other way round.
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.whoseToken(session));
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.whoseSession(token));
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.whoseSession("not hex"));
        // The store keeps digests, never the secrets.
        for (const Credential& c : store.credentials())
            CPPUNIT_ASSERT(c.digest != session && c.digest != token && c.digest.size() == 64);
        accounts.endSession(session);
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.whoseSession(session));
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.whoseSession(other));
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        CPPUNIT_ASSERT_EQUAL(std::string(""), accounts.whoseSession(other)); // over
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.whoseToken(token));
    }

    void aReloadBringsEverythingBack()
    {
        MemoryStore store(10);
        std::string session, token;
        {
            People p = people();
            Accounts accounts(store, p, day);
            CPPUNIT_ASSERT(accounts.create("Ann", "correct horse") == Accounts::Result::Done);
            session = accounts.startSession("Ann");
            token = accounts.issueToken("Ann");
        }
        People p = people();
        Accounts accounts(store, p, day);
        accounts.load();
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.whoseSession(session));
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.whoseToken(token));
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts.check("ANN", "correct horse"));
        CPPUNIT_ASSERT(p.connect("0123456789abcdef0123456789abcdef", "ann", "g", nullptr).taken);
    }

    void messagesCarryTheirAccount()
    {
        const Message guest(0, MessageKind::Message, "ann", Poco::Timestamp(0), "hi");
        MessageDetails signedBy;
        signedBy.account = "Ann";
        const Message member(1, MessageKind::Message, "Ann", Poco::Timestamp(0), "hi", Crowd(),
                             signedBy);
        CPPUNIT_ASSERT(guest.json().find("account") == std::string::npos);
        CPPUNIT_ASSERT(member.json().find("\"author\":\"Ann\",\"account\":\"Ann\",") !=
                       std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccountsTest);

} // namespace hchat::test
