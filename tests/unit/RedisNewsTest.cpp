#include "store/RedisNews.h"
#include "store/RedisRecords.h"

#include <Poco/Exception.h>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class RedisNewsTest : public CppUnit::TestFixture
/// RedisNews: each kind of news read back as what was written, a daemon's
/// own presence list skipped, and what hchatd does not write refused.
{
    CPPUNIT_TEST_SUITE(RedisNewsTest);
    CPPUNIT_TEST(eachKindReadsBack);
    CPPUNIT_TEST(ownListsAreSkipped);
    CPPUNIT_TEST(foreignNewsIsRefused);
    CPPUNIT_TEST_SUITE_END();

    struct Heard : Store::Listener
    /// One line per call, its arguments spaced.
    {
        std::vector<std::string> calls;
        void appended(const std::string& room, const MessagePtr& m) override
        {
            calls.push_back("appended " + room + " " + std::to_string(m->id()) + " " + m->text());
        }
        void roomSaved(const RoomRecord& r) override
        {
            calls.push_back("roomSaved " + r.id + " " + r.subject);
        }
        void roomDeleted(const std::string& room) override
        {
            calls.push_back("roomDeleted " + room);
        }
        void accountCreated(const AccountRecord& a) override
        {
            calls.push_back("accountCreated " + a.name + " " + a.passwordHash);
        }
        void credentialSaved(const Credential& c) override
        {
            calls.push_back("credentialSaved " + c.digest + " " + c.account);
        }
        void credentialRemoved(const std::string& digest) override
        {
            calls.push_back("credentialRemoved " + digest);
        }
        void kicked(const std::string& room, const std::string& key) override
        {
            calls.push_back("kicked " + room + " " + key);
        }
        void addressBanned(const AddressBan& ban) override
        {
            calls.push_back("addressBanned " + ban.address);
        }
        void addressUnbanned(const std::string& address) override
        {
            calls.push_back("addressUnbanned " + address);
        }
        void roomNames(const std::string& daemon, const std::string& room,
                       const std::vector<std::string>& names) override
        {
            std::string line = "roomNames " + daemon + " " + room;
            for (const std::string& name : names)
                line += " " + name;
            calls.push_back(line);
        }
        void letter(const std::string& to, const std::string& from,
                    const std::string& text) override
        {
            calls.push_back("letter " + to + " " + from + " " + text);
        }
    };

    static std::string heard(const std::string& news, const std::string& daemon = "d1")
    {
        Heard h;
        RedisNews::Tell tell = RedisNews::read(news, daemon);
        if (!tell)
            return "(nothing)";
        tell(h);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.calls.size());
        return h.calls[0];
    }

public:
    void eachKindReadsBack()
    {
        const std::string room(32, 'a');
        RoomRecord record;
        record.id = room;
        record.subject = "a room with spaces";
        CPPUNIT_ASSERT_EQUAL(std::string("roomSaved " + room + " a room with spaces"),
                             heard(RedisNews::roomSaved(RedisRecords::room(record))));
        CPPUNIT_ASSERT_EQUAL(std::string("roomDeleted " + room),
                             heard(RedisNews::roomDeleted(room)));
        AccountRecord account;
        account.name = "Ann";
        account.passwordHash = "$argon2id$x";
        CPPUNIT_ASSERT_EQUAL(std::string("accountCreated Ann $argon2id$x"),
                             heard(RedisNews::accountCreated(RedisRecords::account(account))));
        Credential credential;
        credential.digest = "ab12";
        credential.account = "Ann";
        CPPUNIT_ASSERT_EQUAL(
            std::string("credentialSaved ab12 Ann"),
            heard(RedisNews::credentialSaved(RedisRecords::credential(credential))));
        CPPUNIT_ASSERT_EQUAL(std::string("credentialRemoved ab12"),
                             heard(RedisNews::credentialRemoved("ab12")));
        CPPUNIT_ASSERT_EQUAL(std::string("kicked " + room + " key 1"),
                             heard(RedisNews::kicked(room, "key 1")));
        AddressBan ban;
        ban.address = "192.0.2.0/24";
        CPPUNIT_ASSERT_EQUAL(std::string("addressBanned 192.0.2.0/24"),
                             heard(RedisNews::addressBanned(RedisRecords::ban(ban))));
        CPPUNIT_ASSERT_EQUAL(std::string("addressUnbanned 2001:db8::1"),
                             heard(RedisNews::addressUnbanned("2001:db8::1")));
        CPPUNIT_ASSERT_EQUAL(std::string("roomNames d2 " + room + " ann Bob Smith"),
                             heard(RedisNews::roomNames("d2", room, {"ann", "Bob Smith"})));
        CPPUNIT_ASSERT_EQUAL(std::string("letter key-9 ann hi there"),
                             heard(RedisNews::letter("key-9", "ann", "hi there")));
        // A message as the append script publishes it: m <room id> <entry>.
        const Message message(7, MessageKind::Message, "ann", Poco::Timestamp(), "hello world",
                              Crowd(), Message::Details());
        CPPUNIT_ASSERT_EQUAL(std::string("appended " + room + " 7 hello world"),
                             heard("m " + room + " " + RedisRecords::entry(message)));
    }

    void ownListsAreSkipped()
    {
        const std::string news = RedisNews::roomNames("d1", std::string(32, 'b'), {"ann"});
        CPPUNIT_ASSERT_EQUAL(std::string("(nothing)"), heard(news, "d1"));
        CPPUNIT_ASSERT(heard(news, "d2").rfind("roomNames d1 ", 0) == 0);
    }

    void foreignNewsIsRefused()
    {
        for (const char* news :
             {"", "m", "m ", "garbage", "q something", "m_nospace x", "m roomonly", "r {",
              "k roomonly", "o daemon-only", "o daemon room", "o d2 room not-json", "p {}", "a []"})
            CPPUNIT_ASSERT_THROW_MESSAGE(news, RedisNews::read(news, "d1"),
                                         Poco::DataFormatException);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisNewsTest);

} // namespace hchat::test
