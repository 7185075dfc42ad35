#include "http/HeadWatch.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class HeadWatchTest : public CppUnit::TestFixture
/// The head deadline: only a clock running longer than the limit expires,
/// and expiring it ends the blocked read of its socket.
{
    CPPUNIT_TEST_SUITE(HeadWatchTest);
    CPPUNIT_TEST(onlyOverdueHeadsExpire);
    CPPUNIT_TEST(expiringEndsTheRead);
    CPPUNIT_TEST_SUITE_END();

    Poco::Net::ServerSocket _listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
    Poco::Net::StreamSocket _client;
    Poco::Net::StreamSocket _server;

public:
    void setUp() override
    {
        _client.connect(_listener.address());
        _server = _listener.acceptConnection();
    }

    void onlyOverdueHeadsExpire()
    {
        HeadWatch watch(2);
        HeadWatch::Clock reading(_server), idle(_server);
        watch.add(reading);
        watch.add(idle);
        reading.start();
        const std::int64_t now = HeadWatch::nowMs();
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), watch.sweep(now + 1000));
        CPPUNIT_ASSERT(!reading.expired());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), watch.sweep(now + 2500));
        CPPUNIT_ASSERT(reading.expired());
        CPPUNIT_ASSERT(!idle.expired());
        // Expired once; a stopped clock never.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), watch.sweep(now + 5000));
        watch.remove(reading);
        watch.remove(idle);
    }

    void expiringEndsTheRead()
    {
        HeadWatch watch(1);
        HeadWatch::Clock clock(_server);
        watch.add(clock);
        clock.start();
        watch.sweep(HeadWatch::nowMs() + 1500);
        clock.stop();
        CPPUNIT_ASSERT(clock.expired());
        _server.setReceiveTimeout(Poco::Timespan(5, 0));
        char byte;
        CPPUNIT_ASSERT_EQUAL(0, _server.receiveBytes(&byte, 1));
        // The writing side stays open for the 408.
        CPPUNIT_ASSERT_EQUAL(1, _server.sendBytes("x", 1));
        watch.remove(clock);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HeadWatchTest);

} // namespace hchat::test
