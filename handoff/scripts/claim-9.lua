-- claim: give an agent the first waiting ticket it may take (or the one it names), with a fresh lease.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] contexts   hash: ticket id -> context JSON
-- KEYS[3] waiting    zset: member -> score (take order)
-- KEYS[4] deadlines  zset: ticket id -> lease expiry
-- KEYS[5] owners     hash: conversation id -> owner JSON
-- KEYS[6] agents     hash: agent id -> agent JSON
-- KEYS[7] load       hash: agent id -> tickets held
-- KEYS[8] events     stream of state changes
-- KEYS[9] idem       stored reply for this idempotency key
-- ARGV[1] now (ms)        ARGV[2] agent id       ARGV[3] ticket id ('' = the first that fits)
-- ARGV[4] new lease token                   ARGV[5] lease_ms
-- ARGV[6] stream max length                 ARGV[7] scan batch size
-- ARGV[8] idempotency ttl in ms (0: no idempotency key); only a successful claim is remembered
-- Returns JSON {"ticket": {...}, "context": {...}} or nil when nothing fits (or the agent is full).
-- Errors: AGENT_NOT_FOUND, TICKET_NOT_FOUND, NOT_ALLOWED <why> (only when a ticket id was named).
local now = tonumber(ARGV[1])
local idem_ttl = tonumber(ARGV[8])
if idem_ttl > 0 then
  local cached = redis.call('GET', KEYS[9])
  if cached then return cached end
end
local agent_id = ARGV[2]
local wanted = ARGV[3]

local raw_agent = redis.call('HGET', KEYS[6], agent_id)
if not raw_agent then return redis.error_reply('AGENT_NOT_FOUND ' .. agent_id) end
local agent = cjson.decode(raw_agent)
local skills, langs = {}, {}
for _, s in ipairs(agent.skills) do skills[s] = true end
for _, l in ipairs(agent.langs) do langs[l] = true end

local function fits(member)
  local _, _, skill, lang, reserved_for = string.match(member, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  if reserved_for ~= '' then return reserved_for == agent_id end
  return skills[skill] == true and langs[lang] == true
end

local full = tonumber(redis.call('HGET', KEYS[7], agent_id) or '0') >= tonumber(agent.capacity)
local ticket
if wanted ~= '' then
  local raw = redis.call('HGET', KEYS[1], wanted)
  if not raw then return redis.error_reply('TICKET_NOT_FOUND ' .. wanted) end
  ticket = cjson.decode(raw)
  if ticket.state ~= 'waiting' then return redis.error_reply('NOT_ALLOWED ticket is ' .. ticket.state) end
  if not fits(ticket.member) then return redis.error_reply('NOT_ALLOWED ticket does not fit this agent') end
  if full then return redis.error_reply('NOT_ALLOWED agent is at capacity') end
else
  if full then return nil end
  -- usually the head fits: read a few members first, then larger pages up to the scan batch size
  local batch, largest = 16, tonumber(ARGV[7])
  local start = 0
  while not ticket do
    local members = redis.call('ZRANGE', KEYS[3], string.format('%d', start), string.format('%d', start + batch - 1))
    for _, member in ipairs(members) do
      if fits(member) then
        ticket = cjson.decode(redis.call('HGET', KEYS[1], string.match(member, '^[^|]*|([^|]*)|')))
        break
      end
    end
    if not ticket and #members < batch then return nil end
    start = start + batch
    batch = math.min(batch * 4, largest)
  end
end

local expires = now + tonumber(ARGV[5])
redis.call('ZREM', KEYS[3], ticket.member)
ticket.state = 'claimed'
ticket.agent_id = agent_id
ticket.reserved_for = ''
ticket.lease_token = ARGV[4]
ticket.lease_expires = string.format('%d', expires)
ticket.claimed_at = ARGV[1]
local encoded = cjson.encode(ticket)
redis.call('HSET', KEYS[1], ticket.id, encoded)
redis.call('ZADD', KEYS[4], ticket.lease_expires, ticket.id)
redis.call('HINCRBY', KEYS[7], agent_id, '1')
redis.call('HSET', KEYS[5], ticket.conversation_id,
  cjson.encode({owner = 'agent', ticket = ticket.id, cooldown_until = '0'}))
redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[6], '*', 'type', 'claimed', 'ticket_id', ticket.id,
  'conversation_id', ticket.conversation_id, 'agent_id', agent_id, 'ts', ARGV[1])
-- the context is a JSON object checked before it was stored: it goes into the reply as it is, unescaped
local reply = '{"ticket":' .. encoded .. ',"context":' .. (redis.call('HGET', KEYS[2], ticket.id) or '{}') .. '}'
if idem_ttl > 0 then redis.call('SET', KEYS[9], reply, 'PX', idem_ttl) end
return reply
