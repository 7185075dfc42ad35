#pragma once

#include <Poco/Timestamp.h>

#include <mutex>
#include <string>
#include <unordered_map>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace hchat
{

class TlsContext
/// The server side of TLS for every listener that speaks it (SPEC §9): the
/// certificate chain and key of tls.certificate / tls.privateKey, TLS 1.2
/// and 1.3 only, Mozilla's "intermediate" cipher list, session resumption
/// (a session cache and tickets). reload() swaps in a new pair for new
/// connections; open ones keep the one they began with (each SSL holds a
/// reference to its context). Thread-safe: _mutex guards the context and
/// the failure log.
{
public:
    TlsContext(std::string certificate, std::string privateKey);
    /// Loads the pair; throws Poco::InvalidArgumentException naming the
    /// file and OpenSSL's reason when it does not load or does not match.
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    void reload();
    /// Loads the pair again from the same files; throws as the constructor
    /// does and then keeps the pair it had.

    SSL* newSession();
    /// A server-side SSL object for one connection, on the current pair.
    /// The caller frees it (SSL_free).

    bool noteFailure(const std::string& peer);
    /// Whether a failed handshake from peer is to be logged: at most once
    /// a minute for each address.

private:
    static SSL_CTX* load(const std::string& certificate, const std::string& privateKey);

    const std::string _certificate;
    const std::string _privateKey;
    std::mutex _mutex;
    SSL_CTX* _context;
    std::unordered_map<std::string, Poco::Timestamp> _failuresLogged;
};

} // namespace hchat
