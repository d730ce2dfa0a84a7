-- enqueue: open a ticket for a conversation, or return the ticket it already has open.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] contexts   hash: ticket id -> context JSON
-- KEYS[3] waiting    zset: member -> score (take order)
-- KEYS[4] owners     hash: conversation id -> owner JSON
-- KEYS[5] seq        counter for ticket ids
-- KEYS[6] events     stream of state changes
-- KEYS[7] idem       stored reply for this idempotency key
-- ARGV[1] now (epoch ms)           ARGV[2] conversation id    ARGV[3] priority (integer)
-- ARGV[4] reasons (JSON list)      ARGV[5] skill              ARGV[6] lang
-- ARGV[7] segment                  ARGV[8] context (JSON)     ARGV[9] aging_ms (ms of waiting per priority point)
-- ARGV[10] stream max length       ARGV[11] idempotency ttl in ms (0: no idempotency key)
-- Returns JSON {"created": bool, "ticket": {...}}. Errors: COOLDOWN <until>.
local now = tonumber(ARGV[1])
local idem_ttl = tonumber(ARGV[11])
if idem_ttl > 0 then
  local cached = redis.call('GET', KEYS[7])
  if cached then return cached end
end

local function remember(reply)
  if idem_ttl > 0 then redis.call('SET', KEYS[7], reply, 'PX', idem_ttl) end
  return reply
end

local conv = ARGV[2]
local raw_owner = redis.call('HGET', KEYS[4], conv)
if raw_owner then
  local owner = cjson.decode(raw_owner)
  if owner.owner ~= 'bot' then
    return remember('{"created":false,"ticket":' .. redis.call('HGET', KEYS[1], owner.ticket) .. '}')
  end
  if tonumber(owner.cooldown_until) > now then
    return redis.error_reply('COOLDOWN ' .. owner.cooldown_until)
  end
end

local seq = redis.call('INCR', KEYS[5])
local id = string.format('t%d', seq)
local priority = tonumber(ARGV[3])
-- Aging is linear, so ordering by effective priority (priority + waiting_s / aging_s) equals ordering by
-- this time-independent score, lowest first: the place in the queue is fixed once, at enqueue.
local score = string.format('%d', now - priority * tonumber(ARGV[9]))
local member = string.format('%012d', seq) .. '|' .. id .. '|' .. ARGV[5] .. '|' .. ARGV[6] .. '|'
-- every field is a string (counters too): cjson prints numbers through slow printf('%.14g')
local ticket = {
  id = id, conversation_id = conv, state = 'waiting', priority = ARGV[3], reasons = ARGV[4],
  skill = ARGV[5], lang = ARGV[6], segment = ARGV[7], enqueued_at = ARGV[1], score = score, seq = string.format('%d', seq),
  member = member, reserved_for = '', agent_id = '', lease_token = '', lease_expires = '0',
  claimed_at = '0', lost_leases = '0', transfers = '0', closed_at = '0', code = '', note = '', facts = '{}'
}
local encoded = cjson.encode(ticket)
redis.call('HSET', KEYS[1], id, encoded)
redis.call('HSET', KEYS[2], id, ARGV[8])
redis.call('ZADD', KEYS[3], score, member)
redis.call('HSET', KEYS[4], conv, cjson.encode({owner = 'queued', ticket = id, cooldown_until = '0'}))
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[10], '*', 'type', 'enqueued', 'ticket_id', id,
  'conversation_id', conv, 'agent_id', '', 'ts', ARGV[1], 'skill', ARGV[5], 'lang', ARGV[6],
  'priority', ARGV[3])
return remember('{"created":true,"ticket":' .. encoded .. '}')
