#include "net/AddressBans.h"

#include <Poco/Exception.h>
#include <Poco/Timespan.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class AddressBansTest : public CppUnit::TestFixture
/// Address bans: what counts as an address or network, which peers a ban
/// covers (IPv4, IPv6, IPv4 seen through a dual-stack socket), replacing,
/// lifting and expiry.
{
    CPPUNIT_TEST_SUITE(AddressBansTest);
    CPPUNIT_TEST(addressesAndNetworksAreNormalized);
    CPPUNIT_TEST(badAddressesAreRefused);
    CPPUNIT_TEST(bansCoverTheirAddressOrNetworkOnly);
    CPPUNIT_TEST(replacedLiftedAndExpired);
    CPPUNIT_TEST_SUITE_END();

    static Poco::Net::IPAddress ip(const std::string& text) { return Poco::Net::IPAddress(text); }

    static AddressBan ban(const std::string& address, long seconds = 0)
    {
        AddressBan b;
        b.address = address;
        if (seconds != 0)
            b.until = Poco::Timestamp() + Poco::Timespan(seconds, 0);
        return b;
    }

public:
    void addressesAndNetworksAreNormalized()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), AddressBans::normalize("192.0.2.7"));
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), AddressBans::normalize("192.0.2.7/32"));
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.0/24"), AddressBans::normalize("192.0.2.7/24"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.0/8"), AddressBans::normalize("10.200.3.4/8"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.0.0.0/0"), AddressBans::normalize("203.0.113.9/0"));
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"), AddressBans::normalize("2001:DB8:0::1"));
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::/32"),
                             AddressBans::normalize("2001:db8:ffff::1/32"));
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.128/25"),
                             AddressBans::normalize("192.0.2.200/25"));
    }

    void badAddressesAreRefused()
    {
        for (const char* bad : {"", "bogus", "192.0.2", "192.0.2.1/33", "192.0.2.1/",
                                "192.0.2.1/-1", "2001:db8::/129", "192.0.2.1/8x", "192.0.2.1 ",
                                "example.org", "fe80::1%eth0", "1.2.3.4/24/8"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, AddressBans::normalize(bad),
                                         Poco::InvalidArgumentException);
    }

    void bansCoverTheirAddressOrNetworkOnly()
    {
        AddressBans bans;
        CPPUNIT_ASSERT(!bans.covers(ip("192.0.2.7")));
        bans.set(ban("192.0.2.7"));
        bans.set(ban("198.51.100.0/25"));
        bans.set(ban("2001:db8:1::/48"));
        CPPUNIT_ASSERT(bans.covers(ip("192.0.2.7")));
        CPPUNIT_ASSERT(!bans.covers(ip("192.0.2.8")));
        CPPUNIT_ASSERT(bans.covers(ip("198.51.100.0")));
        CPPUNIT_ASSERT(bans.covers(ip("198.51.100.127")));
        CPPUNIT_ASSERT(!bans.covers(ip("198.51.100.128")));
        CPPUNIT_ASSERT(bans.covers(ip("2001:db8:1:ffff::5")));
        CPPUNIT_ASSERT(!bans.covers(ip("2001:db8:2::5")));
        // An IPv4 client of a listener on "::".
        CPPUNIT_ASSERT(bans.covers(ip("::ffff:192.0.2.7")));
        CPPUNIT_ASSERT(bans.covers(ip("::ffff:198.51.100.9")));
        CPPUNIT_ASSERT(!bans.covers(ip("::ffff:192.0.2.8")));
        CPPUNIT_ASSERT(!bans.covers(ip("::1")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), bans.list().size());
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), bans.list()[0].address);
    }

    void replacedLiftedAndExpired()
    {
        AddressBans bans;
        bans.set(ban("192.0.2.7/24", 3600));
        bans.set(ban("192.0.2.0/24")); // the same network: replaces, now for good
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bans.list().size());
        CPPUNIT_ASSERT(bans.list()[0].forGood());
        CPPUNIT_ASSERT(bans.lift("192.0.2.99/24"));
        CPPUNIT_ASSERT(!bans.lift("192.0.2.0/24"));
        CPPUNIT_ASSERT(!bans.covers(ip("192.0.2.1")));

        AddressBan over = ban("203.0.113.5");
        over.until = Poco::Timestamp() - Poco::Timespan(1, 0); // ended a second ago
        bans.set(over);
        CPPUNIT_ASSERT(!bans.covers(ip("203.0.113.5")));
        CPPUNIT_ASSERT(bans.list().empty());
        CPPUNIT_ASSERT(!bans.lift("203.0.113.5")); // over: nothing to lift
        bans.set(ban("203.0.113.6", 3600));
        CPPUNIT_ASSERT(bans.covers(ip("203.0.113.6")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bans.list().size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AddressBansTest);

} // namespace hchat::test
