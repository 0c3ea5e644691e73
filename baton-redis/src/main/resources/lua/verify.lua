--[[
verify.lua: the save guard (MemoryStore.verify): whether a token is the current holder's on an
unexpired lock, else why not (superseded, expired, released, unknown).

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] child name
ARGV[7] the fencing token, decimal
Result: {valid, reason, holder, lock} (lock absent for a resource never touched).
]]
B.open()
local c = B.find(ARGV[6])
if not c then return B.finish('{"valid":false,"reason":"unknown"}') end
B.settle_h(c)
local lock = B.lock_json(c)
local token = tonumber(ARGV[7])
if c.lock and c.lock.token == token then
  return B.finish('{"valid":true,"holder":' .. B.holder_json(c.lock.userId, c.lock.name, c.lock.sessionId)
    .. ',"lock":' .. lock .. '}')
end
local reason
if token > 0 and token < c.lastGranted then
  reason = 'superseded'
elseif token == c.lastEnded and c.lastEndReason then
  reason = c.lastEndReason
else
  reason = 'unknown'
end
return B.finish('{"valid":false,"reason":"' .. reason .. '","lock":' .. lock .. '}')
