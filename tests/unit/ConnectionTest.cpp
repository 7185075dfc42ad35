#include "net/Connection.h"
#include "support/SocketPair.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/socket.h>
#include <thread>

namespace hchat::test
{

class ConnectionTest : public CppUnit::TestFixture
/// The one writer to a client: publishers only when it is open and free,
/// what did not fit goes out first and once, and nothing after shut().
{
    CPPUNIT_TEST_SUITE(ConnectionTest);
    CPPUNIT_TEST(publishersOnlyWhileOpenAndFree);
    CPPUNIT_TEST(whatDidNotFitGoesFirstAndOnce);
    CPPUNIT_TEST(goneClientIsNoError);
    CPPUNIT_TEST(receiveTellsDataNothingAndClose);
    CPPUNIT_TEST(bytesGivenBackAreReadFirstByEveryone);
    CPPUNIT_TEST_SUITE_END();

public:
    void publishersOnlyWhileOpenAndFree()
    {
        SocketPair pair;
        Connection connection(pair.serverSocket());
        CPPUNIT_ASSERT(!connection.tryClaim()); // not open yet: the owner writes first
        {
            auto claim = connection.claim();
            connection.send("head\n");
            connection.setOpen(true);
            bool taken = true;
            std::thread other([&] { taken = static_cast<bool>(connection.tryClaim()); });
            other.join();
            CPPUNIT_ASSERT(!taken); // the owner holds it
        }
        {
            auto claim = connection.tryClaim();
            CPPUNIT_ASSERT(claim);
            CPPUNIT_ASSERT(connection.sendNow("one\n"));
        }
        {
            auto shut = connection.shut();
        }
        CPPUNIT_ASSERT(!connection.tryClaim());
        CPPUNIT_ASSERT_EQUAL(std::string("head\none\n"), pair.readAvailable());
    }

    void whatDidNotFitGoesFirstAndOnce()
    {
        SocketPair pair;
        pair.shrinkServerBuffer();
        Connection connection(pair.serverSocket());
        {
            auto hold = connection.hold();
            connection.setOpen(true);
        }
        std::string sent;
        bool whole = true;
        for (int i = 0; whole && i < 1000; ++i)
        {
            auto claim = connection.tryClaim();
            CPPUNIT_ASSERT(claim);
            const std::string part = std::to_string(i) + ":" + std::string(1000, 'x') + "\n";
            sent += part;
            whole = connection.sendNow(part);
        }
        CPPUNIT_ASSERT(!whole);
        CPPUNIT_ASSERT(!connection.tryClaim()); // something is left: the owner's to send
        std::string received;
        std::thread reader([&] { received = pair.readFor(5, sent.size() + 4); });
        {
            auto claim = connection.claim(); // sends the rest first, blocking
            connection.send("end\n");
        }
        reader.join();
        CPPUNIT_ASSERT(received == sent + "end\n");
    }

    void goneClientIsNoError()
    {
        SocketPair pair;
        Connection connection(pair.serverSocket());
        {
            auto hold = connection.hold();
            connection.setOpen(true);
        }
        ::shutdown(pair.client, SHUT_RDWR);
        {
            auto claim = connection.tryClaim();
            CPPUNIT_ASSERT(claim);
            CPPUNIT_ASSERT(!connection.sendNow("lost\n")); // and closed to publishers
        }
        CPPUNIT_ASSERT(!connection.tryClaim());
        auto claim = connection.claim();
        CPPUNIT_ASSERT_THROW(connection.send("more\n"), Poco::IOException);
    }

    void receiveTellsDataNothingAndClose()
    {
        SocketPair pair;
        Connection connection(pair.serverSocket());
        char buffer[16];
        CPPUNIT_ASSERT_EQUAL(-1L, connection.receive(buffer, sizeof buffer));
        CPPUNIT_ASSERT_EQUAL(ssize_t(2), ::send(pair.client, "hi", 2, 0));
        CPPUNIT_ASSERT_EQUAL(2L, connection.receive(buffer, sizeof buffer));
        ::shutdown(pair.client, SHUT_WR);
        CPPUNIT_ASSERT_EQUAL(0L, connection.receive(buffer, sizeof buffer));
    }

    void bytesGivenBackAreReadFirstByEveryone()
    {
        SocketPair pair;
        Connection connection(pair.serverSocket());
        CPPUNIT_ASSERT(!connection.hasInput());
        CPPUNIT_ASSERT_EQUAL(ssize_t(6), ::send(pair.client, "abcdef", 6, 0));
        char buffer[16];
        CPPUNIT_ASSERT_EQUAL(6L, connection.receive(buffer, sizeof buffer));
        connection.unread(buffer + 2, 4); // "cdef"
        CPPUNIT_ASSERT(connection.hasInput());
        CPPUNIT_ASSERT_EQUAL(ssize_t(2), ::send(pair.client, "gh", 2, 0));
        // Ours: the bytes given back, then the socket's.
        CPPUNIT_ASSERT_EQUAL(2L, connection.peek(buffer, 2));
        CPPUNIT_ASSERT_EQUAL(2L, connection.receive(buffer, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("cd"), std::string(buffer, 2));
        // POCO's, through the socket: ready at once, the rest given back first.
        Poco::Net::SocketImpl& socket = pair.serverSocket();
        CPPUNIT_ASSERT(socket.poll(Poco::Timespan(0), Poco::Net::SocketImpl::SELECT_READ));
        CPPUNIT_ASSERT_EQUAL(2, socket.receiveBytes(buffer, sizeof buffer));
        CPPUNIT_ASSERT_EQUAL(std::string("ef"), std::string(buffer, 2));
        CPPUNIT_ASSERT(!connection.hasInput());
        CPPUNIT_ASSERT_EQUAL(2, socket.receiveBytes(buffer, sizeof buffer));
        CPPUNIT_ASSERT_EQUAL(std::string("gh"), std::string(buffer, 2));
        CPPUNIT_ASSERT(!socket.poll(Poco::Timespan(0), Poco::Net::SocketImpl::SELECT_READ));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionTest);

} // namespace hchat::test
