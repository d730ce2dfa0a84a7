-- close: the agent holding a ticket resolves it or hands the conversation back to the bot.
-- Either way the bot owns the conversation again and may not escalate it before the cooldown ends.
-- KEYS[1] tickets       hash: ticket id -> ticket JSON
-- KEYS[2] contexts      hash: ticket id -> context JSON
-- KEYS[3] deadlines     zset: ticket id -> lease expiry
-- KEYS[4] owners        hash: conversation id -> owner JSON
-- KEYS[5] load          hash: agent id -> tickets held
-- KEYS[6] handle_log    list: 'skill|lang|ms' of recent claim-to-close durations, newest first
-- KEYS[7] closed        zset: closed ticket id -> when
-- KEYS[8] events        stream of state changes
-- KEYS[9] idem          stored reply for this idempotency key
-- ARGV[1] now (ms)    ARGV[2] ticket id    ARGV[3] agent id    ARGV[4] lease token
-- ARGV[5] outcome: 'resolved' or 'handed_back'    ARGV[6] resolution code    ARGV[7] note    ARGV[8] facts JSON
-- ARGV[9] cooldown_ms    ARGV[10] handling-time entries kept (all routes together; up to 64 more between trims)    ARGV[11] retention_ms of closed tickets
-- ARGV[12] stream max length    ARGV[13] idempotency ttl in ms (0: no idempotency key)
-- Returns the ticket JSON. Errors: TICKET_NOT_FOUND, LEASE_LOST.
local now = tonumber(ARGV[1])
local idem_ttl = tonumber(ARGV[13])
if idem_ttl > 0 then
  local cached = redis.call('GET', KEYS[9])
  if cached then return cached end
end
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return redis.error_reply('TICKET_NOT_FOUND ' .. ARGV[2]) end
local ticket = cjson.decode(raw)
if ticket.state ~= 'claimed' or ticket.agent_id ~= ARGV[3] or ticket.lease_token ~= ARGV[4]
    or tonumber(ticket.lease_expires) < now then
  return redis.error_reply('LEASE_LOST ' .. ARGV[2])
end

ticket.state = ARGV[5]
ticket.lease_token = ''
ticket.lease_expires = '0'
ticket.closed_at = ARGV[1]
ticket.code = ARGV[6]
ticket.note = ARGV[7]
ticket.facts = ARGV[8]
local encoded = cjson.encode(ticket)
redis.call('HSET', KEYS[1], ticket.id, encoded)
redis.call('ZREM', KEYS[3], ticket.id)
redis.call('HINCRBY', KEYS[5], ARGV[3], '-1')
local cooldown_until = string.format('%d', now + tonumber(ARGV[9]))
redis.call('HSET', KEYS[4], ticket.conversation_id,
  cjson.encode({owner = 'bot', ticket = ticket.id, cooldown_until = cooldown_until}))

-- the log may run up to 64 entries over its cap, so it is trimmed once per 64 closes, not on every close
local logged = redis.call('LPUSH', KEYS[6],
  ticket.skill .. '|' .. ticket.lang .. '|' .. string.format('%d', now - tonumber(ticket.claimed_at)))
if logged > tonumber(ARGV[10]) + 64 then redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[10]) - 1) end

redis.call('ZADD', KEYS[7], ARGV[1], ticket.id)
-- every 16th ticket's close forgets up to 50 tickets closed longer ago than the retention (with their owner
-- entry once it is idle): more than one per close on average, so the closed set keeps up with any rate
local old = {}
if tonumber(ticket.seq) % 16 == 0 then
  old = redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', string.format('%d', now - tonumber(ARGV[11])), 'LIMIT', 0, 50)
end
for _, id in ipairs(old) do
  local old_raw = redis.call('HGET', KEYS[1], id)
  if old_raw then
    local conv = cjson.decode(old_raw).conversation_id
    local owner_raw = redis.call('HGET', KEYS[4], conv)
    if owner_raw then
      local owner = cjson.decode(owner_raw)
      if owner.ticket == id and owner.owner == 'bot' and tonumber(owner.cooldown_until) <= now then
        redis.call('HDEL', KEYS[4], conv)
      end
    end
  end
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[7], id)
end

redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[12], '*', 'type', ARGV[5], 'ticket_id', ticket.id,
  'conversation_id', ticket.conversation_id, 'agent_id', ARGV[3], 'ts', ARGV[1],
  'code', ARGV[6], 'facts', ARGV[8])
if idem_ttl > 0 then redis.call('SET', KEYS[9], encoded, 'PX', idem_ttl) end
return encoded
