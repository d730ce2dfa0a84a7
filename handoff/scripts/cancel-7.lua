-- cancel: the shopper left; close the conversation's open ticket wherever it is.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] waiting    zset: member -> score (take order)
-- KEYS[3] deadlines  zset: ticket id -> lease or reservation expiry
-- KEYS[4] owners     hash: conversation id -> owner JSON
-- KEYS[5] load       hash: agent id -> tickets held
-- KEYS[6] closed     zset: closed ticket id -> when
-- KEYS[7] events     stream of state changes
-- ARGV[1] now (ms)    ARGV[2] conversation id    ARGV[3] stream max length
-- Returns the cancelled ticket JSON, or nil when the conversation had no open ticket (repeating is harmless).
local raw_owner = redis.call('HGET', KEYS[4], ARGV[2])
if not raw_owner then return nil end
local owner = cjson.decode(raw_owner)
if owner.owner == 'bot' then return nil end
local ticket = cjson.decode(redis.call('HGET', KEYS[1], owner.ticket))
local holder = ticket.agent_id
if ticket.state == 'waiting' then
  redis.call('ZREM', KEYS[2], ticket.member)
elseif ticket.state == 'claimed' then
  redis.call('HINCRBY', KEYS[5], holder, '-1')
end
redis.call('ZREM', KEYS[3], ticket.id)
ticket.state = 'cancelled'
ticket.reserved_for = ''
ticket.lease_token = ''
ticket.lease_expires = '0'
ticket.closed_at = ARGV[1]
local encoded = cjson.encode(ticket)
redis.call('HSET', KEYS[1], ticket.id, encoded)
redis.call('HSET', KEYS[4], ARGV[2], cjson.encode({owner = 'bot', ticket = ticket.id, cooldown_until = '0'}))
redis.call('ZADD', KEYS[6], ARGV[1], ticket.id)
redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[3], '*', 'type', 'cancelled', 'ticket_id', ticket.id,
  'conversation_id', ARGV[2], 'agent_id', holder, 'ts', ARGV[1])
return encoded
