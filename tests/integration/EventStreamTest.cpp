#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/TestClient.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/StreamSocket.h>

#include <thread>
#include <vector>

namespace hchat::test
{

class EventStreamTest : public DaemonTest
/// GET /events/<id> (Server-Sent Events) over a raw socket.
{
    CPPUNIT_TEST_SUITE(EventStreamTest);
    CPPUNIT_TEST(historyThenLiveMessages);
    CPPUNIT_TEST(resumesAfterLastEventId);
    CPPUNIT_TEST(keepAliveComments);
    CPPUNIT_TEST(badRequests);
    CPPUNIT_TEST(deletedMessagesAreAnErrorEvent);
    CPPUNIT_TEST(pausedReaderGetsEverythingOnceInOrder);
    CPPUNIT_TEST_SUITE_END();

    static std::string request(const std::string& path, const std::string& extra = "")
    {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n" +
               extra + "\r\n";
    }

    static bool has(const std::string& stream, const std::string& part)
    {
        return stream.find(part) != std::string::npos;
    }

    std::map<std::string, std::string> configuration() const override
    {
        return {{"longpoll.timeout", "1"}, {"chat.recentOnJoin", "2"}};
    }

public:
    void historyThenLiveMessages()
    {
        std::string id = http().createRoom("sse", true);
        for (const char* text : {"zero", "one", "two"})
            http().post("/send/" + id, text, "text/plain");
        std::thread later(
            [&]
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
                http().post("/send/" + id + "?nick=sam", "live <b>", "text/plain");
            });
        std::string stream = http().raw(request("/events/" + id), 1.5);
        later.join();
        CPPUNIT_ASSERT(has(stream, "HTTP/1.1 200"));
        CPPUNIT_ASSERT(has(stream, "Content-Type: text/event-stream"));
        CPPUNIT_ASSERT(!has(stream, "\"zero\"")); // chat.recentOnJoin = 2
        CPPUNIT_ASSERT(has(stream, "id: 1\nevent: message\ndata: {\"type\":\"message\",\"id\":1,"));
        CPPUNIT_ASSERT(has(stream, "id: 2\n"));
        // The stream's own arrival is entry 3, the live message 4.
        CPPUNIT_ASSERT(has(stream, "id: 3\nevent: join\ndata: "));
        CPPUNIT_ASSERT(has(stream, "id: 4\nevent: message\ndata: "));
        CPPUNIT_ASSERT(has(stream, "\"author\":\"sam\""));
        CPPUNIT_ASSERT(has(stream, "\"text\":\"live <b>\""));
        CPPUNIT_ASSERT(stream.find("id: 1\n") < stream.find("id: 2\n"));
        CPPUNIT_ASSERT(stream.find("id: 2\n") < stream.find("id: 3\n"));
        CPPUNIT_ASSERT(stream.find("id: 3\n") < stream.find("id: 4\n"));
    }

    void resumesAfterLastEventId()
    {
        std::string id = http().createRoom("resume", false);
        for (int i = 0; i < 5; ++i)
            http().post("/send/" + id, "m" + std::to_string(i), "text/plain");
        std::string stream = http().raw(request("/events/" + id, "Last-Event-ID: 1\r\n"), 1);
        CPPUNIT_ASSERT(!has(stream, "id: 1\n"));
        CPPUNIT_ASSERT(has(stream, "id: 2\n") && has(stream, "id: 3\n") && has(stream, "id: 4\n"));
        std::string from = http().raw(request("/events/" + id + "?from=0"), 1);
        CPPUNIT_ASSERT(has(from, "id: 0\n") && has(from, "id: 4\n"));
    }

    void keepAliveComments()
    {
        std::string id = http().createRoom("quiet", false);
        std::string stream = http().raw(request("/events/" + id), 2.5);
        CPPUNIT_ASSERT(has(stream, ": keep-alive\n\n"));
    }

    void badRequests()
    {
        std::string id = http().createRoom("bad", false);
        CPPUNIT_ASSERT_EQUAL(400, http().get("/events/" + id + "?from=-1").status);
        CPPUNIT_ASSERT_EQUAL(400, http().get("/events/" + id, {{"Last-Event-ID", "abc"}}).status);
        CPPUNIT_ASSERT_EQUAL(404, http().get("/events/ffffffffffffffffffffffffffffffff").status);
        CPPUNIT_ASSERT_EQUAL(405, http().post("/events/" + id, "x", "text/plain").status);
    }

    void deletedMessagesAreAnErrorEvent()
    {
        DaemonProcess memory(std::map<std::string, std::string>{{"store.kind", "memory"},
                                                                {"chat.historyLimit", "3"},
                                                                {"chat.recentOnJoin", "2"},
                                                                {"longpoll.timeout", "1"}});
        TestClient c(memory.host(), memory.port());
        std::string id = c.createRoom("short", false);
        for (int i = 0; i < 6; ++i)
            c.post("/send/" + id, "m" + std::to_string(i), "text/plain");
        std::string stream = c.raw(request("/events/" + id + "?from=0"), 1);
        CPPUNIT_ASSERT(has(stream, "event: error\ndata: {\"type\":\"error\",\"error\":\"gone\""));
        // Entries 0-5 and the stream's own join (6); the last 3 are kept.
        CPPUNIT_ASSERT(has(stream, "\"next\":4"));
        CPPUNIT_ASSERT(!has(stream, "id: 3\n"));
        CPPUNIT_ASSERT(has(stream, "id: 4\n") && has(stream, "id: 6\nevent: join"));
        CPPUNIT_ASSERT(stream.find("event: error") < stream.find("id: 4\n"));
    }

    void pausedReaderGetsEverythingOnceInOrder()
    {
        // The client reads nothing while 100 messages of 60 KB are sent, more
        // than the socket buffers hold (Linux grows a loopback send buffer
        // to 4 MB), so the daemon's sends stop part way through a chunk,
        // whoever makes them; once it reads again it gets every message
        // once, in order, in a well-formed stream.
        restart({{"chat.maxMessageBytes", "60000"}});
        std::string id = http().createRoom("paused", false);
        Poco::Net::StreamSocket client(
            Poco::Net::SocketAddress(_daemon->host(), static_cast<Poco::UInt16>(_daemon->port())));
        const std::string get = request("/events/" + id + "?from=0");
        client.sendBytes(get.data(), static_cast<int>(get.size()));
        CPPUNIT_ASSERT(eventually(
            [&] {
                return http().get("/metrics").body.find("\nhchatd_sse_streams 1\n") !=
                       std::string::npos;
            }));
        const int count = 100;
        const std::string padding(59990, 'z');
        TestClient sender = http();
        for (int n = 0; n < count; ++n)
            CPPUNIT_ASSERT_EQUAL(
                200,
                sender.post("/send/" + id, std::to_string(n) + ":" + padding, "text/plain").status);
        // Read until the last message has come, and its chunk is complete.
        // Join and presence events come between: messages are found by text.
        auto marker = [](int n) { return "\"text\":\"" + std::to_string(n) + ":z"; };
        const std::string last = marker(count - 1);
        std::string stream, body;
        std::vector<char> buffer(1 << 16);
        client.setReceiveTimeout(Poco::Timespan(10, 0));
        bool lastCame = false;
        while (!lastCame || body.find(last) == std::string::npos)
        {
            const std::size_t before = stream.size();
            int n = client.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
            CPPUNIT_ASSERT(n > 0);
            stream.append(buffer.data(), static_cast<std::size_t>(n));
            lastCame = lastCame || stream.find(last, before > last.size() ? before - last.size()
                                                                          : 0) != std::string::npos;
            if (lastCame)
                body = dechunked(stream);
        }
        std::size_t at = 0;
        for (int n = 0; n < count; ++n)
        {
            const std::string event = marker(n);
            std::size_t found = body.find(event, at);
            CPPUNIT_ASSERT_MESSAGE("message " + std::to_string(n), found != std::string::npos);
            CPPUNIT_ASSERT(body.find(event, found + 1) == std::string::npos); // once
            at = found + event.size();
        }
    }

    static std::string dechunked(const std::string& stream)
    /// The body of a chunked response as far as whole chunks have come;
    /// fails the test on anything that is not the chunked encoding.
    {
        std::size_t at = stream.find("\r\n\r\n");
        if (at == std::string::npos)
            return "";
        at += 4;
        std::string body;
        for (;;)
        {
            std::size_t lineEnd = stream.find("\r\n", at);
            if (lineEnd == std::string::npos)
                return body;
            const std::string sizeLine = stream.substr(at, lineEnd - at);
            CPPUNIT_ASSERT_MESSAGE("chunk size " + sizeLine.substr(0, 20),
                                   !sizeLine.empty() && sizeLine.size() <= 8 &&
                                       sizeLine.find_first_not_of("0123456789abcdefABCDEF") ==
                                           std::string::npos);
            const std::size_t size = std::stoul(sizeLine, nullptr, 16);
            if (stream.size() < lineEnd + 2 + size + 2)
                return body;
            CPPUNIT_ASSERT_EQUAL(std::string("\r\n"), stream.substr(lineEnd + 2 + size, 2));
            body += stream.substr(lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EventStreamTest);

} // namespace hchat::test
