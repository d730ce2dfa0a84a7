-- expire: requeue tickets whose lease ran out (keeping their place), dead-letter those that lost too many
-- leases, and return reserved tickets to their skill's queue when the reservation ran out.
-- Atomic, so any number of gateway instances may run it at once; a second run finds nothing to do.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] waiting    zset: member -> score (take order)
-- KEYS[3] deadlines  zset: ticket id -> lease or reservation expiry
-- KEYS[4] owners     hash: conversation id -> owner JSON
-- KEYS[5] load       hash: agent id -> tickets held
-- KEYS[6] dead       zset: dead-lettered ticket id -> when
-- KEYS[7] events     stream of state changes
-- ARGV[1] now (ms)    ARGV[2] lost leases before dead-lettering    ARGV[3] most tickets handled per call
-- ARGV[4] stream max length
-- Returns a flat list: ticket id, outcome ('requeued' | 'dead_lettered' | 'unreserved'), ...
local now = tonumber(ARGV[1])
local out = {}
-- strictly before now: a lease is still valid at its expiry instant (the other scripts check expires < now)
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[3], id)
  local raw = redis.call('HGET', KEYS[1], id)
  local ticket = raw and cjson.decode(raw)
  local outcome
  if ticket and ticket.state == 'claimed' then
    local holder = ticket.agent_id
    redis.call('HINCRBY', KEYS[5], holder, '-1')
    ticket.lost_leases = string.format('%d', ticket.lost_leases + 1)
    ticket.agent_id = ''
    ticket.lease_token = ''
    ticket.lease_expires = '0'
    if tonumber(ticket.lost_leases) >= tonumber(ARGV[2]) then
      outcome = 'dead_lettered'
      ticket.state = 'dead'
      ticket.closed_at = ARGV[1]
      redis.call('ZADD', KEYS[6], ARGV[1], id)
      redis.call('HSET', KEYS[4], ticket.conversation_id,
        cjson.encode({owner = 'bot', ticket = id, cooldown_until = '0'}))
    else
      outcome = 'requeued'
      ticket.state = 'waiting'
      ticket.member = string.format('%012d', ticket.seq) .. '|' .. id .. '|' .. ticket.skill .. '|' .. ticket.lang .. '|'
      redis.call('ZADD', KEYS[2], ticket.score, ticket.member)
      redis.call('HSET', KEYS[4], ticket.conversation_id,
        cjson.encode({owner = 'queued', ticket = id, cooldown_until = '0'}))
    end
    redis.call('HSET', KEYS[1], id, cjson.encode(ticket))
    redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[4], '*', 'type', outcome, 'ticket_id', id,
      'conversation_id', ticket.conversation_id, 'agent_id', holder, 'ts', ARGV[1],
      'lost_leases', ticket.lost_leases)
  elseif ticket and ticket.state == 'waiting' and ticket.reserved_for ~= '' then
    outcome = 'unreserved'
    local was_for = ticket.reserved_for
    redis.call('ZREM', KEYS[2], ticket.member)
    ticket.reserved_for = ''
    ticket.member = string.format('%012d', ticket.seq) .. '|' .. id .. '|' .. ticket.skill .. '|' .. ticket.lang .. '|'
    redis.call('ZADD', KEYS[2], ticket.score, ticket.member)
    redis.call('HSET', KEYS[1], id, cjson.encode(ticket))
    redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[4], '*', 'type', outcome, 'ticket_id', id,
      'conversation_id', ticket.conversation_id, 'agent_id', was_for, 'ts', ARGV[1])
  end
  if outcome then
    out[#out + 1] = id
    out[#out + 1] = outcome
  end
end
return out
