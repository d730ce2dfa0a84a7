-- release: an agent gives a ticket back to the queue; it returns to its original place.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] waiting    zset: member -> score (take order)
-- KEYS[3] deadlines  zset: ticket id -> lease expiry
-- KEYS[4] owners     hash: conversation id -> owner JSON
-- KEYS[5] load       hash: agent id -> tickets held
-- KEYS[6] events     stream of state changes
-- KEYS[7] idem       stored reply for this idempotency key
-- ARGV[1] now (ms)    ARGV[2] ticket id    ARGV[3] agent id    ARGV[4] lease token
-- ARGV[5] stream max length    ARGV[6] idempotency ttl in ms (0: no idempotency key)
-- Returns the ticket JSON. Errors: TICKET_NOT_FOUND, LEASE_LOST.
local now = tonumber(ARGV[1])
local idem_ttl = tonumber(ARGV[6])
if idem_ttl > 0 then
  local cached = redis.call('GET', KEYS[7])
  if cached then return cached end
end
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return redis.error_reply('TICKET_NOT_FOUND ' .. ARGV[2]) end
local ticket = cjson.decode(raw)
if ticket.state ~= 'claimed' or ticket.agent_id ~= ARGV[3] or ticket.lease_token ~= ARGV[4]
    or tonumber(ticket.lease_expires) < now then
  return redis.error_reply('LEASE_LOST ' .. ARGV[2])
end

ticket.state = 'waiting'
ticket.agent_id = ''
ticket.lease_token = ''
ticket.lease_expires = '0'
ticket.member = string.format('%012d', ticket.seq) .. '|' .. ticket.id .. '|' .. ticket.skill .. '|' .. ticket.lang .. '|'
local encoded = cjson.encode(ticket)
redis.call('HSET', KEYS[1], ticket.id, encoded)
redis.call('ZADD', KEYS[2], ticket.score, ticket.member)
redis.call('ZREM', KEYS[3], ticket.id)
redis.call('HINCRBY', KEYS[5], ARGV[3], '-1')
redis.call('HSET', KEYS[4], ticket.conversation_id,
  cjson.encode({owner = 'queued', ticket = ticket.id, cooldown_until = '0'}))
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[5], '*', 'type', 'released', 'ticket_id', ticket.id,
  'conversation_id', ticket.conversation_id, 'agent_id', ARGV[3], 'ts', ARGV[1])
if idem_ttl > 0 then redis.call('SET', KEYS[7], encoded, 'PX', idem_ttl) end
return encoded
