#include "net/PollingSocketImpl.h"
#include "net/ListeningSocket.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hchat::test
{

class PollingSocketImplTest : public CppUnit::TestFixture
/// An accepted connection knows both its addresses from the first asking
/// on: they are right, and still there once the kernel would no longer say.
/// A receive timeout set again takes effect however often it is set. The
/// listening socket waits for a connection without a descriptor of its own
/// (poll(2), not POCO's epoll per call), and what the TCPServer accepts
/// from it has Nagle off, which the sessions rely on.
{
    CPPUNIT_TEST_SUITE(PollingSocketImplTest);
    CPPUNIT_TEST(addressesAreTheConnectionsAndOutliveIt);
    CPPUNIT_TEST(receiveTimeoutFollowsEverySetting);
    CPPUNIT_TEST(listeningWaitsWithoutADescriptor);
    CPPUNIT_TEST(acceptedConnectionsHaveNagleOff);
    CPPUNIT_TEST_SUITE_END();

    class Probe : public Poco::Net::TCPServerConnection
    /// Reports whether its socket has TCP_NODELAY set.
    {
    public:
        Probe(const Poco::Net::StreamSocket& socket, std::promise<int>& noDelay)
            : TCPServerConnection(socket), _noDelay(noDelay)
        {
        }

        void run() override
        {
            int value = -1;
            socklen_t length = sizeof value;
            if (::getsockopt(socket().impl()->sockfd(), IPPROTO_TCP, TCP_NODELAY, &value,
                             &length) != 0)
                value = -1;
            _noDelay.set_value(value);
        }

    private:
        std::promise<int>& _noDelay;
    };

    class ProbeFactory : public Poco::Net::TCPServerConnectionFactory
    {
    public:
        explicit ProbeFactory(std::promise<int>& noDelay) : _noDelay(noDelay) {}

        Poco::Net::TCPServerConnection*
        createConnection(const Poco::Net::StreamSocket& socket) override
        {
            return new Probe(socket, _noDelay);
        }

    private:
        std::promise<int>& _noDelay;
    };

    static Poco::Net::StreamSocket connected(ListeningSocket& listening,
                                             Poco::Net::StreamSocket& client)
    /// Opens listening on a free port and connects client to it; the server's end.
    {
        listening.open("127.0.0.1", 0);
        client.connect(listening.address());
        return listening.acceptConnection();
    }

public:
    void addressesAreTheConnectionsAndOutliveIt()
    {
        ListeningSocket listening(nullptr);
        Poco::Net::StreamSocket client;
        Poco::Net::StreamSocket accepted = connected(listening, client);
        CPPUNIT_ASSERT(dynamic_cast<PollingSocketImpl*>(accepted.impl()) != nullptr);

        const Poco::Net::SocketAddress local = accepted.address();
        CPPUNIT_ASSERT_EQUAL(listening.address().toString(), local.toString());
        CPPUNIT_ASSERT_EQUAL(client.address().toString(), accepted.peerAddress().toString());

        // The client resets the connection: the kernel forgets the peer
        // (getpeername fails with ENOTCONN), the socket does not.
        client.setLinger(true, 0);
        client.close();
        char byte = 0;
        CPPUNIT_ASSERT_THROW(accepted.receiveBytes(&byte, 1), Poco::Exception);
        sockaddr_storage asked{};
        socklen_t length = sizeof asked;
        CPPUNIT_ASSERT(::getpeername(accepted.impl()->sockfd(), reinterpret_cast<sockaddr*>(&asked),
                                     &length) != 0);
        CPPUNIT_ASSERT_EQUAL(local.toString(), accepted.address().toString());
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), accepted.peerAddress().host().toString());
    }

    void receiveTimeoutFollowsEverySetting()
    {
        ListeningSocket listening(nullptr);
        Poco::Net::StreamSocket client;
        Poco::Net::StreamSocket accepted = connected(listening, client);
        for (int seconds : {5, 5, 2, 2, 7})
        {
            accepted.setReceiveTimeout(Poco::Timespan(seconds, 0));
            CPPUNIT_ASSERT_EQUAL(seconds, accepted.getReceiveTimeout().seconds());
        }
    }

    void listeningWaitsWithoutADescriptor()
    {
        ListeningSocket listening(nullptr);
        listening.open("127.0.0.1", 0);
        // At the process's descriptor limit nothing can be opened: a wait
        // that needed an epoll descriptor would fail.
        const int spare = ::dup(0);
        CPPUNIT_ASSERT(spare >= 0);
        ::close(spare);
        rlimit before{};
        ::getrlimit(RLIMIT_NOFILE, &before);
        rlimit full = before;
        full.rlim_cur = static_cast<rlim_t>(spare);
        CPPUNIT_ASSERT_EQUAL(0, ::setrlimit(RLIMIT_NOFILE, &full));
        bool ready = true;
        bool threw = false;
        try
        {
            ready = listening.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ);
        }
        catch (const Poco::Exception&)
        {
            threw = true;
        }
        ::setrlimit(RLIMIT_NOFILE, &before);
        CPPUNIT_ASSERT(!threw);
        CPPUNIT_ASSERT(!ready);

        Poco::Net::StreamSocket client;
        client.connect(listening.address());
        CPPUNIT_ASSERT(listening.poll(Poco::Timespan(5, 0), Poco::Net::Socket::SELECT_READ));
    }

    void acceptedConnectionsHaveNagleOff()
    {
        ListeningSocket listening(nullptr);
        listening.open("127.0.0.1", 0);
        std::promise<int> noDelay;
        Poco::Net::TCPServer server(new ProbeFactory(noDelay), listening);
        server.start();
        Poco::Net::StreamSocket client;
        client.connect(listening.address());
        std::future<int> answer = noDelay.get_future();
        const bool answered =
            answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
        server.stop();
        CPPUNIT_ASSERT(answered);
        CPPUNIT_ASSERT(answer.get() > 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PollingSocketImplTest);

} // namespace hchat::test
