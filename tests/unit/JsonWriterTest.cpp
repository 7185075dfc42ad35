#include "util/JsonWriter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

namespace hchat::test
{

class JsonWriterTest : public CppUnit::TestFixture
/// The frames' JSON writer: the same text as Poco::JSON for the same
/// values, whatever the strings hold, and text a JSON parser reads back.
{
    CPPUNIT_TEST_SUITE(JsonWriterTest);
    CPPUNIT_TEST(everyByteIsWrittenAsPocoWritesIt);
    CPPUNIT_TEST(fieldsKeepTheirOrder);
    CPPUNIT_TEST(anArrayStopsAtItsLimit);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyByteIsWrittenAsPocoWritesIt()
    {
        std::vector<std::string> texts = {
            "", "plain", "a/b \"q\" \\ ü 😀 \t\n\r\b\f", "\u2028", "end\\", "\"", "x\x7fy"};
        for (int c = 1; c < 128; ++c)
            texts.push_back("<" + std::string(1, static_cast<char>(c)) + ">");
        for (const std::string& text : texts)
        {
            std::string ours;
            JsonWriter::appendString(ours, text);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, poco(text), ours);
            // And read back as it was.
            Poco::JSON::Parser parser;
            const std::string back = parser.parse("[" + ours + "]")
                                         .extract<Poco::JSON::Array::Ptr>()
                                         ->getElement<std::string>(0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(ours, text, back);
        }
    }

    void fieldsKeepTheirOrder()
    {
        JsonWriter writer;
        const std::string json = writer.field("type", "message")
                                     .field("id", std::uint64_t(18446744073709551615ULL))
                                     .field("text", std::string("a\"b"))
                                     .field("names", std::vector<std::string>{"ann", "b\\o"})
                                     .take();
        Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
        object.set("type", "message");
        object.set("id", Poco::UInt64(18446744073709551615ULL));
        object.set("text", "a\"b");
        Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
        names->add("ann");
        names->add("b\\o");
        object.set("names", names);
        std::ostringstream out;
        object.stringify(out);
        CPPUNIT_ASSERT_EQUAL(out.str(), json);
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), writer.take()); // empty after take()
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"names":[]})"),
                             writer.field("names", std::vector<std::string>()).take());
    }

    void anArrayStopsAtItsLimit()
    {
        const std::string json =
            JsonWriter().field("online", std::vector<std::string>{"a", "b", "c"}, 2).take();
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"online":["a","b"]})"), json);
    }

private:
    static std::string poco(const std::string& text)
    {
        Poco::JSON::Array array;
        array.add(text);
        std::ostringstream out;
        array.stringify(out);
        const std::string all = out.str();
        return all.substr(1, all.size() - 2); // without [ ]
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonWriterTest);

} // namespace hchat::test
