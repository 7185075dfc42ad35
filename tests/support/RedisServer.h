#pragma once

#include <Poco/Process.h>

#include <memory>
#include <string>
#include <vector>

namespace hchat::test
{

class RedisServer
/// A real redis-server (Debian's, installed by make check) for a test: on
/// 127.0.0.1 and a free port, its files in a temporary folder, the AOF on
/// with appendfsync always (the durability SPEC §12 promises needs), no
/// RDB snapshots. Stopped by its PID; the folder is removed at the end.
{
public:
    explicit RedisServer(bool persistent = true, bool clustered = false);
    /// Starts it and waits (up to 10 s) until it answers PING; throws on
    /// failure. Not persistent: no AOF, so a restart loses everything.
    /// clustered: cluster mode on (its bus on another free port), to be
    /// made a cluster with others by formCluster().

    static void formCluster(const std::vector<RedisServer*>& masters);
    /// Makes them one Redis Cluster of masters only (redis-cli --cluster
    /// create: the slots shared evenly) and waits until every one says
    /// cluster_state:ok; throws when that fails within 20 s.
    void replicate(RedisServer& master, const std::vector<RedisServer*>& cluster);
    /// Joins master's cluster as its replica (CLUSTER MEET, then CLUSTER
    /// REPLICATE) and waits until the link is up and every server of the
    /// cluster knows it as a replica (they vote when the master fails, and
    /// only for a node they know); throws when that is not so within 20 s.
    ~RedisServer();

    int port() const { return _port; }
    std::string address() const { return "127.0.0.1:" + std::to_string(_port); }

    void start();
    /// Starts it again (same port, same files) after stop() or kill().
    void stop();
    /// SIGTERM, and waits for the exit.
    void kill();
    /// SIGKILL, and waits for the exit: what it acknowledged is in the AOF.

    std::string command(const std::string& line);
    /// Sends one inline command (words separated by spaces) and returns
    /// the raw RESP reply, e.g. "+PONG\r\n"; "" when it does not answer.

private:
    bool answers();

    std::string _dir;
    int _port = 0;
    bool _persistent = true;
    int _busPort = 0; ///< the cluster bus; 0: not clustered
    std::unique_ptr<Poco::ProcessHandle> _process;
};

} // namespace hchat::test
