#include "support/TlsDaemonTest.h"

namespace hchat::test
{

void TlsDaemonTest::setUp()
{
    _pki = std::make_unique<TestPki>();
    _pair = _pki->issue("first");
    _tlsPort = LineClient::freePort();
    do
        _lineTlsPort = LineClient::freePort();
    while (_lineTlsPort == _tlsPort);
    do
        _ircTlsPort = LineClient::freePort();
    while (_ircTlsPort == _tlsPort || _ircTlsPort == _lineTlsPort);
    DaemonTest::setUp();
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
