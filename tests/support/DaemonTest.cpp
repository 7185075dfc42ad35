#include "support/DaemonTest.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPCookie.h>

namespace hchat::test
{

void DaemonTest::setUp()
{
    restart(configuration());
}

void DaemonTest::tearDown()
{
    _daemon.reset();
}

void DaemonTest::restart(const std::map<std::string, std::string>& configuration)
{
    _daemon.reset();
    std::map<std::string, std::string> keys = configuration;
    if (lineProtocol())
    {
        _linePort = LineClient::freePort();
        keys["line.port"] = std::to_string(_linePort);
    }
    _daemon = std::make_unique<DaemonProcess>(keys);
}

std::unique_ptr<WsClient> DaemonTest::ws(const std::string& path, const std::string& cookie) const
{
    return std::make_unique<WsClient>(_daemon->host(), _daemon->port(), path, cookie);
}

std::unique_ptr<LineClient> DaemonTest::tcp() const
{
    return std::make_unique<LineClient>(_daemon->host(), _linePort);
}

std::string DaemonTest::personCookie(const std::string& room) const
{
    std::vector<Poco::Net::HTTPCookie> cookies;
    http().get("/chat/" + room).response.getCookies(cookies);
    for (const auto& cookie : cookies)
        if (cookie.getName() == "hchat_person")
            return "hchat_person=" + cookie.getValue();
    throw Poco::NotFoundException("no hchat_person cookie on the chat page");
}

Poco::JSON::Object::Ptr DaemonTest::object(const std::string& text)
{
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

} // namespace hchat::test
