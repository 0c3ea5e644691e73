--[[
session_join.lua: the session half of MemoryStore.join: records the membership unless the session
already has it, refusing it over the type's maxJoinsPerSession.

KEYS[1] p:{sessions}:s:<sessionId>
ARGV[1..2] time: see lib.lua (unused)
ARGV[3] resource id type:id:child   ARGV[4] maxJoinsPerSession of its type   ARGV[5] its type
Result: {added, userId, name, status ('online' or 'away'), awaySince (us), gen}.
Refusals: UNAUTHENTICATED (the session has ended), JOIN_LIMIT.
]]
local raw = redis.call('GET', KEYS[1])
if not raw then return B.reply_refused(B.refusal('UNAUTHENTICATED', 'the session has ended')) end
local s = cjson.decode(raw)
local added = false
if not B.contains(s.memberships, ARGV[3]) then
  local limit = tonumber(ARGV[4])
  local joined = #s.memberships
  if joined >= limit then
    return B.reply_refused(B.limit('JOIN_LIMIT', 'this session has joined ' .. B.n(joined)
      .. ' resources, the limit for ' .. ARGV[5], limit, joined))
  end
  s.memberships[joined + 1] = ARGV[3]
  redis.call('SET', KEYS[1], B.json(s))
  added = true
end
return B.reply(B.obj('added', added, 'userId', s.userId, 'name', s.name,
  'status', s.connected and 'online' or 'away', 'awaySince', s.awaySince, 'gen', s.gen))
