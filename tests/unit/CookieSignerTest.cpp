#include "http/CookieSigner.h"

#include "chat/IdGenerator.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class CookieSignerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CookieSignerTest);
    CPPUNIT_TEST(issuedIdsAreIdsAndVerify);
    CPPUNIT_TEST(madeUpAndAlteredIdsDoNot);
    CPPUNIT_TEST_SUITE_END();

public:
    void issuedIdsAreIdsAndVerify()
    {
        CookieSigner signer;
        const std::string id = signer.issue();
        CPPUNIT_ASSERT(IdGenerator::isValid(id)); // the form of every id (SPEC §4)
        CPPUNIT_ASSERT(signer.verify(id));
        CPPUNIT_ASSERT(signer.issue() != id);
    }

    void madeUpAndAlteredIdsDoNot()
    {
        CookieSigner signer;
        const std::string id = signer.issue();
        int accepted = 0;
        for (int i = 0; i < 1000; ++i)
            accepted += signer.verify(IdGenerator::next()); // made up
        CPPUNIT_ASSERT_EQUAL(0, accepted);
        CPPUNIT_ASSERT(!CookieSigner().verify(id)); // another key: a restart
        for (std::size_t at : {std::size_t(0), std::size_t(15), std::size_t(16), std::size_t(31)})
        {
            std::string altered = id;
            altered[at] = altered[at] == '0' ? '1' : '0';
            CPPUNIT_ASSERT(!signer.verify(altered));
        }
        CPPUNIT_ASSERT(!signer.verify(id.substr(0, 31)));
        CPPUNIT_ASSERT(!signer.verify(""));
        CPPUNIT_ASSERT(CookieSigner("k").issue() != CookieSigner("k").issue()); // random part
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CookieSignerTest);

} // namespace hchat::test
