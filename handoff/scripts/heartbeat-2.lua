-- heartbeat: extend the lease of a ticket the caller holds.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] deadlines  zset: ticket id -> lease expiry
-- ARGV[1] now (ms)    ARGV[2] ticket id    ARGV[3] agent id    ARGV[4] lease token    ARGV[5] lease_ms
-- Returns the new expiry. Errors: TICKET_NOT_FOUND, LEASE_LOST.
local now = tonumber(ARGV[1])
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return redis.error_reply('TICKET_NOT_FOUND ' .. ARGV[2]) end
local ticket = cjson.decode(raw)
if ticket.state ~= 'claimed' or ticket.agent_id ~= ARGV[3] or ticket.lease_token ~= ARGV[4]
    or tonumber(ticket.lease_expires) < now then
  return redis.error_reply('LEASE_LOST ' .. ARGV[2])
end
ticket.lease_expires = string.format('%d', now + tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], ticket.id, cjson.encode(ticket))
redis.call('ZADD', KEYS[2], ticket.lease_expires, ticket.id)
return ticket.lease_expires
