--[[
status.lua: a session's connection dropped or came back (the per-document half of
MemoryStore.disconnect and resumeSession). Sets the session's members here away or online and
announces it; a holder's lock.state shows the grace; a waiter coming back makes the hand-off due.
Going away with a grace of zero removes the membership at once (Transitions.settleSession).
Changes only members whose recorded generation is older than ARGV[10], so that a late script of
an earlier disconnect never overrides a later resume.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6]  session id
ARGV[7]  JSON array of the child names the session is a member of, in membership order
ARGV[8]  'away' or 'online'
ARGV[9]  away-since (us) when going away
ARGV[10] the session's generation after the change
ARGV[11] '1' to return the views of those children
ARGV[12] '1' when going away because the session's node died: when the grace ends the member
         leaves with reason 'expired' instead of 'disconnected'
Result: {views: [view]} (only with ARGV[11] = '1').
]]
B.open()
local sessionId = ARGV[6]
local children = cjson.decode(ARGV[7])
local status = ARGV[8]
local gen = tonumber(ARGV[10])
for _, name in ipairs(children) do
  local c = B.find(name)
  if c then B.settle_h(c) end
  local m = c and B.member(c, sessionId)
  if m and gen > (m.gen or 0) then
    m.gen = gen
    B.put_member(c, m)
    if m.status ~= status then
      if status == 'away' then
        m.awaySince = tonumber(ARGV[9])
        if ARGV[12] == '1' then m.lapsed = true end
      else
        m.lapsed = nil
      end
      B.set_member(c, sessionId, nil, status)
      if c.lock and c.lock.sessionId == sessionId then B.publish_lock(c) end
      if status == 'online' and B.position(c, sessionId) > 0 then B.due = true end
    end
  end
end
if status == 'away' then
  for _, name in ipairs(children) do
    local c = B.find(name)
    local m = c and B.member(c, sessionId)
    if m and B.grace_over(m) then B.remove_membership(c, sessionId, B.lapse_reason(m)) end
  end
end
local views = {}
if ARGV[11] == '1' then
  for _, name in ipairs(children) do
    local c = B.find(name)
    if c and B.member(c, sessionId) then views[#views + 1] = B.view_json(c) end
  end
end
return B.finish('{"views":[' .. table.concat(views, ',') .. ']}')
