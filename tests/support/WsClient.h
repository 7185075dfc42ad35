#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/WebSocket.h>

#include <memory>
#include <string>

namespace hchat::test
{

class WsClient
/// A WebSocket client for integration tests (POCO's client side).
{
public:
    WsClient(const std::string& host, int port, const std::string& path);
    /// Connects and upgrades; throws on failure.

    void sendText(const std::string& text);
    void sendFrame(const std::string& payload, int flags);

    bool receive(std::string& payload, int& flags, double timeoutSeconds = 5);
    /// The next frame (control frames included); false on timeout or close
    /// of the TCP connection.

    std::string nextText(double timeoutSeconds = 5);
    /// The next text frame, answering pings; "" when none comes within the
    /// timeout, or on close.

    int closeCode(double timeoutSeconds = 5);
    /// Reads until a close frame and returns its code (-1: none came).

    Poco::Net::WebSocket& socket() { return *_socket; }

private:
    Poco::Net::HTTPClientSession _session;
    std::unique_ptr<Poco::Net::WebSocket> _socket;
};

} // namespace hchat::test
