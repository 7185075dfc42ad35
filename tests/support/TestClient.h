#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPResponse.h>

#include <map>
#include <string>

namespace hchat::test
{

struct Reply
{
    int status = 0;
    std::string body;
    Poco::Net::HTTPResponse response; ///< all headers and cookies
    std::string header(const std::string& name) const { return response.get(name, ""); }
};

class TestClient
/// A blocking HTTP client for integration tests (POCO's HTTPClientSession),
/// plus raw socket requests for input no well-behaved client would send.
/// Given a TLS client context, it speaks HTTPS, raw requests included.
{
public:
    TestClient(std::string host, int port, Poco::Net::Context::Ptr tls = nullptr);

    Reply get(const std::string& path, const std::map<std::string, std::string>& headers = {});
    Reply post(const std::string& path, const std::string& body, const std::string& contentType,
               const std::map<std::string, std::string>& headers = {});
    Reply request(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& contentType,
                  const std::map<std::string, std::string>& headers);

    std::string raw(const std::string& bytes, double timeoutSeconds = 5);
    /// Sends bytes on a new connection and returns everything the server
    /// answers until it closes the connection or the timeout passes.

    std::string createRoom(const std::string& subject, bool isPublic);
    /// GET /chat_create; returns the new room's id (checked to be a 303).

private:
    std::string _host;
    int _port;
    Poco::Net::Context::Ptr _tls;
};

} // namespace hchat::test
