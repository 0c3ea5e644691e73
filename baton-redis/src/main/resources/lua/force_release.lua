--[[
force_release.lua: an admin's force release (MemoryStore.forceRelease): the holder gets
lock.revoked, then the lock is handed on as after any release.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] child name
ARGV[7] the acting admin as JSON {userId, name, sessionId?}, or '' when unknown
ARGV[8] the stated reason
Result: {}. Refusal: NOT_HOLDER.
]]
B.open()
local c = B.find(ARGV[6])
if c then B.settle_h(c) end
if not c or not c.lock then
  return B.refuse(B.refusal('NOT_HOLDER', 'nobody holds ' .. B.docId .. ':' .. ARGV[6]))
end
local by = nil
if ARGV[7] ~= '' then
  local a = cjson.decode(ARGV[7])
  by = B.holder_json(a.userId, a.name, a.sessionId)
end
B.revoke(c, by, ARGV[8], 'released')
B.publish_lock(c)
return B.finish('{}')
