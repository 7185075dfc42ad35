#include "net/ProxyHeader.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class ProxyHeaderTest : public CppUnit::TestFixture
/// The PROXY protocol v1 line a TCP balancer sends first (HAProxy's
/// send-proxy): what is one, what is none, and whose address it names.
{
    CPPUNIT_TEST_SUITE(ProxyHeaderTest);
    CPPUNIT_TEST(tcp4AndTcp6NameTheClient);
    CPPUNIT_TEST(unknownIsAHeaderWithoutAClient);
    CPPUNIT_TEST(anythingElseIsRefused);
    CPPUNIT_TEST(theFirstBytesTellWhetherToWait);
    CPPUNIT_TEST_SUITE_END();

public:
    void tcp4AndTcp6NameTheClient()
    {
        auto v4 = ProxyHeader::parse("PROXY TCP4 203.0.113.7 192.0.2.1 56324 6667");
        CPPUNIT_ASSERT(v4.valid && v4.known);
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.7:56324"), v4.client.toString());
        auto v6 = ProxyHeader::parse("PROXY TCP6 2001:db8::7 2001:db8::1 0 65535");
        CPPUNIT_ASSERT(v6.valid && v6.known);
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"), v6.client.host().toString());
        CPPUNIT_ASSERT_EQUAL(Poco::UInt16(0), v6.client.port());
    }

    void unknownIsAHeaderWithoutAClient()
    {
        for (const char* line : {"PROXY UNKNOWN", "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff"})
        {
            auto header = ProxyHeader::parse(line);
            CPPUNIT_ASSERT_MESSAGE(line, header.valid && !header.known);
        }
    }

    void anythingElseIsRefused()
    {
        for (const char* line : {
                 "PROXY TCP4 203.0.113.7 192.0.2.1 56324",        // a field short
                 "PROXY TCP4 203.0.113.7 192.0.2.1 56324 6667 x", // one too many
                 "PROXY TCP4  203.0.113.7 192.0.2.1 56324 6667",  // two spaces
                 "PROXY TCP4 203.0.113.7 192.0.2.1 56324 6667 ",  // a trailing space
                 "PROXY TCP4 2001:db8::7 192.0.2.1 56324 6667",   // not the family named
                 "PROXY TCP6 203.0.113.7 2001:db8::1 56324 6667", // likewise
                 "PROXY TCP4 203.0.113 192.0.2.1 56324 6667",     // three parts
                 "PROXY TCP4 999.0.113.7 192.0.2.1 56324 6667",   // no address
                 "PROXY TCP4 203.0.113.7 192.0.2.1 65536 6667",   // no port
                 "PROXY TCP4 203.0.113.7 192.0.2.1 056324 6667",  // six digits
                 "PROXY TCP4 203.0.113.7 192.0.2.1 0x10 6667",    // not decimal
                 "PROXY TCP4 203.0.113.7 192.0.2.1 -1 6667",      // negative
                 "PROXY UDP4 203.0.113.7 192.0.2.1 56324 6667",   // no such protocol
                 "proxy TCP4 203.0.113.7 192.0.2.1 56324 6667",   // lower case
                 "PROXY UNKNOWNX",                                // not UNKNOWN
                 "PROXY ",                                        // nothing
                 "USERNAME bob",                                  // a client's first line
             })
            CPPUNIT_ASSERT_MESSAGE(line, !ProxyHeader::parse(line).valid);
        // Longer than the 107 bytes a header may have.
        CPPUNIT_ASSERT(!ProxyHeader::parse("PROXY UNKNOWN " + std::string(100, 'x')).valid);
    }

    void theFirstBytesTellWhetherToWait()
    {
        CPPUNIT_ASSERT(ProxyHeader::mayBe(""));
        CPPUNIT_ASSERT(ProxyHeader::mayBe("PRO"));
        CPPUNIT_ASSERT(ProxyHeader::mayBe("PROXY TCP4 1.2"));
        CPPUNIT_ASSERT(!ProxyHeader::mayBe("PROXYTCP4"));
        CPPUNIT_ASSERT(!ProxyHeader::mayBe("NICK bob"));
        CPPUNIT_ASSERT(!ProxyHeader::mayBe("\x16\x03\x01")); // a TLS ClientHello
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxyHeaderTest);

} // namespace hchat::test
