#include "TlsClient.h"

#include <chrono>
#include <openssl/ssl.h>
#include <stdexcept>
#include <thread>

namespace hchat::load
{

TlsClient::TlsClient() : _context(SSL_CTX_new(TLS_client_method()))
{
    if (!_context)
        throw std::runtime_error("SSL_CTX_new failed");
    SSL_CTX_set_verify(_context, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(_context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(_context, SSL_OP_NO_TICKET);
}

TlsClient::~TlsClient()
{
    SSL_CTX_free(_context);
}

SSL* TlsClient::attach(int fd) const
{
    SSL* ssl = SSL_new(_context);
    SSL_set_fd(ssl, fd);
    SSL_set_connect_state(ssl);
    return ssl;
}

TlsClient::Step TlsClient::handshake(SSL* ssl)
{
    const int rc = SSL_do_handshake(ssl);
    if (rc == 1)
        return Step::Done;
    switch (SSL_get_error(ssl, rc))
    {
    case SSL_ERROR_WANT_READ:
        return Step::WantRead;
    case SSL_ERROR_WANT_WRITE:
        return Step::WantWrite;
    default:
        return Step::Failed;
    }
}

bool TlsClient::writeAll(SSL* ssl, const std::string& bytes)
{
    std::size_t sent = 0;
    while (sent < bytes.size())
    {
        const int n = SSL_write(ssl, bytes.data() + sent, static_cast<int>(bytes.size() - sent));
        if (n > 0)
        {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        const int error = SSL_get_error(ssl, n);
        if (error != SSL_ERROR_WANT_WRITE && error != SSL_ERROR_WANT_READ)
            return false;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return true;
}

long TlsClient::read(SSL* ssl, char* buffer, std::size_t size)
{
    const int n = SSL_read(ssl, buffer, static_cast<int>(size));
    if (n > 0)
        return n;
    const int error = SSL_get_error(ssl, n);
    return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE ? -1 : 0;
}

} // namespace hchat::load
