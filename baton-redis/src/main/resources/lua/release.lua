--[[
release.lua: lock.release (MemoryStore.release): the holder lets go, members are told, the lock is
handed on.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] child name
Result: {}. Refusal: NOT_HOLDER.
]]
B.open()
local c = B.find(ARGV[7])
if c then B.settle_h(c) end
if not c or not c.lock or c.lock.sessionId ~= ARGV[6] then
  return B.refuse(B.refusal('NOT_HOLDER', 'this session does not hold ' .. B.docId .. ':' .. ARGV[7]))
end
B.release(c)
return B.finish('{}')
