#include "app/CommandLine.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class CommandLineTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CommandLineTest);
    CPPUNIT_TEST(noArgumentsMeansDefaults);
    CPPUNIT_TEST(shortAndLongForms);
    CPPUNIT_TEST(portForms);
    CPPUNIT_TEST(badInputNamesTheProblem);
    CPPUNIT_TEST(ctlTakesTheRestAsTheCommand);
    CPPUNIT_TEST_SUITE_END();

    static CommandLine parse(const std::vector<std::string>& args)
    {
        CommandLine c;
        c.parse(args);
        return c;
    }

    static std::string errorOf(const std::vector<std::string>& args)
    {
        try
        {
            parse(args);
        }
        catch (const Poco::Exception& e)
        {
            return e.displayText();
        }
        return "";
    }

public:
    void noArgumentsMeansDefaults()
    {
        CommandLine c = parse({});
        CPPUNIT_ASSERT(!c.help && !c.daemon);
        CPPUNIT_ASSERT_EQUAL(-1, c.port);
        CPPUNIT_ASSERT(c.configFile.empty());
    }

    void shortAndLongForms()
    {
        CPPUNIT_ASSERT(parse({"-h"}).help);
        CPPUNIT_ASSERT(parse({"--help"}).help);
        CPPUNIT_ASSERT(parse({"-d"}).daemon);
        CPPUNIT_ASSERT(parse({"--daemon"}).daemon);
        CPPUNIT_ASSERT_EQUAL(std::string("x.conf"), parse({"-c", "x.conf"}).configFile);
        CPPUNIT_ASSERT_EQUAL(std::string("x.conf"), parse({"--config=x.conf"}).configFile);
        CommandLine all = parse({"-d", "-p", "8080", "-c", "/etc/h.conf"});
        CPPUNIT_ASSERT(all.daemon);
        CPPUNIT_ASSERT_EQUAL(8080, all.port);
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/h.conf"), all.configFile);
    }

    void portForms()
    {
        CPPUNIT_ASSERT_EQUAL(80, parse({"-p", "80"}).port);
        CPPUNIT_ASSERT_EQUAL(80, parse({"-p80"}).port);
        CPPUNIT_ASSERT_EQUAL(80, parse({"--port=80"}).port);
        CPPUNIT_ASSERT_EQUAL(80, parse({"--port", "80"}).port);
        CPPUNIT_ASSERT_EQUAL(0, parse({"-p", "0"}).port);
        CPPUNIT_ASSERT_EQUAL(65535, parse({"-p", "65535"}).port);
    }

    void ctlTakesTheRestAsTheCommand()
    {
        CommandLine c = parse({"-c", "x.conf", "--ctl", "ban-address", "192.0.2.7", "-p"});
        CPPUNIT_ASSERT(c.control);
        CPPUNIT_ASSERT_EQUAL(std::string("x.conf"), c.configFile);
        CPPUNIT_ASSERT((c.command == std::vector<std::string>{"ban-address", "192.0.2.7", "-p"}));
        CPPUNIT_ASSERT(!parse({}).control);
        CPPUNIT_ASSERT(errorOf({"--ctl"}).find("--ctl needs a command") != std::string::npos);
        CPPUNIT_ASSERT(errorOf({"-d", "--ctl", "stats"}).find("-c only") != std::string::npos);
        CPPUNIT_ASSERT(CommandLine::usage().find("--ctl command") != std::string::npos);
        CPPUNIT_ASSERT(CommandLine::usage().find("delete-room ID") != std::string::npos);
    }

    void badInputNamesTheProblem()
    {
        CPPUNIT_ASSERT(errorOf({"-x"}).find("x") != std::string::npos);
        CPPUNIT_ASSERT(errorOf({"--verbose"}).find("verbose") != std::string::npos);
        CPPUNIT_ASSERT(errorOf({"-p", "65536"}).find("65536") != std::string::npos);
        CPPUNIT_ASSERT(errorOf({"-p", "http"}).find("http") != std::string::npos);
        CPPUNIT_ASSERT(errorOf({"-p", "-1"}).find("-1") != std::string::npos);
        CPPUNIT_ASSERT(errorOf({"-p", "+80"}).find("+80") != std::string::npos);
        CPPUNIT_ASSERT(!errorOf({"-p"}).empty());
        CPPUNIT_ASSERT(errorOf({"stray"}).find("stray") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CommandLineTest);

} // namespace hchat::test
