#pragma once

#include <string>

namespace hchat
{

class RedisScript
/// A Lua script and its SHA-1, which RedisRouter::run sends (EVALSHA)
/// before the whole script (EVAL, only where the server does not have it
/// yet: after a restart or SCRIPT FLUSH, or another server of a cluster).
/// Immutable.
{
public:
    explicit RedisScript(std::string source);

    const std::string& source() const { return _source; }
    const std::string& sha() const { return _sha; }

private:
    std::string _source;
    std::string _sha;
};

} // namespace hchat
