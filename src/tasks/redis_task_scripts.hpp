// The Lua scripts of the Redis task store (redis_task_store.cpp). Each read-modify-write of a task
// runs as one script, so it is atomic across replicas. Scripts never decode JSON (Redis's cjson
// turns [] into {} and rounds big integers): every JSON value is an opaque string in its own hash
// field, "req:<key>" (a question), "res:<key>" (an answer), "ask:<key>" (the order it was asked in).
// Times come from Redis's TIME, one clock for every replica. Standalone Redis only: create and
// list touch task hashes named from sorted-set members, not passed in KEYS (no Redis Cluster).
#pragma once

#include <string_view>

namespace arcade_mcp::tasks::redis_scripts {

/// The outcomes the scripts write: cancel, and a stale runner found by a reader.
inline constexpr std::string_view cancelled_outcome = R"({"error":{"code":-32800,"message":"Task cancelled"}})";
inline constexpr std::string_view stale_outcome =
    R"({"error":{"code":-32603,"message":"The server running this task stopped before it finished"}})";

/// Prepended to every script: the clock, the terminal test, and the bookkeeping of a change.
inline constexpr std::string_view lua_prelude = R"lua(
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function int(n) return string.format('%d', n) end
local function terminal(s) return s == 'completed' or s == 'failed' or s == 'cancelled' end
local function changed(k, now)
  local last = tonumber(redis.call('HGET', k, 'last_updated_at_ms')) or 0
  if now > last then redis.call('HSET', k, 'last_updated_at_ms', int(now)) end
  redis.call('HINCRBY', k, 'version', 1)
end
-- A non-terminal task whose runner has been silent longer than stale_after (ms, > 0) fails.
local function fail_if_stale(k, now, stale_after, outcome)
  if stale_after <= 0 then return end
  local f = redis.call('HMGET', k, 'status', 'heartbeat_ms', 'created_at_ms')
  if not f[1] or terminal(f[1]) then return end
  local last = tonumber(f[2]) or 0
  if last == 0 then last = tonumber(f[3]) or 0 end
  if now - last > stale_after then
    redis.call('HSET', k, 'status', 'failed', 'outcome', outcome)
    changed(k, now)
  end
end
local function keep_until(k, t)
  if redis.call('PEXPIRETIME', k) < t then redis.call('PEXPIREAT', k, int(t)) end
end
)lua";

/// KEYS: task hash, owner's set (score: creation number), all tasks (score: expiry), the creation
/// counter. ARGV: id, owner, ttl ms, poll interval ms, runner, max per owner, max total, key prefix.
/// Returns the new hash (HGETALL) or 'owner_cap' / 'total_cap' / 'exists'.
inline constexpr std::string_view lua_create = R"lua(
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. int(now))
local live = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', ARGV[8] .. id) == 1 then live = live + 1 else redis.call('ZREM', KEYS[2], id) end
end
if live >= tonumber(ARGV[6]) then return 'owner_cap' end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then return 'total_cap' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
local expires = now + tonumber(ARGV[3])
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'owner', ARGV[2], 'status', 'working', 'status_message', '',
  'created_at_ms', int(now), 'last_updated_at_ms', int(now), 'ttl_ms', ARGV[3], 'poll_interval_ms', ARGV[4],
  'outcome', '', 'cancel_requested', '0', 'runner', ARGV[5], 'heartbeat_ms', '0', 'version', '1')
redis.call('PEXPIREAT', KEYS[1], int(expires))
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], int(expires), ARGV[1])
keep_until(KEYS[2], expires)
keep_until(KEYS[3], expires)
return redis.call('HGETALL', KEYS[1])
)lua";

/// KEYS: task hash. ARGV: owner, stale_after ms, the stale outcome. The hash (after the stale
/// check) or nil when unknown or another owner's.
inline constexpr std::string_view lua_get = R"lua(
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return false end
fail_if_stale(KEYS[1], now_ms(), tonumber(ARGV[2]), ARGV[3])
return redis.call('HGETALL', KEYS[1])
)lua";

/// KEYS: owner's set. ARGV: owner, min score ('-inf' or '(' .. n), how many, key prefix,
/// stale_after ms, the stale outcome. Returns {{score, hash}, ...}; drops members whose hash is gone.
inline constexpr std::string_view lua_list = R"lua(
local out, from, want, now = {}, ARGV[2], tonumber(ARGV[3]), now_ms()
while #out < want do
  local batch = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES', 'LIMIT', 0, want - #out)
  if #batch == 0 then break end
  for i = 1, #batch, 2 do
    local k = ARGV[4] .. batch[i]
    if redis.call('HGET', k, 'owner') == ARGV[1] then
      fail_if_stale(k, now, tonumber(ARGV[5]), ARGV[6])
      out[#out + 1] = {batch[i + 1], redis.call('HGETALL', k)}
    else
      redis.call('ZREM', KEYS[1], batch[i])
    end
    from = '(' .. batch[i + 1]
  end
end
return out
)lua";

/// KEYS: task hash. ARGV: owner, then key, answer pairs. The keys accepted, or nil when unknown.
inline constexpr std::string_view lua_answer = R"lua(
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return false end
local accepted = {}
local status = redis.call('HGET', KEYS[1], 'status')
if terminal(status) then return accepted end
for i = 2, #ARGV - 1, 2 do
  if redis.call('HDEL', KEYS[1], 'req:' .. ARGV[i]) == 1 then
    redis.call('HSET', KEYS[1], 'res:' .. ARGV[i], ARGV[i + 1])
    accepted[#accepted + 1] = ARGV[i]
  end
end
if #accepted == 0 then return accepted end
if status == 'input_required' then
  local open = false
  for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(f, 1, 4) == 'req:' then open = true break end
  end
  if not open then redis.call('HSET', KEYS[1], 'status', 'working') end
end
changed(KEYS[1], now_ms())
return accepted
)lua";

/// KEYS: task hash. ARGV: owner, the cancelled outcome. The hash after, or nil when unknown.
inline constexpr std::string_view lua_cancel = R"lua(
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return false end
if not terminal(redis.call('HGET', KEYS[1], 'status')) then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'outcome', ARGV[2], 'cancel_requested', '1')
  changed(KEYS[1], now_ms())
end
return redis.call('HGETALL', KEYS[1])
)lua";

/// KEYS: task hash. ARGV: message. 1, or 0 when gone or terminal.
inline constexpr std::string_view lua_status_message = R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
if not status or terminal(status) then return 0 end
if redis.call('HGET', KEYS[1], 'status_message') ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'status_message', ARGV[1])
  changed(KEYS[1], now_ms())
end
return 1
)lua";

/// KEYS: task hash. ARGV: key, question pairs (keys asked before are ignored). 1, or 0 when gone
/// or terminal.
inline constexpr std::string_view lua_ask = R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
if not status or terminal(status) then return 0 end
local asked, open, added = 0, false, false
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  local p = string.sub(f, 1, 4)
  if p == 'ask:' then asked = asked + 1 elseif p == 'req:' then open = true end
end
for i = 1, #ARGV - 1, 2 do
  if redis.call('HEXISTS', KEYS[1], 'ask:' .. ARGV[i]) == 0 then
    asked = asked + 1
    redis.call('HSET', KEYS[1], 'ask:' .. ARGV[i], int(asked), 'req:' .. ARGV[i], ARGV[i + 1])
    open, added = true, true
  end
end
if open and status ~= 'input_required' then
  redis.call('HSET', KEYS[1], 'status', 'input_required')
  added = true
end
if added then changed(KEYS[1], now_ms()) end
return 1
)lua";

/// KEYS: task hash. Removes the answers; returns {key, answer, ...}.
inline constexpr std::string_view lua_take_answers = R"lua(
local out = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 4) == 'res:' then
    out[#out + 1] = string.sub(all[i], 5)
    out[#out + 1] = all[i + 1]
    redis.call('HDEL', KEYS[1], all[i])
  end
end
if #out > 0 then changed(KEYS[1], now_ms()) end
return out
)lua";

/// KEYS: task hash. ARGV: terminal status, outcome. 1, or 0 when gone or already terminal.
inline constexpr std::string_view lua_finish = R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
if not status or terminal(status) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'outcome', ARGV[2])
changed(KEYS[1], now_ms())
return 1
)lua";

/// KEYS: task hashes. heartbeat_ms = now on those that still exist (not a change: no version bump).
inline constexpr std::string_view lua_heartbeat = R"lua(
local now = int(now_ms())
for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 then redis.call('HSET', k, 'heartbeat_ms', now) end
end
return 0
)lua";

/// KEYS: all tasks (score: expiry). Drops the expired, returns how many are left.
inline constexpr std::string_view lua_size = R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. int(now_ms()))
return redis.call('ZCARD', KEYS[1])
)lua";

}  // namespace arcade_mcp::tasks::redis_scripts
