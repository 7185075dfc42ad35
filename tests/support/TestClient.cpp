#include "support/TestClient.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <memory>

namespace hchat::test
{

TestClient::TestClient(std::string host, int port, Poco::Net::Context::Ptr tls)
    : _host(std::move(host)), _port(port), _tls(std::move(tls))
{
}

Reply TestClient::get(const std::string& path, const std::map<std::string, std::string>& headers)
{
    return request("GET", path, "", "", headers);
}

Reply TestClient::post(const std::string& path, const std::string& body,
                       const std::string& contentType,
                       const std::map<std::string, std::string>& headers)
{
    return request("POST", path, body, contentType, headers);
}

Reply TestClient::request(const std::string& method, const std::string& path,
                          const std::string& body, const std::string& contentType,
                          const std::map<std::string, std::string>& headers)
{
    const auto port = static_cast<Poco::UInt16>(_port);
    std::unique_ptr<Poco::Net::HTTPClientSession> owned(
        _tls ? new Poco::Net::HTTPSClientSession(_host, port, _tls)
             : new Poco::Net::HTTPClientSession(_host, port));
    Poco::Net::HTTPClientSession& session = *owned;
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& h : headers)
        request.set(h.first, h.second);
    if (method != "GET" && method != "HEAD")
    {
        if (!contentType.empty())
            request.setContentType(contentType);
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    std::ostream& out = session.sendRequest(request);
    out << body;
    Reply reply;
    std::istream& in = session.receiveResponse(reply.response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = reply.response.getStatus();
    return reply;
}

std::string TestClient::raw(const std::string& bytes, double timeoutSeconds)
{
    const Poco::Net::SocketAddress address(_host, static_cast<Poco::UInt16>(_port));
    Poco::Net::StreamSocket socket =
        _tls ? Poco::Net::SecureStreamSocket(address, _tls) : Poco::Net::StreamSocket(address);
    if (!bytes.empty())
        socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string answer;
    char buffer[4096];
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(timeoutSeconds * 1000));
    while (std::chrono::steady_clock::now() < deadline)
    {
        socket.setReceiveTimeout(Poco::Timespan(0, 100000));
        try
        {
            int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0)
                break;
            answer.append(buffer, static_cast<std::size_t>(n));
        }
        catch (const Poco::TimeoutException&)
        {
        }
        catch (const Poco::Exception&)
        {
            break; // reset by the server
        }
    }
    return answer;
}

std::string TestClient::createRoom(const std::string& subject, bool isPublic)
{
    Reply reply = get("/chat_create?subject=" +
                      [&]
                      {
                          std::string encoded;
                          Poco::URI::encode(subject, "&=+?#", encoded);
                          return encoded;
                      }() +
                      (isPublic ? "&public=1" : ""));
    if (reply.status != 303)
        throw Poco::RuntimeException("chat_create answered " + std::to_string(reply.status));
    std::string location = reply.header("Location");
    return location.substr(location.rfind('/') + 1);
}

} // namespace hchat::test
