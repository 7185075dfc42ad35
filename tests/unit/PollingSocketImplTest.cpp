#include "net/PollingSocketImpl.h"
#include "net/ListeningSocket.h"

#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/socket.h>
#include <unistd.h>

namespace hchat::test
{

class PollingSocketImplTest : public CppUnit::TestFixture
/// An accepted connection knows both its addresses from the first asking
/// on: they are right, and still there once the kernel would no longer say.
{
    CPPUNIT_TEST_SUITE(PollingSocketImplTest);
    CPPUNIT_TEST(addressesAreTheConnectionsAndOutliveIt);
    CPPUNIT_TEST_SUITE_END();

public:
    void addressesAreTheConnectionsAndOutliveIt()
    {
        ListeningSocket listening(nullptr);
        listening.open("127.0.0.1", 0);
        Poco::Net::StreamSocket client;
        client.connect(listening.address());
        Poco::Net::StreamSocket accepted = listening.acceptConnection();
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(PollingSocketImplTest);

} // namespace hchat::test
