#include "http/Requester.h"

#include "chat/Accounts.h"
#include "chat/People.h"
#include "http/CookieSigner.h"
#include "http/HttpError.h"
#include "net/TrustedProxies.h"
#include "store/MemoryStore.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/SocketAddress.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

namespace hchat::test
{

namespace
{

class FakeRequest : public Poco::Net::HTTPServerRequest
/// A request head from a peer, with no connection behind it.
{
public:
    explicit FakeRequest(const std::string& peer) : _client(peer) {}

    std::istream& stream() override { return _body; }
    const Poco::Net::SocketAddress& clientAddress() const override { return _client; }
    const Poco::Net::SocketAddress& serverAddress() const override { return _server; }
    const Poco::Net::HTTPServerParams& serverParams() const override
    {
        throw Poco::NotImplementedException("no server");
    }
    Poco::Net::HTTPServerResponse& response() const override
    {
        throw Poco::NotImplementedException("no response");
    }
    bool secure() const override { return false; }

private:
    std::istringstream _body;
    Poco::Net::SocketAddress _client;
    Poco::Net::SocketAddress _server{"127.0.0.1:1234"};
};

} // namespace

class RequesterTest : public CppUnit::TestFixture
/// Who a request is: a token, else a session cookie, else a cookie this
/// daemon signed, else the address (through trusted proxies only); nothing
/// a client makes up counts.
{
    CPPUNIT_TEST_SUITE(RequesterTest);
    CPPUNIT_TEST(aGuestIsItsSignedCookieElseItsAddress);
    CPPUNIT_TEST(anAccountByTokenOrSession);
    CPPUNIT_TEST(streamsOwnerLinksAndProxies);
    CPPUNIT_TEST_SUITE_END();

public:
    RequesterTest()
        : _people(Poco::Timespan(5, 0), Poco::Timespan(0, 0)), _store(10),
          _accounts(_store, _people, Poco::Timespan(1, 0, 0, 0, 0)), _cookies("test key")
    {
    }

    void aGuestIsItsSignedCookieElseItsAddress()
    {
        const TrustedProxies none("");
        const Requester requester(_accounts, _cookies, none);
        FakeRequest curl("192.0.2.7:4711");
        CPPUNIT_ASSERT_EQUAL(std::string(""), requester.account(curl));
        CPPUNIT_ASSERT_EQUAL(std::string("addr:192.0.2.7"), requester.actor(curl).key);
        const ChatActions::Actor who = requester.actor(curl);
        CPPUNIT_ASSERT_EQUAL(std::string("addr:192.0.2.7"), who.key);
        CPPUNIT_ASSERT_EQUAL(who.key, who.limitKey);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7:4711"), who.peer);

        const std::string person = _cookies.issue();
        const std::string client = _cookies.issue();
        FakeRequest browser("192.0.2.7:4712");
        browser.set("Cookie", "hchat_client=" + client + "; hchat_person=" + person);
        CPPUNIT_ASSERT_EQUAL(person, requester.actor(browser).key);
        FakeRequest older("192.0.2.7:4713");
        older.set("Cookie", "hchat_client=" + client);
        CPPUNIT_ASSERT_EQUAL(client, requester.actor(older).key);
        // Made up, or signed under another daemon's key: the address.
        FakeRequest forged("192.0.2.7:4714");
        forged.set("Cookie", "hchat_person=0123456789abcdef0123456789abcdef; hchat_client=" +
                                 CookieSigner("other key").issue());
        CPPUNIT_ASSERT_EQUAL(std::string("addr:192.0.2.7"), requester.actor(forged).key);
    }

    void anAccountByTokenOrSession()
    {
        const TrustedProxies none("");
        const Requester requester(_accounts, _cookies, none);
        CPPUNIT_ASSERT(_accounts.create("Ann", "password1") == Accounts::Result::Done);
        FakeRequest browser("192.0.2.8:5000");
        browser.set("Cookie", "hchat_person=" + _cookies.issue() +
                                  "; hchat_session=" + _accounts.startSession("Ann"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), requester.account(browser));
        CPPUNIT_ASSERT_EQUAL(Accounts::personKey("Ann"), requester.actor(browser).key);
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), requester.actor(browser).account);

        FakeRequest bot("192.0.2.8:5001");
        bot.set("Authorization", "Bearer " + _accounts.issueToken("Ann"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), requester.account(bot));
        // A token that is not one, or another scheme: 401, never a guest.
        for (const char* authorization :
             {"Bearer 0123456789abcdef0123456789abcdef", "Basic YW5uOnBhc3N3b3JkMQ=="})
        {
            FakeRequest wrong("192.0.2.8:5002");
            wrong.set("Authorization", authorization);
            try
            {
                requester.actor(wrong).key;
                CPPUNIT_FAIL(authorization);
            }
            catch (const HttpError& e)
            {
                CPPUNIT_ASSERT_EQUAL(401, static_cast<int>(e.status()));
                CPPUNIT_ASSERT_EQUAL(std::string("WWW-Authenticate"), e.headerName());
            }
        }
        // A session that ended is a guest again.
        FakeRequest ended("192.0.2.8:5003");
        const std::string session = _accounts.startSession("Ann");
        _accounts.endSession(session);
        ended.set("Cookie", "hchat_session=" + session);
        CPPUNIT_ASSERT_EQUAL(std::string("addr:192.0.2.8"), requester.actor(ended).key);
    }

    void streamsOwnerLinksAndProxies()
    {
        const TrustedProxies proxy("192.0.2.1");
        const Requester requester(_accounts, _cookies, proxy);
        // A cookie-less stream is a person of its own; its limit is the address's.
        FakeRequest curl("192.0.2.9:6000");
        const ChatActions::Actor stream =
            requester.streamActor(curl, ChatActions::Transport::WebSocket);
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), stream.key.size());
        CPPUNIT_ASSERT(stream.key !=
                       requester.streamActor(curl, ChatActions::Transport::EventStream).key);
        CPPUNIT_ASSERT_EQUAL(std::string("addr:192.0.2.9"), stream.limitKey);
        CPPUNIT_ASSERT(stream.transport == ChatActions::Transport::WebSocket);
        CPPUNIT_ASSERT_EQUAL(std::string(""), stream.account);
        // With a cookie (or an account) the stream is that person.
        FakeRequest browser("192.0.2.9:6002");
        const std::string person = _cookies.issue();
        browser.set("Cookie", "hchat_person=" + person);
        const ChatActions::Actor theirs =
            requester.streamActor(browser, ChatActions::Transport::EventStream);
        CPPUNIT_ASSERT_EQUAL(person, theirs.key);
        CPPUNIT_ASSERT_EQUAL(person, theirs.limitKey);

        FakeRequest owner("192.0.2.9:6001");
        owner.set("Cookie", Requester::ownerCookie("r1") + "=s3cret; hchat_owner_r2=other");
        CPPUNIT_ASSERT_EQUAL(std::string("hchat_owner_r1"), Requester::ownerCookie("r1"));
        CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), requester.actorIn(owner, "r1").ownerSecret);
        CPPUNIT_ASSERT_EQUAL(std::string(""), requester.actorIn(owner, "r3").ownerSecret);

        // Through the trusted proxy the client is the one it names; from
        // anyone else the header is the client's own words.
        FakeRequest proxied("192.0.2.1:7000");
        proxied.set("X-Forwarded-For", "198.51.100.4");
        CPPUNIT_ASSERT_EQUAL(std::string("addr:198.51.100.4"), requester.actor(proxied).key);
        FakeRequest direct("192.0.2.9:7001");
        direct.set("X-Forwarded-For", "198.51.100.4");
        CPPUNIT_ASSERT_EQUAL(std::string("addr:192.0.2.9"), requester.actor(direct).key);
    }

private:
    People _people;
    MemoryStore _store;
    Accounts _accounts;
    CookieSigner _cookies;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequesterTest);

} // namespace hchat::test
