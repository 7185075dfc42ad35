#include "net/TrustedProxies.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class TrustedProxiesTest : public CppUnit::TestFixture
/// Whose request it is behind a balancer: only a trusted peer's
/// X-Forwarded-For counts, read from its end past the trusted hops, so what
/// a client writes at the start itself changes nothing.
{
    CPPUNIT_TEST_SUITE(TrustedProxiesTest);
    CPPUNIT_TEST(listsOfAddressesAndNetworks);
    CPPUNIT_TEST(theLastHopNotTrustedIsTheClient);
    CPPUNIT_TEST(whatIsNoAddressEndsTheWalk);
    CPPUNIT_TEST_SUITE_END();

    static Poco::Net::IPAddress ip(const std::string& text) { return Poco::Net::IPAddress(text); }

    static std::string client(const TrustedProxies& proxies, const std::string& peer,
                              const std::string& header)
    {
        return proxies.clientOf(ip(peer), header).toString();
    }

public:
    void listsOfAddressesAndNetworks()
    {
        CPPUNIT_ASSERT(TrustedProxies("").empty());
        CPPUNIT_ASSERT(TrustedProxies(" , ").empty());
        const TrustedProxies proxies("127.0.0.1, 10.0.0.0/8 2001:db8::/32");
        CPPUNIT_ASSERT(!proxies.empty());
        CPPUNIT_ASSERT(proxies.covers(ip("127.0.0.1")));
        CPPUNIT_ASSERT(proxies.covers(ip("::ffff:127.0.0.1"))); // seen by a dual-stack listener
        CPPUNIT_ASSERT(proxies.covers(ip("10.200.3.4")));
        CPPUNIT_ASSERT(proxies.covers(ip("2001:db8:1::5")));
        CPPUNIT_ASSERT(!proxies.covers(ip("127.0.0.2")));
        CPPUNIT_ASSERT(!proxies.covers(ip("2001:db9::1")));
        try
        {
            TrustedProxies("127.0.0.1, 10.0.0/8");
            CPPUNIT_FAIL("a bad entry was taken");
        }
        catch (const Poco::InvalidArgumentException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("'10.0.0/8' is no address") !=
                                                    std::string::npos);
        }
        CPPUNIT_ASSERT_THROW(TrustedProxies("10.0.0.0/33"), Poco::InvalidArgumentException);
        CPPUNIT_ASSERT_THROW(TrustedProxies("proxy.example"), Poco::InvalidArgumentException);
    }

    void theLastHopNotTrustedIsTheClient()
    {
        const TrustedProxies proxies("127.0.0.1 10.0.0.0/8");
        // Not from a proxy: the header is anyone's to write, and ignored.
        CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.7"),
                             client(proxies, "198.51.100.7", "203.0.113.5"));
        // From one, with one hop, two, and a client's own claim in front.
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.5"),
                             client(proxies, "127.0.0.1", "203.0.113.5"));
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.5"),
                             client(proxies, "127.0.0.1", "203.0.113.5, 10.1.2.3"));
        CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.9"),
                             client(proxies, "127.0.0.1", "203.0.113.5,198.51.100.9 ,10.1.2.3"));
        // Every hop trusted: the first.
        CPPUNIT_ASSERT_EQUAL(std::string("10.9.9.9"),
                             client(proxies, "127.0.0.1", "10.9.9.9, 10.1.2.3"));
        // No header: the proxy itself.
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), client(proxies, "127.0.0.1", ""));
        // IPv6, and addresses with a port as some proxies write them.
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"),
                             client(proxies, "127.0.0.1", "2001:db8::7"));
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"),
                             client(proxies, "127.0.0.1", "[2001:db8::7]:4711"));
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.5"),
                             client(proxies, "127.0.0.1", "203.0.113.5:4711"));
    }

    void whatIsNoAddressEndsTheWalk()
    {
        const TrustedProxies proxies("127.0.0.1 10.0.0.0/8");
        // Garbage a client wrote in front changes nothing ...
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.5"),
                             client(proxies, "127.0.0.1", "unknown, <script>, 203.0.113.5"));
        // ... and garbage where the proxy's entry should be leaves the
        // request to the last trusted hop, never to something made up.
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), client(proxies, "127.0.0.1", "unknown"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.1.2.3"),
                             client(proxies, "127.0.0.1", "203.0.113.5, 10.2, 10.1.2.3"));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), client(proxies, "127.0.0.1", " , "));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"),
                             client(proxies, "127.0.0.1", "fe80::1%eth0"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrustedProxiesTest);

} // namespace hchat::test
