#include "http/Router.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class RouterTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(RouterTest);
    CPPUNIT_TEST(matchesLiteralAndPlaceholders);
    CPPUNIT_TEST(ignoresQueryString);
    CPPUNIT_TEST(wrongMethodListsAllowed);
    CPPUNIT_TEST(unknownPathsDoNotMatch);
    CPPUNIT_TEST_SUITE_END();

    Router router()
    {
        Router r;
        auto none = [](const Router::Params&) { return nullptr; };
        r.add("GET", "/", none);
        r.add("GET", "/chat/{id}", none);
        r.add("GET", "/msg/{id}/{n}", none);
        r.add("POST", "/send/{id}", none);
        r.add("GET", "/api/rooms/{id}", none);
        r.add("GET", "/api/rooms/{id}/messages", none);
        return r;
    }

public:
    void matchesLiteralAndPlaceholders()
    {
        Router r = router();
        auto m = r.match("GET", "/msg/abc/12");
        CPPUNIT_ASSERT(m.create);
        CPPUNIT_ASSERT_EQUAL(std::string("/msg/{id}/{n}"), m.pattern);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), m.params.size());
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), m.params[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("12"), m.params[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("/"), r.match("GET", "/").pattern);
        CPPUNIT_ASSERT_EQUAL(std::string("/api/rooms/{id}/messages"),
                             r.match("GET", "/api/rooms/x/messages").pattern);
    }

    void ignoresQueryString()
    {
        Router r = router();
        auto m = r.match("GET", "/api/rooms/x/messages?from=3&limit=2");
        CPPUNIT_ASSERT(m.create);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), m.params[0]);
    }

    void wrongMethodListsAllowed()
    {
        Router r = router();
        auto m = r.match("GET", "/send/abc");
        CPPUNIT_ASSERT(!m.create);
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), m.allow);
        m = r.match("DELETE", "/chat/abc");
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD"), m.allow);
        m = r.match("HEAD", "/chat/abc"); // every GET route answers HEAD
        CPPUNIT_ASSERT(m.create);
        CPPUNIT_ASSERT(!r.match("HEAD", "/send/abc").create);
    }

    void unknownPathsDoNotMatch()
    {
        Router r = router();
        for (const char* path : {"/nope", "/chat", "/chat/", "/chat/a/b", "/msg/a", "/msg/a/1/2",
                                 "//", "/static/../../etc/passwd", "/chat/%2e%2e/x", "garbage"})
        {
            auto m = r.match("GET", path);
            CPPUNIT_ASSERT_MESSAGE(path, !m.create);
            CPPUNIT_ASSERT_MESSAGE(path, m.allow.empty());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);

} // namespace hchat::test
