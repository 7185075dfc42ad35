#pragma once

#include "redis/RedisConnection.h"

#include <string>
#include <vector>

namespace hchat
{

class RedisScript
/// A Lua script run by its SHA-1 (EVALSHA), sent whole (EVAL) only when
/// the server does not have it yet (after a restart or SCRIPT FLUSH).
/// Immutable.
{
public:
    explicit RedisScript(std::string source);

    RedisConnection::Reply run(RedisConnection& connection, std::vector<std::string> args) const;
    /// args: the number of keys, the keys, then the arguments. Throws as
    /// RedisConnection::command().

private:
    std::string _source;
    std::string _sha;
};

} // namespace hchat
