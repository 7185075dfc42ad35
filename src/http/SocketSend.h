#pragma once

#include <cstddef>
#include <string>

namespace hchat
{

class SocketSend
/// The two ways hchatd's own code writes to a client's socket (the rest
/// goes through POCO): a publisher's try that never waits, and the
/// connection thread's write that waits as long as the socket's send
/// timeout allows. Thread-safe (no state); SIGPIPE is never raised.
{
public:
    static bool withoutWaiting(int socket, const std::string& bytes, std::string& unsent);
    /// Sends what the socket takes now and puts the rest in `unsent`
    /// (cleared when everything went). False when the client is gone.

    static void all(int socket, const char* data, std::size_t size);
    /// Sends everything, blocking. Throws Poco::TimeoutException when the
    /// client stopped reading (the send timeout passed) and
    /// Poco::Net::ConnectionResetException when it is gone.
};

} // namespace hchat
