--[[
sweep.lua: the sweeper's visit to one due document (MemoryStore.sweep): retires what ran out of
time, sends expiry warnings, forgets old lock requests, hands on freed locks, drops child records
idle for the idle-record time, and records the document's next deadline exactly (or removes it).

KEYS[1..6], ARGV[1..5]: see lib.lua.
Result: {}.
]]
B.open()
for _, c in ipairs(B.copy(B.doc.children)) do
  B.settle_h(c)
  B.warn_if_expiring(c)
  for userId, t in pairs(c.requests) do
    if B.now - t >= B.P.requestInterval then c.requests[userId] = nil end
  end
end
B.hand_off()
local kept = {}
for _, c in ipairs(B.doc.children) do
  if not (B.idle(c) and #c.waiters == 0 and B.now - c.touched >= B.P.idleRecord) then
    kept[#kept + 1] = c
  end
end
B.doc.children = kept
return B.finish('{}', nil, true)
