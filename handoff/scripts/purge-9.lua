-- purge: erase a conversation from the queue (a data-subject erasure): its tickets, contexts, owner entry and
-- audit events, wherever they are. An agent holding one loses it (load released). Emits no event: an event
-- would name the conversation again.
-- KEYS[1] tickets    hash: ticket id -> ticket JSON
-- KEYS[2] contexts   hash: ticket id -> context JSON
-- KEYS[3] waiting    zset: member -> score (take order)
-- KEYS[4] deadlines  zset: ticket id -> lease or reservation expiry
-- KEYS[5] owners     hash: conversation id -> owner JSON
-- KEYS[6] load       hash: agent id -> tickets held
-- KEYS[7] dead       zset: dead-lettered ticket id -> when
-- KEYS[8] closed     zset: closed ticket id -> when
-- KEYS[9] events     stream of state changes
-- ARGV[1] conversation id    ARGV[2] stream entries read per step
-- Returns {ticket ids removed..., '|', number of events removed}. Reads the whole tickets hash and event stream:
-- an erasure is rare, and both are bounded (closed-ticket retention, stream MAXLEN).
local conv = ARGV[1]
local removed = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local ticket = cjson.decode(all[i + 1])
  if ticket.conversation_id == conv then
    if ticket.state == 'waiting' then
      redis.call('ZREM', KEYS[3], ticket.member)
    elseif ticket.state == 'claimed' and ticket.agent_id ~= '' then
      redis.call('HINCRBY', KEYS[6], ticket.agent_id, '-1')
    end
    redis.call('ZREM', KEYS[4], ticket.id)
    redis.call('ZREM', KEYS[7], ticket.id)
    redis.call('ZREM', KEYS[8], ticket.id)
    redis.call('HDEL', KEYS[1], ticket.id)
    redis.call('HDEL', KEYS[2], ticket.id)
    removed[#removed + 1] = ticket.id
  end
end
redis.call('HDEL', KEYS[5], conv)
local events = 0
local start = '-'
local step = tonumber(ARGV[2])
while true do
  local entries = redis.call('XRANGE', KEYS[9], start, '+', 'COUNT', step)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    for j = 1, #fields, 2 do
      if fields[j] == 'conversation_id' and fields[j + 1] == conv then
        redis.call('XDEL', KEYS[9], entry[1])
        events = events + 1
      end
    end
  end
  if #entries < step then break end
  start = '(' .. entries[#entries][1]
end
removed[#removed + 1] = '|'
removed[#removed + 1] = tostring(events)
return removed
