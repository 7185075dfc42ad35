#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hchat::test
{

class CutProxy
/// A TCP proxy on 127.0.0.1 in front of a server, to break a connection
/// the way a network does: every connection is passed through both ways
/// until cut(marker, ...); then the first request that carries the marker
/// is passed on and the server's answer to it dropped (reaching: true), or
/// the request itself is dropped (false), and that connection closed on
/// both sides. Thread-safe.
{
public:
    explicit CutProxy(const std::string& server);
    /// server: host:port. Listens on a free port at once.
    ~CutProxy();
    CutProxy(const CutProxy&) = delete;
    CutProxy& operator=(const CutProxy&) = delete;

    std::string address() const;
    /// 127.0.0.1:port, to connect to instead of the server.

    void cut(const std::string& marker, bool reaching);
    bool hasCut() const { return _cut; }
    /// Whether a connection was cut since cut().

private:
    void accept();
    void pass(int client);

    std::string _host;
    int _serverPort = 0;
    int _listener = -1;
    int _port = 0;
    std::atomic<bool> _stopping{false};
    std::atomic<bool> _cut{false};
    std::mutex _mutex; ///< guards _marker, _links, _threads
    std::string _marker;
    bool _reaching = true;
    std::vector<int> _links; ///< every socket open, shut down when this goes
    std::vector<std::thread> _threads;
    std::thread _acceptor;
};

} // namespace hchat::test
