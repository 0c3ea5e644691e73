--[[
leave.lua: removes one session's memberships of children of this document
(Transitions.removeMembership for each): its locks released, queue places and pending takeovers
dropped, presence.left with the given reason. Used by leave, bye and the end of a grace.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] reason: 'left', 'disconnected', 'expired' or 'bye'
ARGV[8] JSON array of child names, in the session's membership order
Result: {}.
]]
B.open()
for _, name in ipairs(cjson.decode(ARGV[8])) do
  local c = B.find(name)
  if c and B.member(c, ARGV[6]) then
    B.remove_membership(c, ARGV[6], ARGV[7])
  end
end
return B.finish('{}')
