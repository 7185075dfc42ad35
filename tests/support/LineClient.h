#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <string>

namespace hchat::test
{

class LineClient
/// A line-protocol client for integration tests: raw TCP, lines in and out.
{
public:
    LineClient(const std::string& host, int port, Poco::Net::Context::Ptr tls = nullptr,
               const std::string& before = "");
    /// Connects, over TLS given a client context; throws on failure.
    /// before: bytes sent in plain text first (a balancer's PROXY header),
    /// ahead of any TLS handshake.

    void send(const std::string& bytes);
    /// Sends the bytes as they are (the caller writes the line endings).

    void say(const std::string& line) { send(line + "\r\n"); }

    std::string line(double timeoutSeconds = 5);
    /// The next line from the server without its "\r\n"; "" on timeout or
    /// when the server closed.

    std::string expect(const std::string& prefix, double timeoutSeconds = 5);
    /// The next line that starts with prefix, skipping others; "" if none came.

    bool closedByServer(double timeoutSeconds = 5);
    /// Whether the server closes the connection within the timeout.

    Poco::Net::StreamSocket& socket() { return _socket; }

    static int freePort();
    /// A TCP port free on 127.0.0.1 right now (for line.port), chosen below
    /// the kernel's ephemeral range (32768 and up), so that no outgoing
    /// connection of a test can be given it before the daemon binds it.

private:
    Poco::Net::StreamSocket _socket;
    std::string _buffer;
};

} // namespace hchat::test
