#include "net/ProxyHeader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

namespace hchat::test
{

class ProxyHeaderTest : public CppUnit::TestFixture
/// The PROXY protocol header a TCP balancer sends first (HAProxy's
/// send-proxy and send-proxy-v2): what is one, what is none, how long it
/// is, and whose address it names.
{
    CPPUNIT_TEST_SUITE(ProxyHeaderTest);
    CPPUNIT_TEST(tcp4AndTcp6NameTheClient);
    CPPUNIT_TEST(unknownIsAHeaderWithoutAClient);
    CPPUNIT_TEST(anythingElseIsRefused);
    CPPUNIT_TEST(theFirstBytesTellWhetherToWait);
    CPPUNIT_TEST(version2NamesTheClient);
    CPPUNIT_TEST(version2LocalAndOtherFamiliesAreTheBalancers);
    CPPUNIT_TEST(version2IsMeasuredBeforeItIsRead);
    CPPUNIT_TEST(version2ThatCannotBeRightIsRefused);
    CPPUNIT_TEST_SUITE_END();

    static ProxyHeader::Parsed line(const std::string& text)
    {
        return ProxyHeader::parse(text + "\r\n");
    }

    // A version 2 header: command (0 LOCAL, 1 PROXY), family, then the
    // rest as given; the length field is the rest's unless told otherwise.
    static std::string binary(unsigned command, unsigned family, const std::string& rest,
                              int length = -1, unsigned version = 2)
    {
        std::string h("\r\n\r\n\0\r\nQUIT\n", 12);
        h += static_cast<char>(version << 4 | command);
        h += static_cast<char>(family);
        const std::size_t n = length < 0 ? rest.size() : static_cast<std::size_t>(length);
        h += static_cast<char>(n >> 8);
        h += static_cast<char>(n & 0xFF);
        return h + rest;
    }
    static std::string bytes(const std::vector<unsigned>& values)
    {
        std::string out;
        for (unsigned v : values)
            out += static_cast<char>(v);
        return out;
    }
    // 203.0.113.7:56324 → 192.0.2.1:6667
    static std::string ipv4Addresses()
    {
        return bytes(
            {203, 0, 113, 7, 192, 0, 2, 1, 56324 >> 8, 56324 & 0xFF, 6667 >> 8, 6667 & 0xFF});
    }

public:
    void tcp4AndTcp6NameTheClient()
    {
        auto v4 = line("PROXY TCP4 203.0.113.7 192.0.2.1 56324 6667");
        CPPUNIT_ASSERT(v4.valid && v4.known);
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.7:56324"), v4.client.toString());
        auto v6 = line("PROXY TCP6 2001:db8::7 2001:db8::1 0 65535");
        CPPUNIT_ASSERT(v6.valid && v6.known);
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"), v6.client.host().toString());
        CPPUNIT_ASSERT_EQUAL(Poco::UInt16(0), v6.client.port());
    }

    void unknownIsAHeaderWithoutAClient()
    {
        for (const char* text : {"PROXY UNKNOWN", "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff"})
        {
            auto header = line(text);
            CPPUNIT_ASSERT_MESSAGE(text, header.valid && !header.known);
        }
    }

    void anythingElseIsRefused()
    {
        for (const char* text : {
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
            CPPUNIT_ASSERT_MESSAGE(text, !line(text).valid);
        // Longer than the 107 bytes a header may have; no CRLF.
        CPPUNIT_ASSERT(!line("PROXY UNKNOWN " + std::string(100, 'x')).valid);
        CPPUNIT_ASSERT(!ProxyHeader::parse("PROXY UNKNOWN").valid);
        CPPUNIT_ASSERT(!ProxyHeader::parse("").valid);
    }

    void theFirstBytesTellWhetherToWait()
    {
        using Shape = ProxyHeader::Shape;
        CPPUNIT_ASSERT(ProxyHeader::measure("").shape == Shape::Partial);
        CPPUNIT_ASSERT(ProxyHeader::measure("PRO").shape == Shape::Partial);
        CPPUNIT_ASSERT(ProxyHeader::measure("PROXY TCP4 1.2").shape == Shape::Partial);
        CPPUNIT_ASSERT(ProxyHeader::measure("PROXYTCP4").shape == Shape::None);
        CPPUNIT_ASSERT(ProxyHeader::measure("NICK bob").shape == Shape::None);
        CPPUNIT_ASSERT(ProxyHeader::measure("\x16\x03\x01").shape == Shape::None); // TLS
        // Whole up to its CRLF; what follows is the client's.
        const auto found = ProxyHeader::measure("PROXY UNKNOWN\r\nNICK bob\r\n");
        CPPUNIT_ASSERT(found.shape == Shape::Whole);
        CPPUNIT_ASSERT_EQUAL(std::size_t(15), found.length);
        // 107 bytes and no CRLF: never a header.
        CPPUNIT_ASSERT(ProxyHeader::measure("PROXY " + std::string(101, 'x')).shape == Shape::Bad);
    }

    void version2NamesTheClient()
    {
        auto v4 = ProxyHeader::parse(binary(1, 0x11, ipv4Addresses()));
        CPPUNIT_ASSERT(v4.valid && v4.known);
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.7:56324"), v4.client.toString());
        std::string v6Addresses =
            bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
        v6Addresses += bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        v6Addresses += bytes({0xFF, 0xFF, 0x1A, 0x0B});
        auto v6 = ProxyHeader::parse(binary(1, 0x21, v6Addresses));
        CPPUNIT_ASSERT(v6.valid && v6.known);
        CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"), v6.client.host().toString());
        CPPUNIT_ASSERT_EQUAL(Poco::UInt16(65535), v6.client.port());
        // TLVs after the addresses (here an AWS VPC endpoint id) are skipped.
        const std::string tlv = bytes({0xEA, 0, 5, 1}) + "vpce";
        auto withTlv = ProxyHeader::parse(binary(1, 0x11, ipv4Addresses() + tlv));
        CPPUNIT_ASSERT(withTlv.valid && withTlv.known);
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.7:56324"), withTlv.client.toString());
    }

    void version2LocalAndOtherFamiliesAreTheBalancers()
    {
        // LOCAL (a health check), UNSPEC, UDP and UNIX sockets: headers
        // without a client, so the connection is the balancer's own.
        for (const auto& header :
             {binary(0, 0x00, ""), binary(0, 0x11, ipv4Addresses()), binary(1, 0x00, ""),
              binary(1, 0x12, ipv4Addresses()), binary(1, 0x31, std::string(216, 'u'))})
        {
            auto parsed = ProxyHeader::parse(header);
            CPPUNIT_ASSERT(parsed.valid && !parsed.known);
        }
    }

    void version2IsMeasuredBeforeItIsRead()
    {
        using Shape = ProxyHeader::Shape;
        const std::string header = binary(1, 0x11, ipv4Addresses());
        for (std::size_t n = 0; n < header.size(); ++n)
            CPPUNIT_ASSERT(ProxyHeader::measure(header.substr(0, n)).shape == Shape::Partial);
        const auto found = ProxyHeader::measure(header + "\x16\x03\x01 a ClientHello");
        CPPUNIT_ASSERT(found.shape == Shape::Whole);
        CPPUNIT_ASSERT_EQUAL(header.size(), found.length);
        // A signature that goes wrong is no header.
        CPPUNIT_ASSERT(ProxyHeader::measure(std::string("\r\n\r\n\0\r\nQUI!", 12)).shape ==
                       Shape::None);
    }

    void version2ThatCannotBeRightIsRefused()
    {
        using Shape = ProxyHeader::Shape;
        // Another version, or longer than hchatd takes: refused at once.
        CPPUNIT_ASSERT(ProxyHeader::measure(binary(1, 0x11, ipv4Addresses(), -1, 3)).shape ==
                       Shape::Bad);
        CPPUNIT_ASSERT(ProxyHeader::measure(binary(1, 0x11, "", 2000)).shape == Shape::Bad);
        // Whole, but wrong inside: an unknown command, addresses cut short,
        // or a length that does not match.
        for (const auto& header :
             {binary(2, 0x11, ipv4Addresses()), binary(1, 0x11, ipv4Addresses().substr(0, 11)),
              binary(1, 0x21, ipv4Addresses()), binary(1, 0x11, ipv4Addresses(), 13),
              binary(1, 0x11, ipv4Addresses(), -1, 1)})
            CPPUNIT_ASSERT(!ProxyHeader::parse(header).valid);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxyHeaderTest);

} // namespace hchat::test
