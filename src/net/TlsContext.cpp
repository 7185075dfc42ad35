#include "net/TlsContext.h"

#include "net/TlsChannel.h"

#include <Poco/Exception.h>
#include <Poco/Timespan.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace hchat
{

namespace
{
// Mozilla's "intermediate" configuration (version 5.7) for TLS 1.2; TLS 1.3
// keeps OpenSSL's suites, which are the same list.
const char* const cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                               "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                               "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                               "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
                               "DHE-RSA-CHACHA20-POLY1305";
const char* const groups = "X25519:P-256:P-384";
const unsigned char sessionIdContext[] = "hchatd";
const Poco::Timestamp::TimeDiff failureLogInterval = Poco::Timespan(60, 0).totalMicroseconds();
} // namespace

TlsContext::TlsContext(std::string certificate, std::string privateKey)
    : _certificate(std::move(certificate)), _privateKey(std::move(privateKey)),
      _context(load(_certificate, _privateKey))
{
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(_context);
}

SSL_CTX* TlsContext::load(const std::string& certificate, const std::string& privateKey)
{
    ERR_clear_error();
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    if (!context)
        throw Poco::InvalidArgumentException("TLS: " + TlsChannel::lastError());
    auto fail = [&](const std::string& what)
    {
        const std::string reason = TlsChannel::lastError();
        SSL_CTX_free(context);
        throw Poco::InvalidArgumentException(what + ": " + reason);
    };
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    // OpenSSL's 34 KiB of record buffers only while a record is under way:
    // an idle connection should cost little.
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(context, cipherList) != 1 ||
        SSL_CTX_set1_groups_list(context, groups) != 1)
        fail("TLS cipher list");
    SSL_CTX_set_dh_auto(context, 1);
    SSL_CTX_set_session_id_context(context, sessionIdContext, sizeof sessionIdContext - 1);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER);
    if (SSL_CTX_use_certificate_chain_file(context, certificate.c_str()) != 1)
        fail("tls.certificate " + certificate);
    if (SSL_CTX_use_PrivateKey_file(context, privateKey.c_str(), SSL_FILETYPE_PEM) != 1)
        fail("tls.privateKey " + privateKey);
    if (SSL_CTX_check_private_key(context) != 1)
        fail("tls.privateKey " + privateKey + " does not match tls.certificate " + certificate);
    return context;
}

void TlsContext::reload()
{
    SSL_CTX* fresh = load(_certificate, _privateKey);
    std::lock_guard<std::mutex> lock(_mutex);
    SSL_CTX_free(_context); // connections made with it keep a reference
    _context = fresh;
}

SSL* TlsContext::newSession()
{
    std::lock_guard<std::mutex> lock(_mutex);
    return SSL_new(_context);
}

bool TlsContext::noteFailure(const std::string& peer)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Poco::Timestamp now;
    if (_failuresLogged.size() > 10000)
    {
        // Bounded under a flood from many addresses: forget the old ones.
        for (auto it = _failuresLogged.begin(); it != _failuresLogged.end();)
            it = now - it->second > failureLogInterval ? _failuresLogged.erase(it) : ++it;
        if (_failuresLogged.size() > 10000)
            _failuresLogged.clear();
    }
    auto found = _failuresLogged.find(peer);
    if (found != _failuresLogged.end() && now - found->second < failureLogInterval)
        return false;
    _failuresLogged[peer] = now;
    return true;
}

} // namespace hchat
