#include "net/ConnectionGate.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <vector>

namespace hchat::test
{

class ConnectionGateTest : public CppUnit::TestFixture
/// "Every thread busy" means maxThreads connections are open, wherever they
/// are: queued, in the HTTP pool, or handed over to a stream. A connection
/// handed over is counted once, until its last holder lets go.
{
    CPPUNIT_TEST_SUITE(ConnectionGateTest);
    CPPUNIT_TEST(refusesOnlyAtMaxOpenConnections);
    CPPUNIT_TEST(handedOverConnectionCountsOnceUntilReleased);
    CPPUNIT_TEST_SUITE_END();

    std::atomic<std::uint64_t> _accepted{0}, _busy{0}, _perAddress{0}, _banned{0};
    Poco::Net::ServerSocket _listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
    std::vector<Poco::Net::StreamSocket> _clients;

    Poco::AutoPtr<ConnectionGate> gate(int maxThreads)
    {
        return new ConnectionGate(
            maxThreads, 0, {_accepted, _busy, _perAddress, _banned},
            [](ConnectionGate::Refused, const std::string& why) { return why + "\n"; },
            "hchatd.test");
    }

    // The server's side of a fresh loopback connection, as the acceptor sees it.
    Poco::Net::StreamSocket connection()
    {
        _clients.emplace_back(_listener.address());
        return _listener.acceptConnection();
    }

public:
    void refusesOnlyAtMaxOpenConnections()
    {
        auto g = gate(3);
        Poco::Net::StreamSocket a = connection(), b = connection(), c = connection();
        CPPUNIT_ASSERT(g->accept(a));
        CPPUNIT_ASSERT(g->accept(b));
        CPPUNIT_ASSERT(g->accept(c));
        Poco::Net::StreamSocket d = connection();
        CPPUNIT_ASSERT(!g->accept(d));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), _busy.load());
        g->dropHolder(b); // a connection ends
        CPPUNIT_ASSERT(g->accept(d));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), _busy.load());
    }

    void handedOverConnectionCountsOnceUntilReleased()
    {
        auto g = gate(2);
        Poco::Net::StreamSocket stream = connection(), other = connection();
        CPPUNIT_ASSERT(g->accept(stream));
        // Handed to a stream, then released by its HTTP connection object:
        // still one open connection, never two, never none.
        g->addHolder(stream);
        CPPUNIT_ASSERT(g->accept(other)); // two open: the stream and this
        Poco::Net::StreamSocket third = connection();
        CPPUNIT_ASSERT(!g->accept(third));
        g->dropHolder(stream); // the HTTP side lets go; the stream holds on
        CPPUNIT_ASSERT(!g->accept(third));
        g->dropHolder(stream); // the stream ends
        CPPUNIT_ASSERT(g->accept(third));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionGateTest);

} // namespace hchat::test
