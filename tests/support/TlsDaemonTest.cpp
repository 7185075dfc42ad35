#include "support/TlsDaemonTest.h"

#include <Poco/Exception.h>

namespace hchat::test
{

void TlsDaemonTest::setUp()
{
    _pki = std::make_unique<TestPki>();
    _pair = _pki->issue("first");
    for (int attempt = 1;; ++attempt)
    {
        _tlsPort = LineClient::freePort();
        do
            _lineTlsPort = LineClient::freePort();
        while (_lineTlsPort == _tlsPort);
        do
            _ircTlsPort = LineClient::freePort();
        while (_ircTlsPort == _tlsPort || _ircTlsPort == _lineTlsPort);
        try
        {
            DaemonTest::setUp();
            return;
        }
        catch (const Poco::RuntimeException& e)
        {
            // Another process took one of these ports between the probe
            // and the daemon's bind (tests run side by side): others.
            DaemonTest::tearDown();
            if (attempt == 5 || e.message().find("cannot listen") == std::string::npos)
                throw;
        }
    }
}

std::map<std::string, std::string> TlsDaemonTest::configuration() const
{
    std::map<std::string, std::string> keys = moreConfiguration();
    keys["tls.certificate"] = _pair.certificate;
    keys["tls.privateKey"] = _pair.privateKey;
    keys["tls.port"] = std::to_string(_tlsPort);
    keys["line.tlsPort"] = std::to_string(_lineTlsPort);
    keys["irc.tlsPort"] = std::to_string(_ircTlsPort);
    return keys;
}

TestClient TlsDaemonTest::https() const
{
    return TestClient(_daemon->host(), _tlsPort, _pki->client());
}

std::unique_ptr<WsClient> TlsDaemonTest::wss(const std::string& path) const
{
    return std::make_unique<WsClient>(_daemon->host(), _tlsPort, path, "", _pki->client());
}

std::unique_ptr<LineClient> TlsDaemonTest::tlsLine() const
{
    return std::make_unique<LineClient>(_daemon->host(), _lineTlsPort, _pki->client());
}

std::unique_ptr<LineClient> TlsDaemonTest::tlsIrc() const
{
    return std::make_unique<LineClient>(_daemon->host(), _ircTlsPort, _pki->client());
}

} // namespace hchat::test
