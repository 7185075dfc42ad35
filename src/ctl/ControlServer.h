#pragma once

#include "ctl/ControlCommands.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace hchat
{

class ControlServer
/// The operator's control socket (control.socket): a Unix socket that only
/// root and the daemon's own user may use (mode 0600, and each peer's
/// credentials checked). One request a connection (ControlSession), a few
/// at a time. hchatd --ctl (ControlClient) is its client.
///
/// Protocol: the client sends one line, the command and its arguments
/// separated by spaces ("delete-room 3f9c…\n"); the daemon answers
/// "OK <n>\n" and n bytes of output (text, or the database for backup),
/// "ERROR <sentence>\n", or "DENIED <sentence>\n" to a peer not allowed.
/// start() and stop() from the application's main thread.
{
public:
    ControlServer(const std::string& path, ControlCommands& commands,
                  std::atomic<std::uint64_t>& refusals);
    /// Binds the socket at path: a stale one (no daemon answers on it) is
    /// replaced; throws Poco::Exception naming the path when another daemon
    /// answers there, or when it cannot be made.
    ~ControlServer();

    void start();
    void stop();
    /// Stops accepting, cuts off the clients still being answered (a
    /// backup on its way to a slow client would hold up the daemon's stop),
    /// waits for their threads and removes the socket file.

    class Sessions
    /// The connections being answered, so that stop() can cut them off.
    /// Thread-safe: _mutex guards _open.
    {
    public:
        void add(Poco::Net::SocketImpl* socket);
        void remove(Poco::Net::SocketImpl* socket);
        void shutAll();
        /// shutdown() of each: its thread's next read or write fails.

    private:
        std::mutex _mutex;
        std::set<Poco::Net::SocketImpl*> _open;
    };

    const std::string& path() const { return _path; }

private:
    const std::string _path;
    Sessions _sessions;
    Poco::Net::ServerSocket _socket;
    Poco::ThreadPool _threads;
    std::unique_ptr<Poco::Net::TCPServer> _server;
};

} // namespace hchat
