-- add_agent: register an agent under a unique name, with the hash of its bearer token.
-- KEYS[1] agents        hash: agent id -> agent JSON
-- KEYS[2] agent_names   hash: agent name -> agent id
-- KEYS[3] agent_tokens  hash: sha256 of a token -> agent id
-- ARGV[1] agent id    ARGV[2] name    ARGV[3] agent JSON    ARGV[4] token sha256 (hex)
-- Returns 1. Errors: NAME_TAKEN.
if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[1]) == 0 then
  return redis.error_reply('NAME_TAKEN ' .. ARGV[2])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[1])
return 1
