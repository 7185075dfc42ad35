#pragma once

#include "support/TestClient.h"

#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <string>

namespace hchat::test
{

class RawHttpConnection
/// One kept-alive HTTP connection on which a test writes requests byte for
/// byte (HTTPClientSession writes its own headers) and reads the answers in
/// order.
{
public:
    RawHttpConnection(const std::string& host, int port);

    void send(const std::string& bytes);

    Reply read(double timeoutSeconds = 5);
    /// The next whole answer (head, then Content-Length bytes of body).
    /// Throws Poco::TimeoutException when none comes in time, and
    /// Poco::Net::NoMessageException when the server closed the connection.

    bool closedByServer(double timeoutSeconds = 5);
    /// Whether the server closes the connection, sending nothing more, within the timeout.

private:
    Poco::Net::StreamSocket _socket;
    Poco::Net::SocketInputStream _in;
};

} // namespace hchat::test
