#include "http/PageRenderer.h"
#include "util/Html.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class PageRendererTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PageRendererTest);
    CPPUNIT_TEST(escapesEverythingHtmlCares);
    CPPUNIT_TEST(placeholdersAreEscapedUnlessTriple);
    CPPUNIT_TEST(missingValueIsAnError);
    CPPUNIT_TEST(servesOnlyEmbeddedFiles);
    CPPUNIT_TEST(pagesRenderWithHostileSubject);
    CPPUNIT_TEST_SUITE_END();

public:
    void escapesEverythingHtmlCares()
    {
        CPPUNIT_ASSERT_EQUAL(
            std::string("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;"),
            Html::escape("<script>alert(\"x\")</script> & '"));
    }

    void placeholdersAreEscapedUnlessTriple()
    {
        CPPUNIT_ASSERT_EQUAL(
            std::string("<p>&lt;b&gt;</p><b>"),
            PageRenderer::fill("<p>{{x}}</p>{{{y}}}", {{"x", "<b>"}, {"y", "<b>"}}));
        // A value that looks like a placeholder is not expanded again.
        CPPUNIT_ASSERT_EQUAL(std::string("{{y}}"),
                             PageRenderer::fill("{{x}}", {{"x", "{{y}}"}, {"y", "no"}}));
    }

    void missingValueIsAnError()
    {
        CPPUNIT_ASSERT_THROW(PageRenderer::fill("{{nope}}", {}), Poco::NotFoundException);
    }

    void servesOnlyEmbeddedFiles()
    {
        PageRenderer pages("");
        std::string content, type;
        CPPUNIT_ASSERT(pages.file("chat.js", content, type));
        CPPUNIT_ASSERT(type.find("javascript") != std::string::npos);
        CPPUNIT_ASSERT(!content.empty());
        CPPUNIT_ASSERT(pages.file("hchat.css", content, type));
        CPPUNIT_ASSERT(!pages.file("../hchatd.conf", content, type));
        CPPUNIT_ASSERT(!pages.file("/etc/passwd", content, type));
        CPPUNIT_ASSERT(!pages.file("", content, type));
    }

    void pagesRenderWithHostileSubject()
    {
        PageRenderer pages("");
        const std::string hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
        std::string html = pages.render("chat.html", {{"title", hostile},
                                                      {"subject", hostile},
                                                      {"roomId", std::string(32, 'a')},
                                                      {"visibility", "Public room"},
                                                      {"guestName", "guest-aaaaaa"},
                                                      {"recentOnJoin", "50"},
                                                      {"maxMessageBytes", "4096"},
                                                      {"role", "owner"},
                                                      {"editWindow", "900"},
                                                      {"ownerLink", "/chat/x?owner=y\"><b>"}});
        CPPUNIT_ASSERT(html.find("y\"><b>") == std::string::npos);
        CPPUNIT_ASSERT(html.find("<script>alert") == std::string::npos);
        CPPUNIT_ASSERT(html.find("<img src=x") == std::string::npos);
        CPPUNIT_ASSERT(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PageRendererTest);

} // namespace hchat::test
