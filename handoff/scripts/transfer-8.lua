-- transfer: move a held ticket to another skill's queue (keeping its place) and/or reserve it for one agent.
-- A reserved ticket goes to the head of the queue for that agent only, until the reservation expires.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] waiting    zset: member -> score (take order)
-- KEYS[3] deadlines  zset: ticket id -> lease or reservation expiry
-- KEYS[4] owners     hash: conversation id -> owner JSON
-- KEYS[5] agents     hash: agent id -> agent JSON
-- KEYS[6] load       hash: agent id -> tickets held
-- KEYS[7] events     stream of state changes
-- KEYS[8] idem       stored reply for this idempotency key
-- ARGV[1] now (ms)    ARGV[2] ticket id    ARGV[3] agent id    ARGV[4] lease token
-- ARGV[5] target agent id ('' = none)    ARGV[6] target skill ('' = keep)    ARGV[7] reservation ms
-- ARGV[8] stream max length    ARGV[9] idempotency ttl in ms (0: no idempotency key)
-- Returns the ticket JSON. Errors: TICKET_NOT_FOUND, LEASE_LOST, AGENT_NOT_FOUND.
local now = tonumber(ARGV[1])
local idem_ttl = tonumber(ARGV[9])
if idem_ttl > 0 then
  local cached = redis.call('GET', KEYS[8])
  if cached then return cached end
end
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return redis.error_reply('TICKET_NOT_FOUND ' .. ARGV[2]) end
local ticket = cjson.decode(raw)
if ticket.state ~= 'claimed' or ticket.agent_id ~= ARGV[3] or ticket.lease_token ~= ARGV[4]
    or tonumber(ticket.lease_expires) < now then
  return redis.error_reply('LEASE_LOST ' .. ARGV[2])
end
local to_agent, to_skill = ARGV[5], ARGV[6]
if to_agent ~= '' and redis.call('HEXISTS', KEYS[5], to_agent) == 0 then
  return redis.error_reply('AGENT_NOT_FOUND ' .. to_agent)
end

if to_skill ~= '' then ticket.skill = to_skill end
ticket.state = 'waiting'
ticket.agent_id = ''
ticket.lease_token = ''
ticket.lease_expires = '0'
ticket.reserved_for = to_agent
ticket.transfers = string.format('%d', ticket.transfers + 1)
ticket.member = string.format('%012d', ticket.seq) .. '|' .. ticket.id .. '|' .. ticket.skill .. '|' .. ticket.lang
  .. '|' .. to_agent
local score = ticket.score
if to_agent ~= '' then
  -- ahead of every ordinary ticket; the original score comes back when the reservation ends
  score = string.format('%d', tonumber(ticket.score) - 1e15)
  redis.call('ZADD', KEYS[3], string.format('%d', now + tonumber(ARGV[7])), ticket.id)
else
  redis.call('ZREM', KEYS[3], ticket.id)
end
local encoded = cjson.encode(ticket)
redis.call('HSET', KEYS[1], ticket.id, encoded)
redis.call('ZADD', KEYS[2], score, ticket.member)
redis.call('HINCRBY', KEYS[6], ARGV[3], '-1')
redis.call('HSET', KEYS[4], ticket.conversation_id,
  cjson.encode({owner = 'queued', ticket = ticket.id, cooldown_until = '0'}))
redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[8], '*', 'type', 'transferred', 'ticket_id', ticket.id,
  'conversation_id', ticket.conversation_id, 'agent_id', ARGV[3], 'ts', ARGV[1],
  'to_agent', to_agent, 'skill', ticket.skill)
if idem_ttl > 0 then redis.call('SET', KEYS[8], encoded, 'PX', idem_ttl) end
return encoded
