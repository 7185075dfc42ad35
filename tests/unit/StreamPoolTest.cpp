#include "http/StreamPool.h"
#include "net/ConnectionGate.h"

#include <Poco/Event.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace hchat::test
{

namespace
{
struct Together
{
    std::atomic<int> started{0}, ended{0};
    Poco::Event release{Poco::Event::EVENT_MANUALRESET};
};

class Stream : public Poco::Runnable
{
public:
    explicit Stream(Together& together) : _together(together) {}
    ~Stream() override { ++_together.ended; }
    void run() override
    {
        ++_together.started;
        _together.release.wait();
    }

private:
    Together& _together;
};
} // namespace

class StreamPoolTest : public CppUnit::TestFixture
/// Every stream runs at once on a thread of its own; joinAll() returns once
/// every stream ended and was deleted; the connection stays counted by the
/// gate until its last stream ends.
{
    CPPUNIT_TEST_SUITE(StreamPoolTest);
    CPPUNIT_TEST(streamsRunAtOnceAndAreAllJoined);
    CPPUNIT_TEST_SUITE_END();

    std::atomic<std::uint64_t> _accepted{0}, _busy{0}, _perAddress{0}, _banned{0};
    Poco::Net::ServerSocket _listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
    std::vector<Poco::Net::StreamSocket> _clients;

    Poco::Net::StreamSocket connection()
    {
        _clients.emplace_back(_listener.address());
        return _listener.acceptConnection();
    }

public:
    void streamsRunAtOnceAndAreAllJoined()
    {
        Poco::AutoPtr<ConnectionGate> gate(new ConnectionGate(
            2, 0, {_accepted, _busy, _perAddress, _banned},
            [](ConnectionGate::Refused, const std::string& why) { return why + "\n"; },
            "hchatd.test"));
        Poco::Net::StreamSocket handedOver = connection();
        CPPUNIT_ASSERT(gate->accept(handedOver));
        Together together;
        {
            StreamPool pool(256 * 1024, gate);
            const int streams = 50;
            for (int i = 0; i < streams; ++i)
                pool.start(std::make_unique<Stream>(together), handedOver);
            gate->dropHolder(handedOver); // its HTTP connection returns
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (together.started < streams && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            CPPUNIT_ASSERT_EQUAL(streams, together.started.load()); // all at once

            Poco::Net::StreamSocket other = connection(), third = connection();
            CPPUNIT_ASSERT(gate->accept(other));  // the streams' connection and this one
            CPPUNIT_ASSERT(!gate->accept(third)); // still counted while streams hold it
            together.release.set();
            pool.joinAll();
            CPPUNIT_ASSERT_EQUAL(streams, together.ended.load());
            CPPUNIT_ASSERT(gate->accept(third)); // let go by the last stream
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamPoolTest);

} // namespace hchat::test
