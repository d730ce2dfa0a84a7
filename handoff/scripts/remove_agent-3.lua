-- remove_agent: delete an agent and its token hash, so its bearer token stops working at once.
-- Tickets it holds are not touched: their leases run out and the sweeper requeues them.
-- KEYS[1] agents        hash: agent id -> agent JSON
-- KEYS[2] agent_names   hash: agent name -> agent id
-- KEYS[3] agent_tokens  hash: sha256 of a token -> agent id
-- ARGV[1] agent id
-- Returns 1. Errors: AGENT_NOT_FOUND.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return redis.error_reply('AGENT_NOT_FOUND ' .. ARGV[1]) end
local agent = cjson.decode(raw)
redis.call('HDEL', KEYS[2], agent.name)
redis.call('HDEL', KEYS[3], agent.token_sha256)
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
