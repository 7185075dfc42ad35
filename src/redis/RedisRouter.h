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
/// a failover) are tried again after 100 ms, five tries in all. A command
/// without a key (PING, PUBLISH) goes to any server. Thread-safe.
{
public:
    RedisRouter(std::string address, std::string password, Poco::Timespan timeout, bool cluster);

    RedisConnection::Reply command(const std::vector<std::string>& args);
    /// Throws as RedisConnection::command(), also when the redirections
    /// did not end within five tries.
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
    /// The connections to `address` (a subscription: every server of a
    /// cluster tells every message published).
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
