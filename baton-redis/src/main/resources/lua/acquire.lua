--[[
acquire.lua: lock.acquire (MemoryStore.acquire). The holder acquiring again renews, same token;
takeOwn moves the lock from another session of the same user (new token); with wait and a
conflict: queue policy a caller refused with LOCK_HELD joins the FIFO queue.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] child name
ARGV[8] takeOwn: '1' or '0'
ARGV[9] wait: '1' or '0'
Result: {granted: lease} or {queued: position}. Refusals: NOT_JOINED, LOCK_HELD, LOCK_LIMIT.
]]
B.open()
local c = B.find(ARGV[7])
local m, notJoined = B.joined(c, ARGV[6], B.docId .. ':' .. ARGV[7])
if not m then return B.refuse(notJoined) end
local s = B.who(m)
B.settle_h(c)
local lock = c.lock
if lock and lock.sessionId == s.id then
  B.renew(c)
  return B.finish('{"granted":' .. B.lease_json(c) .. '}')
end
if lock and ARGV[8] == '1' and lock.userId == s.userId then
  B.revoke(c, B.holder_json(s.userId, s.name, s.id), 'taken over by another tab of the same user', 'superseded')
else
  local blocked = B.blocker(s, c, false)
  if blocked then
    if ARGV[9] == '1' and blocked.code == 'LOCK_HELD' and B.P.queue then
      return B.finish('{"queued":' .. B.n(B.enqueue(c, s)) .. '}')
    end
    return B.refuse(blocked)
  end
end
B.grant(s, c)
B.publish_lock(c)
return B.finish('{"granted":' .. B.lease_json(c) .. '}')
