#include "net/TlsChannel.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <poll.h>
#include <sys/socket.h>

namespace hchat
{

namespace
{
BIO* memoryBuffer()
{
    BIO* bio = BIO_new(BIO_s_mem());
    if (!bio)
        throw std::bad_alloc();
    BIO_set_mem_eof_return(bio, -1); // empty means "more to come", not the end
    return bio;
}
} // namespace

TlsChannel::TlsChannel(SSL* session, int socket)
    : _socket(socket), _session(session), _in(memoryBuffer()), _out(memoryBuffer())
{
    SSL_set_bio(_session, _in, _out);
    SSL_set_accept_state(_session);
}

TlsChannel::~TlsChannel()
{
    SSL_free(_session);
}

std::string TlsChannel::lastError()
{
    std::string text;
    char line[256];
    while (unsigned long error = ERR_get_error())
    {
        ERR_error_string_n(error, line, sizeof line);
        text += (text.empty() ? "" : "; ") + std::string(line);
    }
    return text.empty() ? "unknown error" : text;
}

void TlsChannel::sendAll(int socket, const char* data, std::size_t size)
{
    while (size > 0)
    {
        const ssize_t sent = ::send(socket, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            throw Poco::TimeoutException("the client stopped reading");
        if (sent <= 0)
            throw Poco::Net::ConnectionResetException("the client is gone");
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
}

std::string TlsChannel::pending()
{
    const std::size_t size = BIO_ctrl_pending(_out);
    std::string bytes(size, '\0');
    if (size > 0)
        BIO_read(_out, &bytes[0], static_cast<int>(size));
    if (size > 64 * 1024)
    {
        // A memory buffer keeps its largest size: after a long history,
        // start an idle connection's afresh.
        _out = memoryBuffer();
        SSL_set0_wbio(_session, _out);
    }
    return bytes;
}

void TlsChannel::handshake(int timeoutMs)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;)
    {
        int done, error;
        std::string out;
        {
            std::lock_guard<std::mutex> lock(_mutex);
            ERR_clear_error();
            done = SSL_do_handshake(_session);
            error = SSL_get_error(_session, done);
            if (error == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_HTTP_REQUEST)
                _plainHttp = true;
            out = pending(); // the server's flight, or an alert
        }
        if (done != 1 && error != SSL_ERROR_WANT_READ)
        {
            const std::string reason = lastError();
            try
            {
                sendAll(_socket, out.data(), out.size());
            }
            catch (const Poco::Exception&)
            {
            }
            throw Poco::IOException(reason);
        }
        sendAll(_socket, out.data(), out.size());
        if (done == 1)
            return;
        if (_eof)
            throw Poco::IOException("the client closed during the handshake");
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        pollfd client{_socket, POLLIN, 0};
        int ready = 0;
        if (left > 0)
            ready = ::poll(&client, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            throw Poco::TimeoutException("the handshake took longer than " +
                                         std::to_string(timeoutMs / 1000) + " s");
        fill(false);
    }
}

std::string TlsChannel::seal(const char* data, std::size_t size)
{
    std::lock_guard<std::mutex> lock(_mutex);
    while (size > 0)
    {
        // Memory never blocks, so a write takes everything it is given.
        const int chunk = static_cast<int>(std::min<std::size_t>(size, INT_MAX));
        ERR_clear_error();
        if (SSL_write(_session, data, chunk) != chunk)
            throw Poco::IOException("TLS: " + lastError());
        data += chunk;
        size -= static_cast<std::size_t>(chunk);
    }
    return pending();
}

TlsChannel::Read TlsChannel::decrypt(char* buffer, std::size_t size, bool consume, long& got)
{
    std::lock_guard<std::mutex> lock(_mutex);
    const int asked = static_cast<int>(std::min<std::size_t>(size, INT_MAX));
    ERR_clear_error();
    const int n = consume ? SSL_read(_session, buffer, asked) : SSL_peek(_session, buffer, asked);
    if (n > 0)
    {
        got = n;
        return Read::Data;
    }
    switch (SSL_get_error(_session, n))
    {
    case SSL_ERROR_ZERO_RETURN:
        return Read::Closed;
    case SSL_ERROR_WANT_READ:
        return _eof ? Read::Closed : Read::More; // an end without close_notify is an end too
    default:
        throw Poco::IOException("TLS: " + lastError());
    }
}

bool TlsChannel::fill(bool wait)
{
    char raw[4096];
    for (;;)
    {
        const ssize_t got = ::recv(_socket, raw, sizeof raw, wait ? 0 : MSG_DONTWAIT);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;
        if (got < 0)
            throw Poco::Net::ConnectionResetException("the client is gone");
        std::lock_guard<std::mutex> lock(_mutex);
        if (got == 0)
            _eof = true;
        else
            BIO_write(_in, raw, static_cast<int>(got));
        return true;
    }
}

long TlsChannel::read(char* buffer, std::size_t size, bool consume, bool wait)
{
    for (;;)
    {
        long got = 0;
        switch (decrypt(buffer, size, consume, got))
        {
        case Read::Data:
            return got;
        case Read::Closed:
            return 0;
        case Read::More:
            if (!fill(wait))
                return -1;
        }
    }
}

bool TlsChannel::hasInput()
{
    char byte;
    long got = 0;
    try
    {
        return decrypt(&byte, 1, false, got) != Read::More;
    }
    catch (const Poco::Exception&)
    {
        return true; // the reader finds out
    }
}

std::string TlsChannel::describe()
{
    std::lock_guard<std::mutex> lock(_mutex);
    return std::string(SSL_get_version(_session)) + " " + SSL_get_cipher_name(_session);
}

} // namespace hchat
