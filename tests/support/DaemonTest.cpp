#include "support/DaemonTest.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <sstream>

namespace hchat::test
{

void DaemonTest::setUp()
{
    _state = DaemonProcess::tempDir();
    restart(configuration());
}

void DaemonTest::tearDown()
{
    _daemon.reset();
    Poco::File(_state).remove(true);
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

std::string DaemonTest::ownedRoom(std::string& ownerCookie, const std::string& subject) const
{
    const Reply made = http().get("/chat_create?public=1&subject=" + subject);
    CPPUNIT_ASSERT_EQUAL(303, made.status);
    const std::string room = made.header("Location").substr(6);
    const std::string secret = made.header("X-Chat-Owner");
    CPPUNIT_ASSERT_EQUAL(std::size_t(32), secret.size());
    std::vector<Poco::Net::HTTPCookie> cookies;
    made.response.getCookies(cookies);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), cookies.size());
    CPPUNIT_ASSERT_EQUAL("hchat_owner_" + room, cookies[0].getName());
    CPPUNIT_ASSERT_EQUAL(secret, cookies[0].getValue());
    ownerCookie = "hchat_owner_" + room + "=" + secret;
    return room;
}

std::string DaemonTest::accountSession(const std::string& name, const std::string& password) const
{
    Poco::Net::HTMLForm form;
    form.set("name", name);
    form.set("password", password);
    std::ostringstream body;
    form.write(body);
    const Reply made =
        http().post("/api/accounts", body.str(), "application/x-www-form-urlencoded");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(made.body, 201, made.status);
    std::vector<Poco::Net::HTTPCookie> cookies;
    made.response.getCookies(cookies);
    for (const auto& cookie : cookies)
        if (cookie.getName() == "hchat_session")
            return "hchat_session=" + cookie.getValue();
    CPPUNIT_FAIL("registering " + name + " set no session cookie");
    return "";
}

Poco::JSON::Object::Ptr DaemonTest::object(const std::string& text)
{
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string DaemonTest::exchangeFrom(const std::string& source, int port, const std::string& bytes)
{
    Poco::Net::StreamSocket socket;
    socket.impl()->bind(Poco::Net::SocketAddress(source, 0), false);
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    char buffer[512];
    const int n = socket.receiveBytes(buffer, sizeof buffer);
    return std::string(buffer, static_cast<std::size_t>(std::max(n, 0)));
}

} // namespace hchat::test
