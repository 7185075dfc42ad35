#include "http/RequestValues.h"
#include "http/HttpError.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class RequestValuesTest : public CppUnit::TestFixture
/// The values of paths, query strings and POST /send forms.
{
    CPPUNIT_TEST_SUITE(RequestValuesTest);
    CPPUNIT_TEST(numbersAreDigitsOnly);
    CPPUNIT_TEST(queryValuesArePercentDecoded);
    CPPUNIT_TEST(sendFormsAndBodiesThatAreNoForm);
    CPPUNIT_TEST_SUITE_END();

public:
    void numbersAreDigitsOnly()
    {
        std::uint64_t n = 7;
        CPPUNIT_ASSERT(RequestValues::parseNumber("42", n) && n == 42);
        for (const char* bad : {"", "+1", "-1", " 1", "1 ", "0x1", "12345678901234567890"})
            CPPUNIT_ASSERT_MESSAGE(bad, !RequestValues::parseNumber(bad, n));
    }

    void queryValuesArePercentDecoded()
    {
        std::string nick;
        CPPUNIT_ASSERT(RequestValues::query("/send/r?a=1&nick=al%20ice&nick=bob", "nick", nick));
        CPPUNIT_ASSERT_EQUAL(std::string("al ice"), nick);
        CPPUNIT_ASSERT(!RequestValues::query("/send/r?a=1", "nick", nick));
    }

    void sendFormsAndBodiesThatAreNoForm()
    {
        RequestValues::SendForm form = RequestValues::sendForm("application/x-www-form-urlencoded",
                                                               "text=two+words%0D%0A&nick=al");
        CPPUNIT_ASSERT(form.haveText);
        CPPUNIT_ASSERT_EQUAL(std::string("two words\r\n"), form.text);
        CPPUNIT_ASSERT_EQUAL(std::string("al"), form.nick);
        // curl -d "100% sure": no form, so the body is the text.
        CPPUNIT_ASSERT(
            !RequestValues::sendForm("application/x-www-form-urlencoded", "100% sure").haveText);
        CPPUNIT_ASSERT(!RequestValues::sendForm("text/plain", "text=x").haveText);
        form = RequestValues::sendForm("multipart/form-data; boundary=b",
                                       "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n"
                                       "\r\nhi\r\n--b--\r\n");
        CPPUNIT_ASSERT(form.haveText);
        CPPUNIT_ASSERT_EQUAL(std::string("hi"), form.text);
        for (const char* body :
             {"--b\r\nContent-Disposition: form-data; name=\"nick\"\r\n\r\nx\r\n--b--\r\n",
              "garbage"})
        {
            try
            {
                RequestValues::sendForm("multipart/form-data; boundary=b", body);
                CPPUNIT_FAIL(body);
            }
            catch (const HttpError& e)
            {
                CPPUNIT_ASSERT_EQUAL(400, static_cast<int>(e.status()));
            }
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestValuesTest);

} // namespace hchat::test
