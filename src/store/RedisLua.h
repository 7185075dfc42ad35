#pragma once

#include "redis/RedisScript.h"

namespace hchat
{

class RedisLua
/// The Lua scripts of RedisStore, each one atomic step in Redis.
{
public:
    static const RedisScript& append();
    /// KEYS: next, log, edits. ARGV: channel, room id, entry body, messages
    /// kept (0: all), oldest time kept in µs (0: all) [, kind, target of an
    /// edit or deletion]. Numbers, stores, rewrites the target, trims and
    /// publishes; returns the number. Error NOROOM when the room has no
    /// counter (none, or deleted).
    static const RedisScript& raise();
    /// KEYS: next. ARGV: a number. Sets the counter to it unless it is
    /// higher already.
    static const RedisScript& tail();
    /// KEYS: next, log. ARGV: how many. {next, entries...}, or {-1}.
    static const RedisScript& claim();
    /// KEYS: a name's key. ARGV: person key, milliseconds. Sets it to the
    /// person for that long unless someone else has it; 1 if set, else 0.
    static const RedisScript& token();
    /// KEYS: a bucket. ARGV: tokens a second, at most. Takes one; returns
    /// 0, or the microseconds until there is one (nothing taken).
    static const RedisScript& release();
    /// KEYS: a name's key. ARGV: person key. Deletes it if it is theirs.
    static const RedisScript& get();
    /// KEYS: a key. Its value, or nil: GET, where only scripts will do.
    static const RedisScript& mark();
    /// KEYS: a key. ARGV: milliseconds. Sets it to 1 for that long.
};

} // namespace hchat
