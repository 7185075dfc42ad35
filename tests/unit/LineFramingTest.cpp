#include "line/LineCommand.h"
#include "line/LineReader.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class LineFramingTest : public CppUnit::TestFixture
/// LineReader (bytes to lines, the length limit) and LineCommand (a line to
/// a command) of the line protocol.
{
    CPPUNIT_TEST_SUITE(LineFramingTest);
    CPPUNIT_TEST(linesSplitAnyway);
    CPPUNIT_TEST(byteByByte);
    CPPUNIT_TEST(tooLongIsOneErrorNeverTwoLines);
    CPPUNIT_TEST(commands);
    CPPUNIT_TEST_SUITE_END();

    static std::vector<std::string> drain(LineReader& reader)
    {
        std::vector<std::string> out;
        std::string line;
        for (;;)
        {
            auto result = reader.next(line);
            if (result == LineReader::Result::NeedMore)
                return out;
            out.push_back(result == LineReader::Result::TooLong ? "<too long>" : line);
        }
    }
    static void feed(LineReader& reader, const std::string& bytes)
    {
        reader.feed(bytes.data(), bytes.size());
    }
    static std::string join(const std::vector<std::string>& lines)
    {
        std::string out;
        for (const auto& l : lines)
            out += "[" + l + "]";
        return out;
    }

public:
    void linesSplitAnyway()
    {
        LineReader reader(100);
        feed(reader, "one\r\ntwo\nthr");
        CPPUNIT_ASSERT_EQUAL(std::string("[one][two]"), join(drain(reader)));
        feed(reader, "ee\r");
        CPPUNIT_ASSERT_EQUAL(std::string(""), join(drain(reader)));
        feed(reader, "\n\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string("[three][]"), join(drain(reader)));
    }

    void byteByByte()
    {
        LineReader reader(100);
        std::vector<std::string> lines;
        for (char c : std::string("USERNAME ann\r\nJOIN #x\r\n"))
        {
            reader.feed(&c, 1);
            for (auto& l : drain(reader))
                lines.push_back(l);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("[USERNAME ann][JOIN #x]"), join(lines));
    }

    void tooLongIsOneErrorNeverTwoLines()
    {
        LineReader reader(10);
        std::string exact(10, 'a');
        feed(reader, exact + "\r\n"); // at the limit: fine
        CPPUNIT_ASSERT_EQUAL("[" + exact + "]", join(drain(reader)));
        std::vector<std::string> lines;
        for (int i = 0; i < 50; ++i) // 250 bytes in pieces, then its end and a line
        {
            feed(reader, "bbbbb");
            for (auto& l : drain(reader))
                lines.push_back(l);
        }
        feed(reader, "b\r\nnext\r\n");
        for (auto& l : drain(reader))
            lines.push_back(l);
        CPPUNIT_ASSERT_EQUAL(std::string("[<too long>][next]"), join(lines));
        // Too long but whole in one read.
        feed(reader, "cccccccccccc\nok\n");
        CPPUNIT_ASSERT_EQUAL(std::string("[<too long>][ok]"), join(drain(reader)));
    }

    void commands()
    {
        using V = LineCommand::Verb;
        auto c = LineCommand::parse("USERNAME  alice ");
        CPPUNIT_ASSERT(c.verb == V::Username);
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), c.argument);
        c = LineCommand::parse("PRIVMSG bob Hey  there ");
        CPPUNIT_ASSERT(c.verb == V::Privmsg);
        CPPUNIT_ASSERT_EQUAL(std::string("bob"), c.argument);
        CPPUNIT_ASSERT_EQUAL(std::string("Hey  there "), c.text);
        c = LineCommand::parse("MSG  spaced");
        CPPUNIT_ASSERT(c.verb == V::Msg);
        CPPUNIT_ASSERT_EQUAL(std::string(" spaced"), c.text);
        CPPUNIT_ASSERT(LineCommand::parse("QUIT").verb == V::Quit);
        CPPUNIT_ASSERT(LineCommand::parse("LEAVE ").verb == V::Leave);
        CPPUNIT_ASSERT(LineCommand::parse("ROOMS").verb == V::Rooms);
        CPPUNIT_ASSERT(LineCommand::parse("USERS").verb == V::Users);
        CPPUNIT_ASSERT(LineCommand::parse("JOIN").verb == V::Join);
        CPPUNIT_ASSERT(LineCommand::parse("JOIN").argument.empty());
        // Not commands: text (a message, in a room).
        for (const char* text : {"USERS are great", "quit", "Hello everyone!", "JOINED us"})
        {
            c = LineCommand::parse(text);
            CPPUNIT_ASSERT_MESSAGE(text, c.verb == V::Text);
            CPPUNIT_ASSERT_EQUAL(std::string(text), c.text);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LineFramingTest);

} // namespace hchat::test
