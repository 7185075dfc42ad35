#include "irc/IrcCodec.h"
#include "irc/IrcMessage.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class IrcCodecTest : public CppUnit::TestFixture
/// IRC lines both ways: parsing what clients send (tags, source, trailing,
/// hostile shapes) and what hchatd writes for each kind of log entry and
/// private message, with and without the IRCv3 capabilities.
{
    CPPUNIT_TEST_SUITE(IrcCodecTest);
    CPPUNIT_TEST(parsesClientLines);
    CPPUNIT_TEST(tagValuesRoundTrip);
    CPPUNIT_TEST(entriesForAPlainClient);
    CPPUNIT_TEST(entriesWithCapabilities);
    CPPUNIT_TEST(lettersAndCapabilities);
    CPPUNIT_TEST(oneRenderServesClientsThatGetTheSameBytes);
    CPPUNIT_TEST_SUITE_END();

    static Message message(std::uint64_t id, MessageKind kind, const std::string& author,
                           const std::string& text, Crowd crowd = Crowd())
    {
        MessageDetails details;
        details.account = author == "acct" ? "acct" : "";
        return Message(id, kind, author, Poco::Timestamp(0), text, crowd, details);
    }

public:
    void parsesClientLines()
    {
        IrcMessage m;
        CPPUNIT_ASSERT(
            IrcMessage::parse("@time=x;+draft/typing=active :nick!u@h privmsg #a :hi there", m));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), m.tags.size());
        CPPUNIT_ASSERT_EQUAL(std::string("+draft/typing"), m.tags[1].first);
        CPPUNIT_ASSERT_EQUAL(std::string("nick!u@h"), m.source);
        CPPUNIT_ASSERT_EQUAL(std::string("PRIVMSG"), m.command);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), m.params.size());
        CPPUNIT_ASSERT_EQUAL(std::string("hi there"), m.param(1));
        CPPUNIT_ASSERT_EQUAL(std::string(""), m.param(5));
        CPPUNIT_ASSERT(IrcMessage::parse("USER a 0 * :Real Name", m));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), m.params.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Real Name"), m.param(3));
        CPPUNIT_ASSERT(IrcMessage::parse("PRIVMSG #a ::-)", m));
        CPPUNIT_ASSERT_EQUAL(std::string(":-)"), m.param(1));
        CPPUNIT_ASSERT(IrcMessage::parse("PRIVMSG #a :", m));
        CPPUNIT_ASSERT_EQUAL(std::string(""), m.param(1));
        CPPUNIT_ASSERT(IrcMessage::parse("  NICK    ann   ", m));
        CPPUNIT_ASSERT_EQUAL(std::string("ann"), m.param(0));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), m.params.size());
        // No command: nothing to do.
        CPPUNIT_ASSERT(!IrcMessage::parse("", m));
        CPPUNIT_ASSERT(!IrcMessage::parse("@a=b :src", m));
        CPPUNIT_ASSERT(!IrcMessage::parse("@;;;=== ", m));
        CPPUNIT_ASSERT(!IrcMessage::parse(":", m));
    }

    void tagValuesRoundTrip()
    {
        const std::string value = "a;b c\\d\r\ne";
        CPPUNIT_ASSERT_EQUAL(std::string("a\\:b\\sc\\\\d\\r\\ne"), IrcMessage::escapeTag(value));
        CPPUNIT_ASSERT_EQUAL(value, IrcMessage::unescapeTag(IrcMessage::escapeTag(value)));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), IrcMessage::unescapeTag("a\\b\\"));
        std::uint64_t n = 0;
        CPPUNIT_ASSERT(IrcCodec::parseMsgid(IrcCodec::msgid("0123abcd", 42), n));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(42), n);
        CPPUNIT_ASSERT(!IrcCodec::parseMsgid("nodash", n));
        CPPUNIT_ASSERT(!IrcCodec::parseMsgid("x-notanumber", n));
    }

    void entriesForAPlainClient()
    {
        IrcCodec codec("srv");
        codec.setNick("me");
        std::string out;
        codec.entry(message(1, MessageKind::Message, "ann", "two\nlines\n\n"), "r", "#c", "", out);
        codec.entry(message(2, MessageKind::Message, "ann", "/me waves"), "r", "#c", "", out);
        codec.entry(message(3, MessageKind::Message, "me", "mine, not echoed"), "r", "#c", "", out);
        codec.entry(message(4, MessageKind::Join, "bob", "bob joined"), "r", "#c", "", out);
        codec.entry(message(5, MessageKind::Join, "me", "me joined"), "r", "#c", "", out);
        codec.entry(message(6, MessageKind::Leave, "bob", "bob left"), "r", "#c", "", out);
        codec.entry(message(7, MessageKind::Moderation, "olga", "olga kicked bob"), "r", "#c", "",
                    out);
        codec.entry(message(8, MessageKind::Deleted, "ann", ""), "r", "#c", "", out);
        codec.entry(message(9, MessageKind::Nick, "ben", "bob is now known as ben"), "r", "#c", "",
                    out);
        CPPUNIT_ASSERT_EQUAL(std::string(":ann!ann@hchat PRIVMSG #c :two\r\n"
                                         ":ann!ann@hchat PRIVMSG #c :lines\r\n"
                                         ":ann!ann@hchat PRIVMSG #c :\x01"
                                         "ACTION waves\x01\r\n"
                                         ":bob!bob@hchat JOIN #c\r\n"
                                         ":bob!bob@hchat PART #c\r\n"
                                         ":srv NOTICE #c :olga kicked bob\r\n"),
                             out);
        // A crowd: one JOIN per name told, and the sentence for the rest.
        Crowd crowd;
        crowd.names = {"a1", "me", "a3"};
        crowd.count = 1000;
        out.clear();
        codec.entry(message(10, MessageKind::Join, "a1", "a1, me, a3 and 997 others joined", crowd),
                    "r", "#c", "", out);
        CPPUNIT_ASSERT_EQUAL(std::string(":a1!a1@hchat JOIN #c\r\n:a3!a3@hchat JOIN #c\r\n"
                                         ":srv NOTICE #c :a1, me, a3 and 997 others joined\r\n"),
                             out);
    }

    void entriesWithCapabilities()
    {
        IrcCodec codec("srv");
        codec.setNick("me");
        codec.setCapabilities(IrcCodec::ServerTime | IrcCodec::MessageTags | IrcCodec::AccountTag |
                              IrcCodec::EchoMessage | IrcCodec::Batch);
        std::string out;
        codec.entry(message(3, MessageKind::Message, "acct", "hello"), "r", "#c", "", out);
        codec.entry(message(4, MessageKind::Message, "me", "my own"), "r", "#c", "", out);
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "@time=1970-01-01T00:00:00.000Z;msgid=r-3;account=acct "
                ":acct!acct@hchat PRIVMSG #c :hello\r\n"
                "@time=1970-01-01T00:00:00.000Z;msgid=r-4 :me!me@hchat PRIVMSG #c :my own\r\n"),
            out);
        // Played back: only messages, each tagged with its batch.
        out.clear();
        codec.entry(message(5, MessageKind::Join, "bob", "bob joined"), "r", "#c", "b1", out);
        codec.entry(message(6, MessageKind::Message, "bob", "old"), "r", "#c", "b1", out);
        CPPUNIT_ASSERT_EQUAL(std::string("@batch=b1;time=1970-01-01T00:00:00.000Z;msgid=r-6 "
                                         ":bob!bob@hchat PRIVMSG #c :old\r\n"),
                             out);
        CPPUNIT_ASSERT(IrcCodec::capabilityList(true).find("sasl=PLAIN") != std::string::npos);
        CPPUNIT_ASSERT(IrcCodec::capabilityList(false).find("sasl ") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0u, IrcCodec::capabilityOf("no-such"));
    }

    void oneRenderServesClientsThatGetTheSameBytes()
    {
        // As a publishing thread does: one message to many clients in a row.
        IrcCodec plain("srv"), tagged("srv"), author("srv");
        plain.setNick("ann");
        tagged.setNick("bob");
        tagged.setCapabilities(IrcCodec::ServerTime);
        author.setNick("CAT"); // the author, any case: not echoed without echo-message
        const Message m = message(7, MessageKind::Message, "cat", "hi");
        const Message other = message(8, MessageKind::Message, "cat", "hi");
        std::string a, b, c, d, e;
        plain.entry(m, "r", "#c", "", a);
        tagged.entry(m, "r", "#c", "", b);
        plain.entry(m, "r", "#other", "", c);
        author.entry(m, "r", "#c", "", d);
        plain.entry(other, "r", "#c", "", e);
        CPPUNIT_ASSERT_EQUAL(std::string(":cat!cat@hchat PRIVMSG #c :hi\r\n"), a);
        CPPUNIT_ASSERT_EQUAL(
            std::string("@time=1970-01-01T00:00:00.000Z :cat!cat@hchat PRIVMSG #c :hi\r\n"), b);
        CPPUNIT_ASSERT_EQUAL(std::string(":cat!cat@hchat PRIVMSG #other :hi\r\n"), c);
        CPPUNIT_ASSERT_EQUAL(std::string(""), d);
        CPPUNIT_ASSERT_EQUAL(a, e);
    }

    void lettersAndCapabilities()
    {
        IrcCodec codec("srv");
        codec.setNick("me");
        std::string out;
        codec.letter(Mailbox::Letter("ann", "me", "psst"), out);
        codec.letter(Mailbox::Letter("me", "ann", "my echo"), out);
        CPPUNIT_ASSERT_EQUAL(std::string(":ann!ann@hchat PRIVMSG me :psst\r\n"), out);
        codec.setCapabilities(IrcCodec::EchoMessage);
        out.clear();
        codec.letter(Mailbox::Letter("me", "ann", "my echo"), out);
        CPPUNIT_ASSERT_EQUAL(std::string(":me!me@hchat PRIVMSG ann :my echo\r\n"), out);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IrcCodecTest);

} // namespace hchat::test
