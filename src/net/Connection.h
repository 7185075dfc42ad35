#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

namespace Poco::Net
{
class SocketImpl;
}

namespace hchat
{

class PollingSocketImpl;
class TlsChannel;

class Connection
/// One client's socket as hchatd's own code uses it: every byte it sends to
/// a client, and every byte a stream reads, goes through here. The owner
/// (the connection's thread) writes under claim(), blocking at most the
/// socket's send timeout; another thread (one that has just published a
/// message) may tryClaim() and sendNow(), which never waits. What the socket
/// did not take then goes out first, at the owner's next claim().
/// On a TLS connection every byte goes through its TlsChannel (what is kept
/// unsent is ciphertext), and the claim keeps writers in order.
/// Does not own the socket; the socket must outlive it. Thread-safe: the claim (_mutex) guards all
/// but the descriptor; receive() is the owner's alone.
{
public:
    using Claim = std::unique_lock<std::mutex>;

    explicit Connection(Poco::Net::SocketImpl& socket);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    int descriptor() const { return _socket; }

    void setSendTimeout(int seconds);
    /// How long the owner's send() may wait for a client that stopped reading.

    Claim claim();
    /// The owner's: waits for the connection, then sends what a publisher
    /// left unsent. Throws Poco::TimeoutException when the client stopped
    /// reading and Poco::Net::ConnectionResetException when it is gone.

    Claim tryClaim();
    /// A publisher's: the connection if nobody holds it, it is open and
    /// nothing is left unsent; an empty claim (false) otherwise.

    Claim hold();
    /// The owner's, to change what publishers read, without sending.

    Claim shut();
    /// The owner's last claim: closed to publishers, unsent bytes dropped.
    /// No other thread writes once it returns.

    // Under a claim:

    void send(const std::string& bytes) { send(bytes.data(), bytes.size()); }
    void send(const char* data, std::size_t size);
    /// Sends everything, blocking; throws as claim() does.

    bool sendNow(const std::string& bytes);
    /// Sends what the socket takes without waiting and keeps the rest.
    /// True when everything went; false when some is kept, or the client
    /// is gone (then the connection is closed to publishers).

    void setOpen(bool open) { _open = open; }
    /// Whether tryClaim() may succeed: not before what must come first (an
    /// HTTP head) is sent, nor after what must come last (a close frame).

    bool hasUnsent() const { return !_unsent.empty(); }

    long receive(char* buffer, std::size_t size);
    /// The owner's, without waiting: the bytes read, 0 when the client
    /// closed, -1 when there is nothing to read. Throws
    /// Poco::Net::NetException on an error (a reset, a broken TLS record).

    long peek(char* buffer, std::size_t size);
    /// As receive(), but the next receive() reads the same bytes again.

    void unread(const char* data, std::size_t size);
    /// The owner's: gives bytes it received back, to be read first by the
    /// next receive() or by POCO through the socket. Needs the socket to be
    /// one of hchatd's accepted connections (PollingSocketImpl).

    bool hasInput();
    /// Whether input is there that poll() on the descriptor cannot tell of
    /// (bytes given back, TLS plaintext already decrypted, or the client's
    /// close): read it before waiting.

    void linger(int milliseconds);
    /// The owner's, after its last bytes: ends the sending side, then reads
    /// and drops what the client still sends until it closes, for at most
    /// that long. Closing with unread input would reset the connection,
    /// and a reset can destroy the last bytes (a close frame) before the
    /// client reads them.

private:
    long read(char* buffer, std::size_t size, int flags);

    const int _socket;
    PollingSocketImpl* const _polling;      ///< null when the socket is not hchatd's
    const std::shared_ptr<TlsChannel> _tls; ///< null on plain text
    std::mutex _mutex;
    std::string _unsent; ///< what sendNow() could not send; empty (no memory) otherwise
    bool _open = false;
};

} // namespace hchat
