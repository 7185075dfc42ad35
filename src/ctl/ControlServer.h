#pragma once

#include "ctl/ControlCommands.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <cstdint>
#include <memory>
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
    /// Stops accepting, waits for the requests in progress and removes the
    /// socket file.

    const std::string& path() const { return _path; }

private:
    const std::string _path;
    Poco::Net::ServerSocket _socket;
    Poco::ThreadPool _threads;
    std::unique_ptr<Poco::Net::TCPServer> _server;
};

} // namespace hchat
