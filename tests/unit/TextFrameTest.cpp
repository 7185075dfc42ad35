#include "http/TextFrame.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class TextFrameTest : public CppUnit::TestFixture
/// The server's WebSocket text frames (RFC 6455 §5.2): FIN and opcode 1,
/// no mask, the length in the shortest of its three forms.
{
    CPPUNIT_TEST_SUITE(TextFrameTest);
    CPPUNIT_TEST(lengthFormsAtTheirBoundaries);
    CPPUNIT_TEST(framesFollowEachOther);
    CPPUNIT_TEST_SUITE_END();

    static std::string header(std::size_t payloadSize)
    {
        std::string out;
        TextFrame::append(out, std::string(payloadSize, 'x'));
        CPPUNIT_ASSERT(out.size() > payloadSize);
        CPPUNIT_ASSERT_EQUAL(std::string(payloadSize, 'x'), out.substr(out.size() - payloadSize));
        return out.substr(0, out.size() - payloadSize);
    }

public:
    void lengthFormsAtTheirBoundaries()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x00", 2), header(0));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7d", 2), header(125));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7e\x00\x7e", 4), header(126));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7e\xff\xff", 4), header(65535));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10),
                             header(65536));
    }

    void framesFollowEachOther()
    {
        std::string out;
        TextFrame::append(out, "{\"a\":1}");
        TextFrame::append(out, "é");
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x07{\"a\":1}\x81\x02\xc3\xa9", 13), out);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextFrameTest);

} // namespace hchat::test
