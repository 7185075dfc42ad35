#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/WebSocket.h>

#include <map>
#include <memory>
#include <string>

namespace hchat::test
{

class WsClient
/// A WebSocket client for integration tests (POCO's client side).
{
public:
    WsClient(const std::string& host, int port, const std::string& path,
             const std::string& cookie = "", Poco::Net::Context::Ptr tls = nullptr,
             const std::map<std::string, std::string>& headers = {});
    /// Connects and upgrades (with the Cookie header, if given, and the
    /// other headers; over TLS, given a client context); throws on failure.

    void sendText(const std::string& text);
    void sendFrame(const std::string& payload, int flags);

    bool receive(std::string& payload, int& flags, double timeoutSeconds = 5);
    /// The next frame (control frames included); false on timeout or close
    /// of the TCP connection.

    std::string nextText(double timeoutSeconds = 5);
    /// The next text frame, answering pings; "" when none comes within the
    /// timeout, or on close.

    std::string nextOfType(const std::string& type, double timeoutSeconds = 5);
    /// The next text frame whose JSON "type" is `type`, skipping the others;
    /// "" when none comes in time.

    std::string nextChat(double timeoutSeconds = 5);
    /// The next log entry of kind "message", skipping notices (join, leave,
    /// nick), presence and private frames; "" when none comes in time.

    std::string nextOfKind(const std::string& kind, double timeoutSeconds = 5);
    /// The next log entry of that kind ("edit", "delete", …), skipping the
    /// other frames; "" when none comes in time.

    int closeCode(double timeoutSeconds = 5);
    /// Reads until a close frame and returns its code (-1: none came).

    Poco::Net::WebSocket& socket() { return *_socket; }

private:
    std::string nextMatching(double timeoutSeconds, const std::string& part,
                             const std::string& otherPart);

    std::unique_ptr<Poco::Net::HTTPClientSession> _session;
    std::unique_ptr<Poco::Net::WebSocket> _socket;
};

} // namespace hchat::test
