#include "support/WsClient.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <chrono>

namespace hchat::test
{

using Poco::Net::WebSocket;

WsClient::WsClient(const std::string& host, int port, const std::string& path,
                   const std::string& cookie, Poco::Net::Context::Ptr tls,
                   const std::map<std::string, std::string>& headers)
    : _session(tls ? new Poco::Net::HTTPSClientSession(host, static_cast<Poco::UInt16>(port), tls)
                   : new Poco::Net::HTTPClientSession(host, static_cast<Poco::UInt16>(port)))
{
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    if (!cookie.empty())
        request.set("Cookie", cookie);
    for (const auto& header : headers)
        request.set(header.first, header.second);
    Poco::Net::HTTPResponse response;
    _socket = std::make_unique<WebSocket>(*_session, request, response);
    _socket->setMaxPayloadSize(1 << 24);
}

void WsClient::sendText(const std::string& text)
{
    _socket->sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
}

void WsClient::sendFrame(const std::string& payload, int flags)
{
    _socket->sendFrame(payload.data(), static_cast<int>(payload.size()), flags);
}

bool WsClient::receive(std::string& payload, int& flags, double timeoutSeconds)
{
    _socket->setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutSeconds * 1e6)));
    Poco::Buffer<char> buffer(0);
    try
    {
        int n = _socket->receiveFrame(buffer, flags);
        payload.assign(buffer.begin(), static_cast<std::size_t>(n));
        return n > 0 || flags != 0;
    }
    catch (const Poco::Exception&)
    {
        return false;
    }
}

std::string WsClient::nextText(double timeoutSeconds)
{
    std::string payload;
    int flags = 0;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<long>(timeoutSeconds * 1e6));
    for (;;)
    {
        double left =
            std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0 || !receive(payload, flags, left))
            break;
        int opcode = flags & WebSocket::FRAME_OP_BITMASK;
        if (opcode == WebSocket::FRAME_OP_PING)
            sendFrame(payload, WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG);
        else if (opcode == WebSocket::FRAME_OP_TEXT)
            return payload;
        else if (opcode == WebSocket::FRAME_OP_CLOSE)
            return "";
    }
    return "";
}

std::string WsClient::nextOfType(const std::string& type, double timeoutSeconds)
{
    return nextMatching(timeoutSeconds, "\"type\":\"" + type + "\"", "");
}

std::string WsClient::nextChat(double timeoutSeconds)
{
    return nextMatching(timeoutSeconds, "\"type\":\"message\"", "\"kind\":\"message\"");
}

std::string WsClient::nextOfKind(const std::string& kind, double timeoutSeconds)
{
    return nextMatching(timeoutSeconds, "\"type\":\"message\"", "\"kind\":\"" + kind + "\"");
}

std::string WsClient::nextMatching(double timeoutSeconds, const std::string& part,
                                   const std::string& otherPart)
{
    // Frames are compact JSON made by the daemon, and its texts escape quotes,
    // so a field is found as a plain substring.
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<long>(timeoutSeconds * 1e6));
    for (;;)
    {
        double left =
            std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0)
            return "";
        std::string text = nextText(left);
        if (text.empty())
            return "";
        if (text.find(part) != std::string::npos &&
            (otherPart.empty() || text.find(otherPart) != std::string::npos))
            return text;
    }
}

int WsClient::closeCode(double timeoutSeconds)
{
    std::string payload;
    int flags = 0;
    while (receive(payload, flags, timeoutSeconds))
        if ((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE)
            return payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                             static_cast<unsigned char>(payload[1])
                                       : 1005;
    return -1;
}

} // namespace hchat::test
