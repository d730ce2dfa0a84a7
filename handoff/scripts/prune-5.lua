-- prune: retention. Forget tickets closed before a cutoff (with their context, and their owner entry once
-- idle) and audit events older than it. Every 16th close prunes up to 50; this catches up
-- on a queue that closes nothing for a while, and trims the event stream by age.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] contexts   hash: ticket id -> context JSON
-- KEYS[3] owners     hash: conversation id -> owner JSON
-- KEYS[4] closed     zset: closed ticket id -> when
-- KEYS[5] events     stream of state changes
-- ARGV[1] now (ms)    ARGV[2] cutoff (ms)    ARGV[3] most tickets pruned in one call
-- Returns {tickets pruned, events trimmed}.
local now = tonumber(ARGV[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(old) do
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then
    local conv = cjson.decode(raw).conversation_id
    local owner_raw = redis.call('HGET', KEYS[3], conv)
    if owner_raw then
      local owner = cjson.decode(owner_raw)
      if owner.ticket == id and owner.owner == 'bot' and tonumber(owner.cooldown_until) <= now then
        redis.call('HDEL', KEYS[3], conv)
      end
    end
  end
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[4], id)
end
local trimmed = redis.call('XTRIM', KEYS[5], 'MINID', ARGV[2])
return {#old, trimmed}
