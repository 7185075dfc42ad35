#pragma once

#include <cstddef>
#include <mutex>
#include <string>

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace hchat
{

class TlsChannel
/// TLS on one accepted connection. OpenSSL works on memory buffers only:
/// seal() turns plaintext into the bytes to send and the caller sends them
/// as it sends plain text (the Connection's blocking send, or a publisher's
/// send that never waits, keeping what the socket did not take), and
/// open() reads the socket itself. An SSL object must not be used by two
/// threads at once: _mutex guards it, held only while OpenSSL works on
/// memory and never while the socket waits, so one connection's reader and
/// a publisher writing to it take turns for microseconds and other
/// connections never wait. Writers must still come one at a time, in the
/// order their bytes go out (the Connection's claim sees to that).
{
public:
    TlsChannel(SSL* session, int socket);
    /// Takes the SSL object (freed with the channel); does not own the socket.
    ~TlsChannel();
    TlsChannel(const TlsChannel&) = delete;
    TlsChannel& operator=(const TlsChannel&) = delete;

    void handshake(int timeoutMs);
    /// The owner's, before anything else: completes the server handshake
    /// within timeoutMs. Throws Poco::TimeoutException when the client
    /// takes longer, Poco::IOException with OpenSSL's reason otherwise.

    bool plainHttp() const { return _plainHttp; }
    /// After a failed handshake: the client spoke plain HTTP.

    std::string seal(const char* data, std::size_t size);
    /// The bytes to send for data, after any OpenSSL had to send meanwhile.

    long open(char* buffer, std::size_t size, bool wait) { return read(buffer, size, true, wait); }
    /// The owner's: plaintext read into buffer, 0 when the client closed,
    /// -1 when nothing came (at once, or, waiting, within the socket's
    /// receive timeout). Throws Poco::IOException on a broken record.

    long peek(char* buffer, std::size_t size) { return read(buffer, size, false, false); }
    /// The owner's: as open() without waiting, but what it returns is
    /// read again by the next open() (recv() with MSG_PEEK). At most the
    /// plaintext of one record.

    bool hasInput();
    /// Whether plaintext (or the client's close) is there to read without
    /// waiting for the socket: poll() on the socket cannot tell of it.

    std::string describe();
    /// "TLSv1.3 TLS_AES_128_GCM_SHA256", for logs.

    static void sendAll(int socket, const char* data, std::size_t size);
    /// Sends everything, blocking up to the socket's send timeout. Throws
    /// Poco::TimeoutException when the client stopped reading and
    /// Poco::Net::ConnectionResetException when it is gone.

    static std::string lastError();
    /// OpenSSL's error queue as text (emptied), or "unknown error".

private:
    enum class Read
    {
        Data,   ///< plaintext was read
        Closed, ///< the client closed (close_notify or end of stream)
        More,   ///< a record is incomplete: bytes from the socket needed
    };
    long read(char* buffer, std::size_t size, bool consume, bool wait);
    Read decrypt(char* buffer, std::size_t size, bool consume, long& got);
    bool fill(bool wait);
    /// Moves what the socket has into OpenSSL (or notes its end); false
    /// when it had nothing (waiting: within its receive timeout).

    std::string pending();
    /// What OpenSSL has written since (under _mutex).

    const int _socket;
    std::mutex _mutex;
    SSL* _session;
    BIO* _in;  ///< ciphertext from the client, owned by _session
    BIO* _out; ///< ciphertext to the client, owned by _session
    bool _eof = false;
    bool _plainHttp = false;
};

} // namespace hchat
