--[[
takeover.lua: lock.takeover (MemoryStore.takeover), the caller already checked for the admin or
emergency role. A free lock is granted like acquire (no per-user limit); immediate transfers at
once; otherwise the holder is asked and the lock passes at the deadline.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] child name
ARGV[8] the stated reason
ARGV[9] immediate: '1' or '0'
Result: {granted: lease} or {pending: {deadline (epoch ms), remainingMs}}.
Refusals: NOT_JOINED, TAKEOVER_PENDING, LOCK_HELD (document hierarchy).
]]
B.open()
local c = B.find(ARGV[7])
local resource = B.docId .. ':' .. ARGV[7]
local m, notJoined = B.joined(c, ARGV[6], resource)
if not m then return B.refuse(notJoined) end
local s = B.who(m)
local reason = ARGV[8]
local immediate = ARGV[9] == '1'
B.settle_h(c)
if not c.lock or c.lock.sessionId == s.id then
  if not c.lock then
    local blocked = B.blocker(s, c, true)
    if blocked then return B.refuse(blocked) end
    B.grant(s, c)
    B.publish_lock(c)
  end
  return B.finish('{"granted":' .. B.lease_json(c) .. '}')
end
if c.takeover and not (immediate and c.takeover.sessionId == s.id) then
  return B.refuse(B.refusal('TAKEOVER_PENDING', c.takeover.name .. ' is already taking over ' .. resource))
end
if immediate then
  local blocked = B.hierarchy_blocker(s, c)
  if blocked then return B.refuse(blocked) end
  c.takeover = nil
  B.transfer(c, s, reason, false)
  return B.finish('{"granted":' .. B.lease_json(c) .. '}')
end
local blocked = B.hierarchy_blocker(s, c)
if blocked then return B.refuse(blocked) end
c.takeover = { userId = s.userId, name = s.name, sessionId = s.id, reason = reason,
  deadline = B.now + B.P.takeoverTimeout }
B.emit('takeover.requested', ',"sessionId":' .. B.q(c.lock.sessionId) .. ',"resource":' .. B.q(resource)
  .. ',"takeover":' .. B.takeover_json(c) .. ',"reason":' .. B.q(reason))
B.publish_lock(c)
return B.finish('{"pending":' .. B.takeover_json(c) .. '}')
