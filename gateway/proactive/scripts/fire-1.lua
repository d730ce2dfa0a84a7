-- Check the limits of one rule for one visitor and, if they allow it, count the firing.
-- Atomic, so two gateway instances can never both fire past a cap.
-- Mirrors gateway/proactive/engine.py (refusal, count).
-- KEYS[1]  the visitor's limits hash
-- ARGV[1]  rule id
-- ARGV[2]  session number
-- ARGV[3]  day (YYYYMMDD, UTC)
-- ARGV[4]  now (seconds)
-- ARGV[5]  the rule's cooldown (seconds)
-- ARGV[6]  daily budget
-- ARGV[7]  TTL of the hash (seconds)
-- Returns 'ok', or the refusal: 'session', 'cooldown' or 'budget'.
local rule, session, day = ARGV[1], ARGV[2], ARGV[3]
local now, cooldown, budget = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if redis.call('hexists', KEYS[1], 's:' .. session .. ':' .. rule) == 1 then return 'session' end
local until_ts = tonumber(redis.call('hget', KEYS[1], 'c:' .. rule) or '0')
if until_ts > now then return 'cooldown' end
local today = tonumber(redis.call('hget', KEYS[1], 'd:' .. day) or '0')
if today >= budget then return 'budget' end
redis.call('hset', KEYS[1], 's:' .. session .. ':' .. rule, 1, 'c:' .. rule, tostring(now + cooldown))
redis.call('hincrby', KEYS[1], 'd:' .. day, 1)
redis.call('expire', KEYS[1], tonumber(ARGV[7]))
return 'ok'
