/**
 * The Lua script behind every shared send decision: one EVALSHA applies what this process learned
 * since its last call (answers, server headers, Retry-After pauses) and then decides, atomically for
 * every process, whether the next send may go. It computes exactly what `RateLimiter` computes in one
 * process (`resilience/rate-limiter.ts`, `sliding-window.ts`, `token-bucket.ts`):
 *
 * - the wait is the longest of the pause, the server's window when it said nothing is left, and each
 *   window's own wait; nothing is consumed unless every one of them is 0;
 * - a sliding window is a sorted set of acquisition times (members name the acquisition, so an answer
 *   moves exactly the entries of its own send); an entry stops counting once `now - t >= interval`;
 * - a token bucket is a hash `{ tokens, last }` refilled at `limit / interval` per ms.
 *
 * One difference, on purpose: the single-process limiter pins entries that lie in the future to `now`
 * (its clock stepped back), and a token bucket moves its reference time back with such a clock. Shared
 * by several hosts, either would let a host whose clock lags shorten the entries or mint the tokens of
 * the others, so here a future entry counts until its time has passed and the reference only moves on.
 *
 * KEYS: pause, server, then one key per window.
 * ARGV: now, cost (0: apply the operations only), marginMs, member prefix, window count, then per window
 * `limit interval kind` (kind 1 = sliding, 2 = token bucket), then operations, each a tag and fields:
 * `c t prefix cost remaining resetAfterMs` (an answer at t; remaining/reset '' when absent),
 * `p t ms` (a pause asked at t).
 * Numbers are passed to Redis as Lua numbers, never through `tostring` (14 digits): Redis converts them
 * exactly, so times and token counts keep full double precision.
 * Returns the wait in ms (0: granted and counted).
 * @module
 */
export const LIMITER_SCRIPT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local margin = tonumber(ARGV[3])
local prefix = ARGV[4]
local n = tonumber(ARGV[5])
local SLACK = 1000
local EPSILON = 1e-9

local windows = {}
for i = 1, n do
  local at = 5 + (i - 1) * 3
  windows[i] = { key = KEYS[2 + i], limit = tonumber(ARGV[at + 1]),
    interval = tonumber(ARGV[at + 2]) + margin, kind = tonumber(ARGV[at + 3]) }
end

local function set_pause(untilAt)
  local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
  if untilAt > current then
    redis.call('SET', KEYS[1], untilAt, 'PX', math.max(1, math.ceil(untilAt - now)) + SLACK)
  end
end

local function set_server(t, remaining, resetAfter)
  local resetAt = t + resetAfter + margin
  redis.call('HSET', KEYS[2], 'remaining', math.floor(remaining), 'resetAt', resetAt)
  redis.call('PEXPIRE', KEYS[2], math.max(1, math.ceil(resetAt - now)) + SLACK)
end

-- Operations recorded since the last call, in the order they happened.
local i = 6 + n * 3
while i <= #ARGV do
  local tag = ARGV[i]
  if tag == 'c' then
    local t, owner, count = tonumber(ARGV[i + 1]), ARGV[i + 2], tonumber(ARGV[i + 3])
    for _, w in ipairs(windows) do
      if w.kind == 1 then
        for j = 1, count do redis.call('ZADD', w.key, 'XX', 'GT', t, owner .. ':' .. j) end
      end
    end
    if ARGV[i + 4] ~= '' and ARGV[i + 5] ~= '' then
      set_server(t, tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5]))
    end
    i = i + 6
  elseif tag == 'p' then
    set_pause(tonumber(ARGV[i + 1]) + tonumber(ARGV[i + 2]) + margin)
    i = i + 3
  else
    return redis.error_reply('unknown limiter operation ' .. tostring(tag))
  end
end
if cost == 0 then return 0 end

local wait = 0
local pausedUntil = tonumber(redis.call('GET', KEYS[1]) or '-1')
if pausedUntil > now then wait = pausedUntil - now end

local server = redis.call('HMGET', KEYS[2], 'remaining', 'resetAt')
local serverActive = false
if server[1] and server[2] then
  local resetAt = tonumber(server[2])
  if now >= resetAt then
    redis.call('DEL', KEYS[2])
  else
    serverActive = true
    if tonumber(server[1]) < cost then wait = math.max(wait, resetAt - now) end
  end
end

local buckets = {}
for k, w in ipairs(windows) do
  if w.kind == 1 then
    redis.call('ZREMRANGEBYSCORE', w.key, '-inf', now - w.interval)
    local excess = redis.call('ZCARD', w.key) + cost - w.limit
    if excess > 0 then
      local entry = redis.call('ZRANGE', w.key, excess - 1, excess - 1, 'WITHSCORES')
      wait = math.max(wait, math.ceil(tonumber(entry[2]) + w.interval - now))
    end
  else
    local state = redis.call('HMGET', w.key, 'tokens', 'last')
    local tokens = tonumber(state[1] or w.limit)
    local last = tonumber(state[2] or now)
    if now > last then tokens = math.min(w.limit, tokens + (now - last) * w.limit / w.interval) end
    buckets[k] = { tokens = tokens, last = math.max(now, last) }
    local deficit = cost - tokens
    if deficit > EPSILON then wait = math.max(wait, math.ceil(deficit * w.interval / w.limit)) end
  end
end

wait = math.ceil(wait)
if wait > 0 then
  -- Nothing is consumed; the refill is kept so the next decision starts from the same point.
  for k, w in ipairs(windows) do
    if w.kind == 2 then
      redis.call('HSET', w.key, 'tokens', buckets[k].tokens, 'last', buckets[k].last)
      redis.call('PEXPIRE', w.key, math.ceil(w.interval) + SLACK)
    end
  end
  return wait
end

for k, w in ipairs(windows) do
  if w.kind == 1 then
    for j = 1, cost do redis.call('ZADD', w.key, now, prefix .. ':' .. j) end
    local size = redis.call('ZCARD', w.key)
    if size > w.limit then redis.call('ZREMRANGEBYRANK', w.key, 0, size - w.limit - 1) end
    redis.call('PEXPIRE', w.key, math.ceil(w.interval) + SLACK)
  else
    local b = buckets[k]
    redis.call('HSET', w.key, 'tokens', math.max(0, b.tokens - cost), 'last', b.last)
    redis.call('PEXPIRE', w.key, math.ceil(w.interval) + SLACK)
  end
end
if serverActive then redis.call('HINCRBY', KEYS[2], 'remaining', -cost) end
return 0
`;
