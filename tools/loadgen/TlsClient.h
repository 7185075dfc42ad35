#pragma once

#include <cstddef>
#include <string>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace hchat::load
{

class TlsClient
/// The generator's TLS (make bench's TLS rows): one client context that
/// verifies nothing (the bench's pair is self-signed) and resumes no
/// session, so every subscriber pays a full handshake as a new visitor
/// does; and the steps of one non-blocking connection.
{
public:
    TlsClient();
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    SSL* attach(int fd) const;
    /// A client SSL on a connected socket; the caller frees it (SSL_free).

    enum class Step
    {
        Done,
        WantRead,
        WantWrite,
        Failed
    };
    static Step handshake(SSL* ssl);

    static bool writeAll(SSL* ssl, const std::string& bytes);
    /// Writes everything, waiting (briefly sleeping) while the socket is full.

    static long read(SSL* ssl, char* buffer, std::size_t size);
    /// Plaintext read; 0 when the server closed or the connection failed,
    /// -1 when nothing is there yet.

private:
    SSL_CTX* _context;
};

} // namespace hchat::load
