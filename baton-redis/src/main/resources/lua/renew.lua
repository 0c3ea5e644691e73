--[[
renew.lua: lock.renew (MemoryStore.renew): extends the caller's lock by its TTL from now if the
token is still current. Never recreates a lock.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] child name
ARGV[8] the fencing token, decimal
Result: {lease}. Refusal: LOCK_LOST.
]]
B.open()
local c = B.find(ARGV[7])
if c then B.settle_h(c) end
if not c or not c.lock or c.lock.sessionId ~= ARGV[6] or c.lock.token ~= tonumber(ARGV[8]) then
  return B.refuse(B.refusal('LOCK_LOST', 'token ' .. ARGV[8] .. ' is no longer current for '
    .. B.docId .. ':' .. ARGV[7] .. ': stop editing'))
end
B.renew(c)
return B.finish('{"lease":' .. B.lease_json(c) .. '}')
