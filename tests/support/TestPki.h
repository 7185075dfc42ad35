#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace hchat::test
{

class TestPki
/// A certificate authority made for one test in a temporary folder (with
/// the openssl command), and server pairs it signs: what a daemon under
/// test serves over TLS, and what its test clients trust.
{
public:
    TestPki();
    /// Makes the CA; throws when openssl fails.
    ~TestPki();
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

    struct Pair
    {
        std::string certificate; ///< PEM: the leaf, then the CA
        std::string privateKey;  ///< PEM
    };

    Pair issue(const std::string& name);
    /// A pair for CN=name with subjectAltName localhost and 127.0.0.1,
    /// written as name.crt and name.key.

    Poco::Net::Context::Ptr client() const;
    /// A client context (TLS 1.2 and up) that trusts this CA only and
    /// verifies the server's certificate.

    const std::string& dir() const { return _dir; }

private:
    void openssl(const std::vector<std::string>& args) const;

    std::string _dir;
};

} // namespace hchat::test
