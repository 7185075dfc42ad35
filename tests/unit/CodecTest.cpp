#include "http/SseCodec.h"
#include "line/LineCodec.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class CodecTest : public CppUnit::TestFixture
/// The wire forms of SSE (chunked events) and of the line protocol: what a
/// client reads for each entry, private message and notice.
{
    CPPUNIT_TEST_SUITE(CodecTest);
    CPPUNIT_TEST(sseEntriesAreOneChunk);
    CPPUNIT_TEST(sseChunksGoAfterWhatOutHolds);
    CPPUNIT_TEST(sseNothingIsNoChunk);
    CPPUNIT_TEST(sseGoneComesFirst);
    CPPUNIT_TEST(lineEntriesAsSeenByMe);
    CPPUNIT_TEST(lineTextOfSeveralLines);
    CPPUNIT_TEST(lineLettersSkipMyOwnEcho);
    CPPUNIT_TEST_SUITE_END();

    static MessagePtr message(std::uint64_t id, MessageKind kind, const std::string& author,
                              const std::string& text)
    {
        return std::make_shared<const Message>(id, kind, author, Poco::Timestamp(0), text);
    }

public:
    void sseEntriesAreOneChunk()
    {
        Cursor::Slice slice;
        slice.messages = {message(3, MessageKind::Message, "ann", "hi"),
                          message(4, MessageKind::Join, "bob", "bob joined")};
        std::string out;
        SseCodec::entries(slice, out);
        const std::string events = "id: 3\nevent: message\ndata: " + slice.messages[0]->json() +
                                   "\n\nid: 4\nevent: join\ndata: " + slice.messages[1]->json() +
                                   "\n\n";
        char size[16];
        std::snprintf(size, sizeof size, "%zX", events.size());
        CPPUNIT_ASSERT_EQUAL(std::string(size) + "\r\n" + events + "\r\n", out);
        out.clear();
        SseCodec::event("presence", "{}", out);
        CPPUNIT_ASSERT_EQUAL(std::string("1A\r\nevent: presence\ndata: {}\n\n\r\n"), out);
    }

    void sseChunksGoAfterWhatOutHolds()
    {
        // A stream's output already holds other chunks (the response head,
        // an earlier slice): each new chunk is sized on its own.
        std::string out = "3\r\nabc\r\n";
        Cursor::Slice slice;
        slice.messages = {message(7, MessageKind::Message, "ann", "hi")};
        SseCodec::entries(slice, out);
        SseCodec::event("typing", "[]", out);
        const std::string events =
            "id: 7\nevent: message\ndata: " + slice.messages[0]->json() + "\n\n";
        char size[16];
        std::snprintf(size, sizeof size, "%zX", events.size());
        CPPUNIT_ASSERT_EQUAL("3\r\nabc\r\n" + std::string(size) + "\r\n" + events +
                                 "\r\n18\r\nevent: typing\ndata: []\n\n\r\n",
                             out);
        // Nothing to send appends nothing, not an empty chunk.
        const std::string before = out;
        SseCodec::entries(Cursor::Slice(), out);
        CPPUNIT_ASSERT_EQUAL(before, out);
    }

    void sseNothingIsNoChunk()
    {
        // An empty chunk would end the chunked body.
        std::string out;
        SseCodec::entries(Cursor::Slice(), out);
        CPPUNIT_ASSERT_EQUAL(std::string(), out);
        CPPUNIT_ASSERT_EQUAL(std::string("0\r\n\r\n"), std::string(SseCodec::end()));
    }

    void sseGoneComesFirst()
    {
        Cursor::Slice slice;
        slice.skipped = true;
        slice.skippedFrom = 2;
        slice.resumedAt = 5;
        slice.messages = {message(5, MessageKind::Message, "ann", "hi")};
        std::string out;
        SseCodec::entries(slice, out);
        const auto gone = out.find("event: error\ndata: {\"type\":\"error\",\"error\":\"gone\"");
        CPPUNIT_ASSERT(gone != std::string::npos);
        CPPUNIT_ASSERT(out.find("\"next\":5}") != std::string::npos);
        CPPUNIT_ASSERT(gone < out.find("id: 5\n"));
    }

    void lineEntriesAsSeenByMe()
    {
        std::string out;
        LineCodec::entry(*message(1, MessageKind::Message, "ann", "hi"), "#r", "me", false, out);
        LineCodec::entry(*message(2, MessageKind::Join, "bob", "bob joined"), "#r", "me", false,
                         out);
        LineCodec::entry(*message(3, MessageKind::Join, "ME", "ME joined"), "#r", "me", false, out);
        LineCodec::entry(*message(4, MessageKind::Leave, "bob", "bob left"), "#r", "me", false,
                         out);
        LineCodec::entry(*message(5, MessageKind::Nick, "bo", "bob is now known as bo"), "#r", "me",
                         false, out);
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #r ann hi\r\nJOIN #r bob\r\nLEAVE #r bob\r\n"
                                         "ROOM #r * bob is now known as bo\r\n"),
                             out);
        out.clear(); // history: messages only
        for (MessageKind kind : {MessageKind::Join, MessageKind::Leave, MessageKind::Nick})
            LineCodec::entry(*message(1, kind, "bob", "x"), "#r", "me", true, out);
        LineCodec::entry(*message(2, MessageKind::Message, "bob", "old"), "#r", "me", true, out);
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #r bob old\r\n"), out);
    }

    void lineTextOfSeveralLines()
    {
        std::string out;
        LineCodec::lines("ROOM #r ann ", "one\r\ntwo\n\nfour\n", out);
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "ROOM #r ann one\r\nROOM #r ann two\r\nROOM #r ann \r\nROOM #r ann four\r\n"),
            out);
    }

    void lineLettersSkipMyOwnEcho()
    {
        std::string out;
        LineCodec::letter(Mailbox::Letter("ann", "me", "hi\nthere"), "me", out);
        LineCodec::letter(Mailbox::Letter("Me", "ann", "sent by me"), "me", out);
        LineCodec::letter(Mailbox::Letter("me", "me", "to myself"), "me", out);
        CPPUNIT_ASSERT_EQUAL(std::string("PRIVMSG ann hi\r\nPRIVMSG ann there\r\n"
                                         "PRIVMSG me to myself\r\n"),
                             out);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodecTest);

} // namespace hchat::test
