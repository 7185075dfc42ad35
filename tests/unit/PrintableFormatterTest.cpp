#include "app/PrintableFormatter.h"

#include <Poco/Message.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class PrintableFormatterTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PrintableFormatterTest);
    CPPUNIT_TEST(aLogLineIsOneLineWithoutTerminalControls);
    CPPUNIT_TEST_SUITE_END();

public:
    void aLogLineIsOneLineWithoutTerminalControls()
    {
        PrintableFormatter format("%s: %t");
        Poco::Message message("hchatd.http", "GET /x\x1b[2J\r\nforged line",
                              Poco::Message::PRIO_ERROR);
        std::string line = "kept ";
        format.format(message, line);
        CPPUNIT_ASSERT_EQUAL(std::string("kept hchatd.http: GET /x\\x1B[2J\\x0D\\x0Aforged line"),
                             line);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PrintableFormatterTest);

} // namespace hchat::test
