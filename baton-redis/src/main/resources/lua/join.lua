--[[
join.lua: joins a resource (MemoryStore.join), after session_join.lua has checked JOIN_LIMIT and
recorded the membership. Idempotent. With mode 'edit' the lock is acquired when it can be, else the
session joins as a viewer and the result says why (auto-downgrade).

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6]  session id
ARGV[7]  user id
ARGV[8]  display name
ARGV[9]  child name
ARGV[10] 'edit' or 'view'
ARGV[11] '1' when the caller may edit, else '0'
ARGV[12] the session's status: 'online' or 'away'
ARGV[13] the session's away-since (us; 0 when online)
ARGV[14] the session's generation (increases with every connect and disconnect)
Result: {state: view, downgraded, reason, message, lockResource, added}. Refusal: VIEWER_LIMIT.
]]
B.open()
local s = { id = ARGV[6], userId = ARGV[7], name = ARGV[8] }
local c = B.find_or_create(ARGV[9])
local resource = B.rid(c)
B.settle_h(c)
local wantsEdit = ARGV[10] == 'edit'
local holds = c.lock ~= nil and c.lock.sessionId == s.id
local refusal = nil
if wantsEdit and not holds then
  if ARGV[11] == '1' then
    refusal = B.blocker(s, c, false)
  else
    refusal = B.refusal('FORBIDDEN', 'no edit access to ' .. resource)
  end
end
local asEditor = wantsEdit and refusal == nil
local added = false
if not B.member(c, s.id) then
  local viewers = B.viewers(c)
  if not asEditor and viewers >= B.P.maxViewers then
    return B.refuse(B.limit('VIEWER_LIMIT', resource .. ' has ' .. B.n(viewers) .. ' viewers, the limit',
      B.P.maxViewers, viewers))
  end
  if asEditor then B.grant(s, c) end
  local m = { sessionId = s.id, userId = s.userId, name = s.name, role = asEditor and 'editor' or 'viewer',
    status = ARGV[12], since = B.wall, awaySince = tonumber(ARGV[13]), gen = tonumber(ARGV[14]) }
  B.add_member(c, m)
  c.version = c.version + 1
  B.presence_event('presence.joined', c, m)
  if asEditor then B.publish_lock(c) end
  added = true
elseif asEditor and not holds then
  B.grant(s, c)
  B.publish_lock(c)
end
c.touched = B.now
return B.finish(B.json(B.obj('state', B.raw(B.view_json(c)), 'downgraded', refusal ~= nil,
  'reason', refusal and refusal.code, 'message', refusal and refusal.message,
  'lockResource', refusal and refusal.lockResource, 'added', added)))
