--[[
session_leave.lua: the session half of MemoryStore.leave (and of a refused join): forgets one
membership.

KEYS[1] p:{sessions}:s:<sessionId>
ARGV[1..2] time: see lib.lua (unused)
ARGV[3] resource id type:id:child
Result: {removed}. Refusal: UNAUTHENTICATED (the session has ended).
]]
local raw = redis.call('GET', KEYS[1])
if not raw then return B.reply_refused(B.refusal('UNAUTHENTICATED', 'the session has ended')) end
local s = cjson.decode(raw)
local at = B.contains(s.memberships, ARGV[3])
if at then
  table.remove(s.memberships, at)
  redis.call('SET', KEYS[1], B.json(s))
end
return B.reply(B.obj('removed', at ~= nil))
