#include "net/ConnectionGate.h"
#include "net/AddressBans.h"
#include "net/TrustedProxies.h"

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
    CPPUNIT_TEST(aTrustedProxyIsNotLimitedAndTellsWhoseConnectionItIs);
    CPPUNIT_TEST(aProxiedConnectionCountsForItsClient);
    CPPUNIT_TEST_SUITE_END();

    std::atomic<std::uint64_t> _accepted{0}, _busy{0}, _perAddress{0}, _banned{0};
    Poco::Net::ServerSocket _listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
    std::vector<Poco::Net::StreamSocket> _clients;

    Poco::AutoPtr<ConnectionGate> gate(int maxThreads, int perAddress = 0,
                                       const AddressBans* bans = nullptr,
                                       const TrustedProxies* proxies = nullptr)
    {
        return new ConnectionGate(
            maxThreads, perAddress, {_accepted, _busy, _perAddress, _banned},
            [](ConnectionGate::Refused, const std::string& why) { return why + "\n"; },
            "hchatd.test", bans, proxies);
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

    void aTrustedProxyIsNotLimitedAndTellsWhoseConnectionItIs()
    {
        AddressBans bans;
        const TrustedProxies proxies("127.0.0.1");
        auto g = gate(10, 1, &bans, &proxies);
        Poco::Net::StreamSocket a = connection(), b = connection();
        CPPUNIT_ASSERT(g->accept(a));
        CPPUNIT_ASSERT(g->accept(b)); // one per address, but the proxy brings many
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), _perAddress.load());
        AddressBan ban;
        ban.address = "203.0.113.0/24";
        bans.set(ban);
        CPPUNIT_ASSERT(!g->forwardedFor(a, Poco::Net::IPAddress("203.0.113.5")));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), _banned.load());
        CPPUNIT_ASSERT(g->forwardedFor(a, Poco::Net::IPAddress("198.51.100.1")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), g->disconnectBanned()); // 127.0.0.1 is not banned
        // Forwarded for a client banned since: closed with the rest.
        CPPUNIT_ASSERT(g->forwardedFor(b, Poco::Net::IPAddress("192.0.2.9")));
        ban.address = "192.0.2.9";
        bans.set(ban);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), g->disconnectBanned());
        char byte;
        CPPUNIT_ASSERT_EQUAL(0, _clients.back().receiveBytes(&byte, 1)); // b's client sees the end

        // Without trust, one per address.
        auto plain = gate(10, 1, &bans);
        Poco::Net::StreamSocket c = connection(), d = connection();
        CPPUNIT_ASSERT(plain->accept(c));
        CPPUNIT_ASSERT(!plain->accept(d));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), _perAddress.load());
    }

    void aProxiedConnectionCountsForItsClient()
    {
        // A PROXY header names one client per connection: each client has
        // its own limits.connectionsPerAddress (2 here) behind the balancer,
        // and a connection given back is one less for its client.
        AddressBans bans;
        const TrustedProxies proxies("127.0.0.1");
        auto g = gate(10, 2, &bans, &proxies);
        const Poco::Net::IPAddress client("198.51.100.7"), other("198.51.100.8");
        std::vector<Poco::Net::StreamSocket> held;
        for (int i = 0; i < 5; ++i)
        {
            held.push_back(connection());
            CPPUNIT_ASSERT(g->accept(held.back())); // the balancer: not limited
        }
        CPPUNIT_ASSERT(!g->proxiedFor(held[0], client));
        CPPUNIT_ASSERT(!g->proxiedFor(held[1], client));
        CPPUNIT_ASSERT(g->proxiedFor(held[2], client) == ConnectionGate::Refused::PerAddress);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), _perAddress.load());
        CPPUNIT_ASSERT(!g->proxiedFor(held[3], other)); // another client: its own count
        g->dropHolder(held[0]);
        CPPUNIT_ASSERT(!g->proxiedFor(held[2], client)); // one less for the client
        AddressBan ban;
        ban.address = "198.51.100.8";
        bans.set(ban);
        CPPUNIT_ASSERT(g->proxiedFor(held[4], other) == ConnectionGate::Refused::Banned);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), g->disconnectBanned()); // held[3], other's
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionGateTest);

} // namespace hchat::test
