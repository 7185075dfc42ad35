#pragma once

#include "support/DaemonTest.h"
#include "support/TestPki.h"

namespace hchat::test
{

class TlsDaemonTest : public DaemonTest
/// A DaemonTest whose daemon also serves HTTPS and WSS on tls.port and the
/// line protocol over TLS on line.tlsPort (and in plain text on line.port),
/// IRC over TLS on irc.tlsPort,
/// with a pair for CN=first from a CA made for the test; and clients of
/// each transport that trust that CA.
{
public:
    void setUp() override;

protected:
    std::map<std::string, std::string> configuration() const override;
    bool lineProtocol() const override { return true; }
    virtual std::map<std::string, std::string> moreConfiguration() const { return {}; }
    /// The suite's own keys, beside the TLS ones.

    TestClient https() const;
    std::unique_ptr<WsClient> wss(const std::string& path) const;
    std::unique_ptr<LineClient> tlsLine() const;
    std::unique_ptr<LineClient> tlsIrc() const;

    std::unique_ptr<TestPki> _pki;
    TestPki::Pair _pair;
    int _tlsPort = 0;
    int _lineTlsPort = 0;
    int _ircTlsPort = 0;
};

} // namespace hchat::test
