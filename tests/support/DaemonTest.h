#pragma once

#include "support/DaemonProcess.h"
#include "support/LineClient.h"
#include "support/TestClient.h"
#include "support/WsClient.h"

#include <Poco/JSON/Object.h>

#include <cppunit/TestFixture.h>

#include <map>
#include <memory>
#include <string>

namespace hchat::test
{

class DaemonTest : public CppUnit::TestFixture
/// The base of the suites that talk to a real hchatd over real sockets: a
/// daemon per test, started with the suite's configuration (configuration(),
/// with line.port on a free port when lineProtocol()), stopped after; and
/// a client of each transport.
{
public:
    void setUp() override;
    void tearDown() override;

protected:
    virtual std::map<std::string, std::string> configuration() const { return {}; }
    virtual bool lineProtocol() const { return false; }

    void restart(const std::map<std::string, std::string>& configuration);
    /// Stops this test's daemon and starts one with another configuration.

    TestClient http() const { return TestClient(_daemon->host(), _daemon->port()); }
    std::unique_ptr<WsClient> ws(const std::string& path, const std::string& cookie = "") const;
    std::unique_ptr<LineClient> tcp() const;

    std::string personCookie(const std::string& room) const;
    /// "hchat_person=…" as the daemon signs it for a new visitor of the room's page.

    std::string ownedRoom(std::string& ownerCookie, const std::string& subject = "owned") const;
    /// A public room made by a guest, and ownerCookie: "hchat_owner_<id>=<secret>",
    /// which makes a browser its owner (checked against X-Chat-Owner).

    std::string accountSession(const std::string& name,
                               const std::string& password = "long enough") const;
    /// Registers the account and returns its "hchat_session=…" cookie.

    static Poco::JSON::Object::Ptr object(const std::string& text);
    /// A JSON object; throws when the text is not one.

    static std::string exchangeFrom(const std::string& source, int port, const std::string& bytes);
    /// Connects to 127.0.0.1:port from the local address `source` (another
    /// client behind a balancer), sends bytes and returns what the first
    /// read brings (up to 5 s).

    std::unique_ptr<DaemonProcess> _daemon;
    int _linePort = 0;
    std::string _state; ///< a folder of this test's own (a database, a socket), removed after it
};

} // namespace hchat::test
