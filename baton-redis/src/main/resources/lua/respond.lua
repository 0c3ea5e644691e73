--[[
respond.lua: takeover.respond (MemoryStore.respondTakeover): the holder accepts (the lock passes at
once) or declines (only with the policy's allowDecline; the requester is told).

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] session id
ARGV[7] child name
ARGV[8] accept: '1' or '0'
Result: {}. Refusals: NOT_HOLDER, BAD_REQUEST, FORBIDDEN.
]]
B.open()
local c = B.find(ARGV[7])
local resource = B.docId .. ':' .. ARGV[7]
if c then B.settle_h(c) end
if not c or not c.lock or c.lock.sessionId ~= ARGV[6] then
  return B.refuse(B.refusal('NOT_HOLDER', 'this session does not hold ' .. resource))
end
if not c.takeover then
  return B.refuse(B.refusal('BAD_REQUEST', 'no takeover of ' .. resource .. ' is pending'))
end
if ARGV[8] == '1' then
  B.complete_takeover(c)
  return B.finish('{}')
end
if not B.P.allowDecline then
  return B.refuse(B.refusal('FORBIDDEN', 'takeovers of ' .. string.match(B.docId, '^([^:]+)')
    .. ' cannot be declined: release, accept, or wait for the deadline'))
end
local t = c.takeover
c.takeover = nil
local lock = c.lock
local responder = B.member(c, ARGV[6])
B.declined_event(t.sessionId, c, B.holder_json(lock.userId, lock.name, lock.sessionId),
  'declined by ' .. (responder and responder.name or lock.name))
B.publish_lock(c)
return B.finish('{}')
