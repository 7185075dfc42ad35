#include "store/RedisLua.h"

namespace hchat
{

namespace
{

// KEYS: next, log, edits. ARGV: channel, room id, entry body ("<µs> <json>"),
// messages kept (0: all), oldest time kept in µs (0: all), and for an edit
// or deletion its kind and target (else nothing: the body is not decoded).
// Numbers, stores and publishes the message; an edit or deletion rewrites
// its target (and, for a deletion, the target's edits) as Message::amendedBy.
const RedisScript appendScript(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
  return redis.error_reply('NOROOM the room does not exist')
end
local n = redis.call('INCR', KEYS[1]) - 1
local entry = n .. ' ' .. ARGV[3]
redis.call('ZADD', KEYS[2], n, entry)
if ARGV[6] then
  local when, json = string.match(ARGV[3], '^(%d+) (.*)$')
  local m = cjson.decode(json)
  local function rewrite(at, change)
    local old = redis.call('ZRANGEBYSCORE', KEYS[2], at, at)
    if #old == 0 then return end
    local head, body = string.match(old[1], '^(%d+ %d+) (.*)$')
    local o = cjson.decode(body)
    if change(o) then
      redis.call('ZREMRANGEBYSCORE', KEYS[2], at, at)
      redis.call('ZADD', KEYS[2], at, head .. ' ' .. cjson.encode(o))
    end
  end
  if m.k == 'edit' then
    rewrite(m.t, function(o)
      if o.k ~= 'message' then return false end
      o.x = m.x
      o.e = when
      return true
    end)
    redis.call('HSET', KEYS[3], m.t, (redis.call('HGET', KEYS[3], m.t) or '') .. ' ' .. n)
  else
    rewrite(m.t, function(o)
      if o.k ~= 'message' then return false end
      o.k = 'deleted'
      o.x = nil
      o.w = nil
      return true
    end)
    local edits = redis.call('HGET', KEYS[3], m.t)
    if edits then
      for e in string.gmatch(edits, '%d+') do
        rewrite(e, function(o)
          if o.x == nil or o.x == '' then return false end
          o.x = nil
          return true
        end)
      end
      redis.call('HDEL', KEYS[3], m.t)
    end
  end
end
local keep = tonumber(ARGV[4])
if keep > 0 and n + 1 > keep then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (n + 1 - keep))
end
local since = tonumber(ARGV[5])
if since > 0 then
  for i = 1, 100 do
    local first = redis.call('ZRANGE', KEYS[2], 0, 0)
    if #first == 0 or tonumber(string.match(first[1], '^%d+ (%d+)')) >= since then break end
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, 0)
  end
end
redis.call('PUBLISH', ARGV[1], 'm ' .. ARGV[2] .. ' ' .. entry)
return n
)lua");

// KEYS: next, log. ARGV: how many of the last entries. {next, entries...},
// or {-1} when the room has no log.
const RedisScript tailScript(R"lua(
local next = redis.call('GET', KEYS[1])
if not next then return {-1} end
local out = {tonumber(next)}
local count = tonumber(ARGV[1])
if count > 0 then
  local entries = redis.call('ZRANGE', KEYS[2], -count, -1)
  for i = 1, #entries do out[#out + 1] = entries[i] end
end
return out
)lua");

const RedisScript raiseScript(R"lua(
local now = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
)lua");

const RedisScript claimScript(R"lua(
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
)lua");

// GET as a script, for RedisRouter::runEach.
const RedisScript getScript(R"lua(
return redis.call('GET', KEYS[1])
)lua");

// A key that says something for a while (a person's mailbox is open).
const RedisScript markScript(R"lua(
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
)lua");

const RedisScript releaseScript(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
)lua");

// A token bucket: tokens and when they were counted, by Redis's clock so
// that every daemon counts alike; gone once it would be full again.
const RedisScript tokenScript(R"lua(
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local kept = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(kept[1]) or burst, tonumber(kept[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000000) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return wait
)lua");

} // namespace

const RedisScript& RedisLua::token()
{
    return tokenScript;
}

const RedisScript& RedisLua::claim()
{
    return claimScript;
}

const RedisScript& RedisLua::get()
{
    return getScript;
}

const RedisScript& RedisLua::mark()
{
    return markScript;
}

const RedisScript& RedisLua::release()
{
    return releaseScript;
}

const RedisScript& RedisLua::raise()
{
    return raiseScript;
}

const RedisScript& RedisLua::append()
{
    return appendScript;
}

const RedisScript& RedisLua::tail()
{
    return tailScript;
}

} // namespace hchat
