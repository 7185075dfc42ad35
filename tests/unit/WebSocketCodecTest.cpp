#include "http/WebSocketCodec.h"

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class WebSocketCodecTest : public CppUnit::TestFixture
/// The server's side of RFC 6455 framing: its frames (FIN, no mask, the
/// length in the shortest of its three forms) and what it makes of a
/// client's bytes, however they are cut, and of every frame it must refuse.
{
    CPPUNIT_TEST_SUITE(WebSocketCodecTest);
    CPPUNIT_TEST(lengthFormsAtTheirBoundaries);
    CPPUNIT_TEST(framesFollowEachOther);
    CPPUNIT_TEST(closeFrameCarriesCodeAndReason);
    CPPUNIT_TEST(maskedTextInAnyPiecesIsOneMessage);
    CPPUNIT_TEST(fragmentsAreReassembledAroundControlFrames);
    CPPUNIT_TEST(closeGivesTheClientsCode);
    CPPUNIT_TEST(refusals);
    CPPUNIT_TEST(badCloseFramesAreProtocolErrors);
    CPPUNIT_TEST(emptyFragmentsAreFine);
    CPPUNIT_TEST(sizeLimitPerFrameAndPerMessage);
    CPPUNIT_TEST_SUITE_END();

    static std::string header(std::size_t payloadSize)
    {
        std::string out;
        WebSocketCodec::text(out, std::string(payloadSize, 'x'));
        CPPUNIT_ASSERT(out.size() > payloadSize);
        CPPUNIT_ASSERT_EQUAL(std::string(payloadSize, 'x'), out.substr(out.size() - payloadSize));
        return out.substr(0, out.size() - payloadSize);
    }

    // A frame as a client sends it: masked with a fixed key.
    static std::string clientFrame(unsigned char first, const std::string& payload)
    {
        const unsigned char key[4] = {0x12, 0x34, 0x56, 0x78};
        std::string out(1, static_cast<char>(first));
        const std::size_t size = payload.size();
        if (size < 126)
            out.push_back(static_cast<char>(0x80 | size));
        else if (size <= 0xFFFF)
        {
            out.push_back(static_cast<char>(0x80 | 126));
            out.push_back(static_cast<char>(size >> 8));
            out.push_back(static_cast<char>(size & 0xFF));
        }
        else
        {
            out.push_back(static_cast<char>(0x80 | 127));
            for (int shift = 56; shift >= 0; shift -= 8)
                out.push_back(
                    static_cast<char>((static_cast<std::uint64_t>(size) >> shift) & 0xFF));
        }
        out.append(reinterpret_cast<const char*>(key), 4);
        for (std::size_t i = 0; i < size; ++i)
            out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
        return out;
    }

    using Event = WebSocketCodec::Event;

    static Event decode(const std::string& bytes, std::size_t maxPayload = 1000)
    {
        WebSocketCodec codec(maxPayload);
        codec.feed(bytes.data(), bytes.size());
        return codec.next();
    }

public:
    void lengthFormsAtTheirBoundaries()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x00", 2), header(0));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7d", 2), header(125));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7e\x00\x7e", 4), header(126));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7e\xff\xff", 4), header(65535));
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10),
                             header(65536));
    }

    void framesFollowEachOther()
    {
        std::string out;
        WebSocketCodec::text(out, "{\"a\":1}");
        WebSocketCodec::text(out, "é");
        CPPUNIT_ASSERT_EQUAL(std::string("\x81\x07{\"a\":1}\x81\x02\xc3\xa9", 13), out);
    }

    void closeFrameCarriesCodeAndReason()
    {
        std::string out;
        WebSocketCodec::close(out, 1008, "too many messages");
        CPPUNIT_ASSERT_EQUAL(std::string("\x88\x13\x03\xf0too many messages", 21), out);
        out.clear();
        WebSocketCodec::close(out, 1001, std::string(200, 'x')); // a control frame: 125 at most
        CPPUNIT_ASSERT_EQUAL(std::size_t(2 + 125), out.size());
    }

    void maskedTextInAnyPiecesIsOneMessage()
    {
        const std::string text = "{\"type\":\"send\",\"text\":\"héllo\"}";
        const std::string bytes =
            clientFrame(0x81, text) + clientFrame(0x81, std::string(300, 'y'));
        for (std::size_t cut = 0; cut <= bytes.size(); ++cut)
        {
            WebSocketCodec codec(1000);
            std::vector<std::string> got;
            for (std::size_t at = 0; at < bytes.size(); at += cut ? cut : bytes.size())
            {
                codec.feed(bytes.data() + at,
                           std::min(cut ? cut : bytes.size(), bytes.size() - at));
                for (Event e = codec.next(); e != Event::NeedMore; e = codec.next())
                {
                    CPPUNIT_ASSERT(e == Event::Message);
                    got.push_back(codec.payload());
                }
            }
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
            CPPUNIT_ASSERT_EQUAL(text, got[0]);
            CPPUNIT_ASSERT_EQUAL(std::string(300, 'y'), got[1]);
        }
    }

    void fragmentsAreReassembledAroundControlFrames()
    {
        WebSocketCodec codec(1000);
        const std::string bytes = clientFrame(0x01, "hel") + clientFrame(0x89, "are you there") +
                                  clientFrame(0x00, "lo, ") + clientFrame(0x8A, "") +
                                  clientFrame(0x80, "world");
        codec.feed(bytes.data(), bytes.size());
        CPPUNIT_ASSERT(codec.next() == Event::Ping);
        CPPUNIT_ASSERT_EQUAL(std::string("are you there"), codec.payload());
        CPPUNIT_ASSERT(codec.next() == Event::Pong);
        CPPUNIT_ASSERT(codec.next() == Event::Message);
        CPPUNIT_ASSERT_EQUAL(std::string("hello, world"), codec.payload());
        CPPUNIT_ASSERT(codec.next() == Event::NeedMore);
    }

    void closeGivesTheClientsCode()
    {
        WebSocketCodec codec(1000);
        const std::string bytes = clientFrame(0x88, std::string("\x10\xe1", 2) + "bye");
        codec.feed(bytes.data(), bytes.size());
        CPPUNIT_ASSERT(codec.next() == Event::Closed);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(4321), codec.closeCode());
        WebSocketCodec plain(1000);
        const std::string bare = clientFrame(0x88, "");
        plain.feed(bare.data(), bare.size());
        CPPUNIT_ASSERT(plain.next() == Event::Closed);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1000), plain.closeCode());
    }

    void badCloseFramesAreProtocolErrors()
    {
        auto closeWith = [](std::uint16_t code, const std::string& reason)
        {
            return clientFrame(
                0x88,
                std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason);
        };
        for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
            CPPUNIT_ASSERT_MESSAGE(std::to_string(code),
                                   decode(closeWith(code, "")) == Event::ProtocolError);
        for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999})
            CPPUNIT_ASSERT_MESSAGE(std::to_string(code),
                                   decode(closeWith(code, "ok")) == Event::Closed);
        CPPUNIT_ASSERT(decode(clientFrame(0x88, "\x03")) == Event::ProtocolError); // one byte
        CPPUNIT_ASSERT(decode(closeWith(1000, "\xc3\x28")) == Event::NotUtf8);
    }

    void emptyFragmentsAreFine()
    {
        // An empty non-final continuation, and an empty first fragment.
        CPPUNIT_ASSERT(decode(clientFrame(0x01, "he") + clientFrame(0x00, "") +
                              clientFrame(0x80, "y")) == Event::Message);
        WebSocketCodec codec(1000);
        const std::string bytes =
            clientFrame(0x01, "") + clientFrame(0x00, "") + clientFrame(0x80, "");
        codec.feed(bytes.data(), bytes.size());
        CPPUNIT_ASSERT(codec.next() == Event::Message);
        CPPUNIT_ASSERT_EQUAL(std::string(), codec.payload());
    }

    void refusals()
    {
        CPPUNIT_ASSERT(decode(clientFrame(0x82, "\x01\x02")) == Event::NotText);
        CPPUNIT_ASSERT(decode(clientFrame(0x81, "\xc3\x28")) == Event::NotUtf8);
        // Not UTF-8 only once whole: a character cut between two fragments is fine.
        CPPUNIT_ASSERT(decode(clientFrame(0x01, "\xc3") + clientFrame(0x80, "\xa9")) ==
                       Event::Message);
        CPPUNIT_ASSERT(decode(std::string("\x81\x02hi", 4)) == Event::ProtocolError); // unmasked
        CPPUNIT_ASSERT(decode(clientFrame(0xC1, "x")) == Event::ProtocolError);       // RSV1
        CPPUNIT_ASSERT(decode(clientFrame(0x83, "x")) == Event::ProtocolError);       // opcode 3
        CPPUNIT_ASSERT(decode(clientFrame(0x80, "x")) ==
                       Event::ProtocolError); // nothing to continue
        CPPUNIT_ASSERT(decode(clientFrame(0x01, "a") + clientFrame(0x81, "b")) ==
                       Event::ProtocolError);                                   // text inside
        CPPUNIT_ASSERT(decode(clientFrame(0x09, "x")) == Event::ProtocolError); // fragmented ping
        CPPUNIT_ASSERT(decode(clientFrame(0x89, std::string(126, 'p'))) == Event::ProtocolError);
    }

    void sizeLimitPerFrameAndPerMessage()
    {
        CPPUNIT_ASSERT(decode(clientFrame(0x81, std::string(100, 'x')), 100) == Event::Message);
        // Refused from its header: the payload is never buffered.
        CPPUNIT_ASSERT(decode(clientFrame(0x81, std::string(101, 'x')).substr(0, 8), 100) ==
                       Event::TooBig);
        std::string pieces;
        for (int i = 0; i < 3; ++i)
            pieces += clientFrame(i == 0 ? 0x01 : 0x00, std::string(40, 'x'));
        CPPUNIT_ASSERT(decode(pieces, 100) == Event::TooBig);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebSocketCodecTest);

} // namespace hchat::test
