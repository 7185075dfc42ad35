#include "app/Settings.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

namespace hchat::test
{

class SettingsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SettingsTest);
    CPPUNIT_TEST(defaultsWithoutFile);
    CPPUNIT_TEST(readsEveryKey);
    CPPUNIT_TEST(storeKeys);
    CPPUNIT_TEST(unknownKeyIsNamed);
    CPPUNIT_TEST(badValueIsNamed);
    CPPUNIT_TEST(relativePathsFollowTheFile);
    CPPUNIT_TEST(tlsKeys);
    CPPUNIT_TEST(ircKeys);
    CPPUNIT_TEST(redisKeys);
    CPPUNIT_TEST(shippedConfigurationLoads);
    CPPUNIT_TEST_SUITE_END();

    static Settings load(const std::string& text, const std::string& base = "/srv/chat")
    {
        std::istringstream in(text);
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
            new Poco::Util::PropertyFileConfiguration(in));
        return Settings::load(*file, base);
    }

    static std::string errorOf(const std::string& text)
    {
        try
        {
            load(text);
        }
        catch (const Poco::Exception& e)
        {
            return e.message();
        }
        return "";
    }

public:
    void defaultsWithoutFile()
    {
        Settings s = load("");
        CPPUNIT_ASSERT_EQUAL(1234, s.httpPort);
        CPPUNIT_ASSERT(s.httpMaxThreads >= 2048);
        CPPUNIT_ASSERT_EQUAL(30, s.longPollTimeout);
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), s.storeKind);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/chat/var/hchatd.db"), s.storePath);
        CPPUNIT_ASSERT_EQUAL(0, s.storeRetention);
        CPPUNIT_ASSERT_EQUAL(0, s.linePort); // the line protocol is off without a file
        CPPUNIT_ASSERT_EQUAL(5, s.leaveGrace);
        CPPUNIT_ASSERT(s.notices);
    }

    void storeKeys()
    {
        Settings s = load("store.kind = memory\nstore.path = /var/lib/hchatd/x.db\n"
                          "store.retention = 30d\n");
        CPPUNIT_ASSERT_EQUAL(std::string("memory"), s.storeKind);
        CPPUNIT_ASSERT_EQUAL(std::string("/var/lib/hchatd/x.db"), s.storePath);
        CPPUNIT_ASSERT_EQUAL(30 * 86400, s.storeRetention);
        CPPUNIT_ASSERT_EQUAL(90, load("store.retention = 90s\n").storeRetention);
        // People and the line protocol.
        Settings p = load("chat.notices = false\nchat.leaveGrace = 0\nline.port = 1235\n"
                          "line.idleTimeout = 60\n");
        CPPUNIT_ASSERT(!p.notices);
        CPPUNIT_ASSERT_EQUAL(0, p.leaveGrace);
        CPPUNIT_ASSERT_EQUAL(1235, p.linePort);
        CPPUNIT_ASSERT_EQUAL(60, p.lineIdleTimeout);
        CPPUNIT_ASSERT(errorOf("chat.notices = maybe\n").find("chat.notices") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("line.port = 70000\n").find("line.port") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(900, load("store.retention = 15m\n").storeRetention);
        CPPUNIT_ASSERT_EQUAL(7200, load("store.retention = 2h\n").storeRetention);
        CPPUNIT_ASSERT_EQUAL(45, load("store.retention = 45\n").storeRetention);
        CPPUNIT_ASSERT_EQUAL(0, load("store.retention = 0\n").storeRetention);
        for (const char* bad :
             {"store.retention = -1d\n", "store.retention = 3w\n", "store.retention = d\n",
              "store.retention = 1.5h\n", "store.retention = 99999999d\n", "store.path =\n"})
            CPPUNIT_ASSERT_MESSAGE(bad, errorOf(bad).find(std::string(bad).substr(0, 10)) !=
                                            std::string::npos);
    }

    void readsEveryKey()
    {
        Settings s = load("http.port = 8080\nhttp.maxThreads=100\nlongpoll.timeout=5\n"
                          "chat.recentOnJoin=10\nchat.maxMessageBytes=100\nchat.historyLimit=50\n"
                          "limits.messagesPerSecond=0.5\nlimits.burst=3\n"
                          "limits.connectionsPerAddress=7\nlogging.loggers.root.level=debug\n");
        CPPUNIT_ASSERT_EQUAL(8080, s.httpPort);
        CPPUNIT_ASSERT_EQUAL(100, s.httpMaxThreads);
        CPPUNIT_ASSERT_EQUAL(5, s.longPollTimeout);
        CPPUNIT_ASSERT_EQUAL(10, s.recentOnJoin);
        CPPUNIT_ASSERT_EQUAL(100, s.maxMessageBytes);
        CPPUNIT_ASSERT_EQUAL(50, s.historyLimit);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.5, s.messagesPerSecond, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0, s.burst, 1e-9);
        CPPUNIT_ASSERT_EQUAL(7, s.connectionsPerAddress);
    }

    void unknownKeyIsNamed()
    {
        CPPUNIT_ASSERT(errorOf("http.prot = 80\n").find("http.prot") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("longpoll.timout = 5\n").find("longpoll.timout") !=
                       std::string::npos);
    }

    void badValueIsNamed()
    {
        CPPUNIT_ASSERT(errorOf("http.port = eighty\n").find("http.port") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("http.port = 70000\n").find("http.port") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("longpoll.timeout = 0\n").find("longpoll.timeout") !=
                       std::string::npos);
        CPPUNIT_ASSERT(errorOf("store.kind = oracle\n").find("store.kind") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("limits.burst = lots\n").find("limits.burst") != std::string::npos);
        CPPUNIT_ASSERT(
            errorOf("chat.recentOnJoin = 60\nchat.historyLimit = 50\n").find("chat.recentOnJoin") !=
            std::string::npos);
        const std::string proxies = errorOf("http.trustedProxies = 10.0.0.1, haproxy\n");
        CPPUNIT_ASSERT_MESSAGE(proxies,
                               proxies.find("http.trustedProxies: 'haproxy' is no address") !=
                                   std::string::npos);
        CPPUNIT_ASSERT_EQUAL(
            std::string("10.0.0.0/8 192.0.2.1"),
            load("http.trustedProxies = 10.0.0.0/8 192.0.2.1\n").httpTrustedProxies);
    }

    void relativePathsFollowTheFile()
    {
        Settings s = load("http.htmlDir = html\ndaemon.pidFile = /run/h.pid\n", "/srv/chat");
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/chat/html"), s.httpHtmlDir);
        CPPUNIT_ASSERT_EQUAL(std::string("/run/h.pid"), s.pidFile);
    }

    void tlsKeys()
    {
        Settings off = load("");
        CPPUNIT_ASSERT_EQUAL(0, off.tlsPort);
        CPPUNIT_ASSERT_EQUAL(0, off.lineTlsPort);
        CPPUNIT_ASSERT(!off.tlsRedirect);
        CPPUNIT_ASSERT_EQUAL(0, off.tlsHsts);
        Settings on = load("tls.certificate = tls/fullchain.pem\ntls.privateKey = /k/privkey.pem\n"
                           "tls.port = 8443\nline.tlsPort = 1236\ntls.redirect = true\n"
                           "tls.hsts = 31536000\n",
                           "/srv/chat");
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/chat/tls/fullchain.pem"), on.tlsCertificate);
        CPPUNIT_ASSERT_EQUAL(std::string("/k/privkey.pem"), on.tlsPrivateKey);
        CPPUNIT_ASSERT_EQUAL(8443, on.tlsPort);
        CPPUNIT_ASSERT_EQUAL(1236, on.lineTlsPort);
        CPPUNIT_ASSERT(on.tlsRedirect);
        CPPUNIT_ASSERT_EQUAL(31536000, on.tlsHsts);
        // A TLS port needs both files; a redirect needs the TLS port.
        CPPUNIT_ASSERT(errorOf("tls.port = 8443\n").find("tls.certificate") != std::string::npos);
        CPPUNIT_ASSERT(
            errorOf("line.tlsPort = 1236\ntls.certificate = c.pem\n").find("tls.privateKey") !=
            std::string::npos);
        CPPUNIT_ASSERT(errorOf("tls.redirect = true\n").find("tls.port") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("tls.port = 99999\n").find("tls.port") != std::string::npos);
        CPPUNIT_ASSERT(errorOf("tls.hsts = -1\n").find("tls.hsts") != std::string::npos);
    }

    void ircKeys()
    {
        Settings off = load("");
        CPPUNIT_ASSERT_EQUAL(0, off.ircPort);
        CPPUNIT_ASSERT_EQUAL(120, off.ircPingInterval);
        CPPUNIT_ASSERT_EQUAL(std::string("hchat"), off.ircNetwork);
        Settings on = load("irc.port = 6667\nirc.pingInterval = 30\nirc.network = example.org\n"
                           "irc.serverName = chat.example.org\nirc.maxConnections = 100\n");
        CPPUNIT_ASSERT_EQUAL(6667, on.ircPort);
        CPPUNIT_ASSERT_EQUAL(30, on.ircPingInterval);
        CPPUNIT_ASSERT_EQUAL(std::string("example.org"), on.ircNetwork);
        CPPUNIT_ASSERT_EQUAL(std::string("chat.example.org"), on.ircServerName);
        CPPUNIT_ASSERT_EQUAL(100, on.ircMaxConnections);
        CPPUNIT_ASSERT(errorOf("irc.tlsPort = 6697\n").find("irc.tlsPort need") !=
                       std::string::npos);
        CPPUNIT_ASSERT(errorOf("irc.network = two words\n").find("irc.network") !=
                       std::string::npos);
        CPPUNIT_ASSERT(errorOf("irc.pingInterval = 1\n").find("irc.pingInterval") !=
                       std::string::npos);
    }

    void redisKeys()
    {
        Settings off = load("");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:6379"), off.redisAddress);
        CPPUNIT_ASSERT_EQUAL(std::string("hchat:"), off.redisKeyPrefix);
        CPPUNIT_ASSERT_EQUAL(0, off.redisHistoryLimit);
        CPPUNIT_ASSERT(!off.redisCluster);
        Settings on = load("store.kind = redis\nredis.address = redis.internal:6380\n"
                           "redis.password = s3cret\nredis.keyPrefix = chat1:\n"
                           "redis.historyLimit = 100000\nredis.cluster = true\n");
        CPPUNIT_ASSERT(on.redisCluster);
        CPPUNIT_ASSERT_EQUAL(std::string("redis"), on.storeKind);
        CPPUNIT_ASSERT_EQUAL(std::string("redis.internal:6380"), on.redisAddress);
        CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), on.redisPassword);
        CPPUNIT_ASSERT_EQUAL(std::string("chat1:"), on.redisKeyPrefix);
        CPPUNIT_ASSERT_EQUAL(100000, on.redisHistoryLimit);
        for (const char* bad :
             {"redis.address = localhost\n", "redis.address = :6379\n", "redis.address = host:0\n",
              "redis.address = host:port\n", "redis.keyPrefix = {tag}\n",
              "redis.historyLimit = -1\n", "redis.cluster = maybe\n"})
            CPPUNIT_ASSERT_MESSAGE(bad, errorOf(bad).find(std::string(bad).substr(0, 12)) !=
                                            std::string::npos);
    }

    void shippedConfigurationLoads()
    {
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
            new Poco::Util::PropertyFileConfiguration("hchatd.conf"));
        Settings s = Settings::load(*file, ".");
        CPPUNIT_ASSERT_EQUAL(1234, s.httpPort);
        CPPUNIT_ASSERT_EQUAL(6667, s.ircPort);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SettingsTest);

} // namespace hchat::test
