--[[
cancel.lua: lock.cancel (MemoryStore.cancel): leaves the wait queue, or withdraws the caller's
pending takeover.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] child name
Result: {}. Refusals: NOT_JOINED, BAD_REQUEST.
]]
B.open()
local c = B.find(ARGV[7])
local resource = B.docId .. ':' .. ARGV[7]
local m, notJoined = B.joined(c, ARGV[6], resource)
if not m then return B.refuse(notJoined) end
B.settle_h(c)
local cancelled = B.dequeue(c, ARGV[6])
if c.takeover and c.takeover.sessionId == ARGV[6] then
  c.takeover = nil
  cancelled = true
end
if not cancelled then
  return B.refuse(B.refusal('BAD_REQUEST',
    'nothing to cancel: this session is neither queued for nor taking over ' .. resource))
end
B.publish_lock(c)
return B.finish('{}')
