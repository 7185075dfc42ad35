#include "model/Message.h"

#include <Poco/DateTime.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class MessageTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(MessageTest);
    CPPUNIT_TEST(jsonCarriesEveryField);
    CPPUNIT_TEST(jsonEscapesHostileText);
    CPPUNIT_TEST(timeIsRfc3339UtcWithMilliseconds);
    CPPUNIT_TEST(kindNamesRoundTrip);
    CPPUNIT_TEST_SUITE_END();

public:
    void jsonCarriesEveryField()
    {
        Message m(7, MessageKind::Message, "alice", Poco::Timestamp(), "hi");
        auto object = Poco::JSON::Parser().parse(m.json()).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("message"), object->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(7, object->getValue<int>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("message"), object->getValue<std::string>("kind"));
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), object->getValue<std::string>("author"));
        CPPUNIT_ASSERT_EQUAL(m.timeText(), object->getValue<std::string>("time"));
        CPPUNIT_ASSERT_EQUAL(std::string("hi"), object->getValue<std::string>("text"));
    }

    void jsonEscapesHostileText()
    {
        const std::string text = "\"}, {\"id\": 99\n\\ </script> Grüße \x01";
        Message m(0, MessageKind::Message, "bob", Poco::Timestamp(), text);
        auto object = Poco::JSON::Parser().parse(m.json()).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(text, object->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(0, object->getValue<int>("id"));
    }

    void timeIsRfc3339UtcWithMilliseconds()
    {
        Poco::DateTime when(2026, 11, 22, 3, 1, 8, 123);
        CPPUNIT_ASSERT_EQUAL(std::string("2026-11-22T03:01:08.123Z"),
                             Message::formatTime(when.timestamp()));
    }

    void kindNamesRoundTrip()
    {
        for (MessageKind k :
             {MessageKind::Message, MessageKind::Join, MessageKind::Leave, MessageKind::Nick})
        {
            MessageKind parsed = MessageKind::Message;
            CPPUNIT_ASSERT(Message::parseKind(Message::kindName(k), parsed));
            CPPUNIT_ASSERT(parsed == k);
        }
        MessageKind ignored;
        CPPUNIT_ASSERT(!Message::parseKind("shout", ignored));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageTest);

} // namespace hchat::test
