#pragma once

#include "redis/RedisPool.h"

#include <Poco/Timespan.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class RedisScript;

class RedisRouter
/// Sends each command to the Redis server that holds its key: the one
/// server at `address`, or, in a Redis Cluster (cluster = true), the master
/// of the key's hash slot. The slot map comes from CLUSTER SLOTS, asked of
/// a server it knows (the address first); a MOVED answer makes it read the
/// map again and send the command where it was told, an ASK answer sends
/// it there once after ASKING, and TRYAGAIN or CLUSTERDOWN (a slot moving,
/// a failover) are tried again after 100 ms, five tries in all. A cluster
/// server that cannot be connected to (gone, its replica promoted) makes it
/// read the map again from the others and send the command where that says,
/// within the same five tries; a command sent on a connection that then
/// broke is not sent again (it may have been done: RedisAnswerLost). A
/// command without a key (PING, PUBLISH) goes to the seed, or to the next
/// server it knows.
/// Thread-safe.
{
public:
    RedisRouter(std::string address, std::string password, Poco::Timespan timeout, bool cluster);

    RedisConnection::Reply command(const std::vector<std::string>& args);
    /// Throws as RedisConnection::command(), also when the redirections
    /// did not end within five tries; RedisAnswerLost when the command
    /// went out but its answer did not come back.
    RedisConnection::Reply run(const RedisScript& script, std::vector<std::string> args);
    /// The script by EVALSHA, by EVAL where that server does not have it
    /// (args: the number of keys, the keys, the arguments).

    std::vector<RedisConnection::Reply> runEach(const RedisScript& script,
                                                const std::vector<std::vector<std::string>>& calls);
    /// run() for each call, in one round trip per server: a server's calls
    /// are sent at once and their replies read in order; a call answered
    /// with an error (NOSCRIPT, a redirection) is run again alone by run().
    /// Throws as run() does.

    RedisPool& seed() { return *_seed; }
    /// The connections to `address`.
    std::vector<RedisPool*> servers();
    /// Where a subscription may be made: the seed, then, in a cluster, every
    /// other server it has met (every server of a cluster tells every
    /// message published anywhere). A server once met stays in the list.
    bool cluster() const { return _cluster; }

    static std::uint16_t slotOf(const std::string& key);
    /// CRC16 (XMODEM) of the key, or of its hash tag (what is between the
    /// first '{' and the next '}', when not empty), modulo 16384.
    static const std::string* keyOf(const std::vector<std::string>& args);
    /// The key a command is routed by: the first key of EVAL/EVALSHA, none
    /// for PING, PUBLISH, ASKING and CLUSTER, else the first argument.

private:
    RedisPool& poolAt(const std::string& address);
    RedisPool& poolFor(const std::string* key);
    RedisPool& elsewhere(const RedisPool& unreachable, const std::string* key);
    /// Where to send a command that `unreachable` (a cluster's) refused to
    /// connect for: the key's master as the slot map read again from the
    /// other servers says (after a pause when it is the same server still,
    /// as before a failover ends); for a command without a key, the next
    /// of servers().
    void readSlots();
    /// Asks the servers it knows, the seed first, for the slot map.

    const std::string _password;
    const Poco::Timespan _timeout;
    const bool _cluster;
    std::unique_ptr<RedisPool> _seed;
    std::mutex _mutex;                                        ///< guards _pools and _slots
    std::map<std::string, std::unique_ptr<RedisPool>> _pools; ///< by address, besides the seed
    std::vector<RedisPool*> _slots; ///< slot → its master; null: unknown
};

} // namespace hchat
