--[[
heartbeat.lua: the part of a heartbeat that falls in this document (MemoryStore.heartbeat): settles
each of the session's memberships here and renews the locks it holds, nothing else.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] JSON array of the child names the session is a member of, in membership order
Result: {leases: [lease]}.
]]
B.open()
local leases = {}
for _, name in ipairs(cjson.decode(ARGV[7])) do
  local c = B.find(name)
  if c then
    B.settle_h(c)
    if c.lock and c.lock.sessionId == ARGV[6] then
      B.renew(c)
      leases[#leases + 1] = B.lease_json(c)
    end
  end
end
return B.finish('{"leases":[' .. table.concat(leases, ',') .. ']}')
