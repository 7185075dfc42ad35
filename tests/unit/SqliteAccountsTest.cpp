#include "store/SqliteStore.h"
#include "support/DaemonProcess.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class SqliteAccountsTest : public CppUnit::TestFixture
/// The SQLite store's accounts, sessions and tokens, the account of each
/// message, and the upgrade of a version 3 file that brings them.
{
    CPPUNIT_TEST_SUITE(SqliteAccountsTest);
    CPPUNIT_TEST(accountsAndCredentialsAreKept);
    CPPUNIT_TEST(versionThreeFilesAreUpgraded);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir;
    const std::string room = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

public:
    void setUp() override { _dir = DaemonProcess::tempDir(); }
    void tearDown() override { Poco::File(_dir).remove(true); }

    void accountsAndCredentialsAreKept()
    {
        const std::string path = _dir + "/chat.db";
        const Poco::Timestamp later = Poco::Timestamp() + Poco::Timespan(1, 0, 0, 0, 0);
        {
            SqliteStore store(path);
            store.createAccount(AccountRecord{"Ann", "$argon2id$fake", Poco::Timestamp()});
            CPPUNIT_ASSERT_THROW(
                store.createAccount(AccountRecord{"ANN", "$argon2id$other", Poco::Timestamp()}),
                Poco::ExistsException);
            store.saveCredential(
                Credential{Credential::Kind::Session, std::string(64, 'a'), "Ann", later});
            store.saveCredential(Credential{Credential::Kind::Session, std::string(64, 'b'), "Ann",
                                            Poco::Timestamp(1)}); // ended long ago
            store.saveCredential(Credential{Credential::Kind::Token, std::string(64, 'c'), "Ann",
                                            Poco::Timestamp(0)});
            store.saveCredential(
                Credential{Credential::Kind::Session, std::string(64, 'd'), "Ann", later});
            store.removeCredential(std::string(64, 'd'));
            RoomRecord r;
            r.id = room;
            store.createRoom(r);
            MessageDetails signedBy;
            signedBy.account = "Ann";
            store
                .append(room, std::make_shared<const Message>(0, MessageKind::Message, "Ann",
                                                              Poco::Timestamp(), "signed", Crowd(),
                                                              signedBy))
                .get();
            store
                .append(room, std::make_shared<const Message>(1, MessageKind::Message, "bo",
                                                              Poco::Timestamp(), "guest"))
                .get();
        }
        SqliteStore store(path);
        const auto accounts = store.accounts();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), accounts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), accounts[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("$argon2id$fake"), accounts[0].passwordHash);
        const auto credentials = store.credentials();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), credentials.size()); // the ended one is gone
        for (const Credential& c : credentials)
        {
            CPPUNIT_ASSERT(c.digest == std::string(64, 'a') || c.digest == std::string(64, 'c'));
            CPPUNIT_ASSERT((c.kind == Credential::Kind::Token) == (c.digest[0] == 'c'));
            CPPUNIT_ASSERT_EQUAL(std::string("Ann"), c.account);
        }
        const auto messages = store.read(room, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), messages.at(0)->account());
        CPPUNIT_ASSERT_EQUAL(std::string(""), messages.at(1)->account());
    }

    void versionThreeFilesAreUpgraded()
    {
        const std::string path = _dir + "/old.db";
        {
            // Made by this version, then turned back into a version 3 file.
            SqliteStore store(path);
        }
        {
            Poco::Data::SQLite::Connector::registerConnector();
            Poco::Data::Session old("SQLite", path);
            using Poco::Data::Keywords::now;
            old << "DROP TABLE accounts", now;
            old << "DROP TABLE credentials", now;
            old << "ALTER TABLE messages DROP COLUMN account", now;
            old << "ALTER TABLE messages DROP COLUMN request", now; // what version 7 added
            old << "DROP TABLE message_search", now;                // what version 6 added
            old << "ALTER TABLE rooms DROP COLUMN indexed", now;
            // and what version 5 added
            old << "DROP INDEX edits", now;
            old << "DROP TABLE room_bans", now;
            for (const char* column : {"sender", "target", "edited"})
                old << std::string("ALTER TABLE messages DROP COLUMN ") + column, now;
            for (const char* column : {"owner", "owner_key", "posting", "slow", "moderators"})
                old << std::string("ALTER TABLE rooms DROP COLUMN ") + column, now;
            old << "INSERT INTO rooms VALUES (1, '" + room + "', 'old', 1, 0, 0, 0)", now;
            old << "INSERT INTO messages VALUES (1, 0, 'message', 'ann', 0, 'from before', '')",
                now;
            old << "PRAGMA user_version=3", now;
        }
        SqliteStore store(path);
        CPPUNIT_ASSERT_EQUAL(std::string(""), store.read(room, 0, 1).at(0)->account());
        store.createAccount(AccountRecord{"Ann", "$argon2id$fake", Poco::Timestamp()});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.accounts().size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteAccountsTest);

} // namespace hchat::test
