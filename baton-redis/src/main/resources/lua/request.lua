--[[
request.lua: lock.request (MemoryStore.request): asks the holder to let the caller edit; at most
one per requesting user per resource per request interval.

KEYS[1..6], ARGV[1..5]: see lib.lua (the policy's requestInterval is Store.REQUEST_INTERVAL).
ARGV[6] session id
ARGV[7] child name
ARGV[8] '1' when a message is given, else '0'
ARGV[9] the message (ignored unless ARGV[8] is '1')
Result: {}. Refusals: NOT_JOINED, BAD_REQUEST, RATE_LIMITED (retryAfterMs).
]]
B.open()
local c = B.find(ARGV[7])
local resource = B.docId .. ':' .. ARGV[7]
local m, notJoined = B.joined(c, ARGV[6], resource)
if not m then return B.refuse(notJoined) end
B.settle_h(c)
if not c.lock or c.lock.sessionId == ARGV[6] then
  return B.refuse(B.refusal('BAD_REQUEST', 'nobody else is editing ' .. resource .. ': acquire it instead'))
end
local interval = B.P.requestInterval
local last = c.requests[m.userId]
if last and B.now - last < interval then
  local retryAfterMs = math.floor((interval - (B.now - last) + 999) / 1000)
  return B.refuse(B.refusal('RATE_LIMITED', 'one request per ' .. B.n(math.floor(interval / 1000000))
    .. ' s: try again in ' .. B.human(retryAfterMs), '{"retryAfterMs":' .. B.n(retryAfterMs) .. '}'))
end
c.requests[m.userId] = B.now
local message = ''
if ARGV[8] == '1' then message = ',"message":' .. B.q(ARGV[9]) end
B.emit('lock.requested', ',"sessionId":' .. B.q(c.lock.sessionId) .. ',"resource":' .. B.q(resource)
  .. ',"by":' .. B.member_json(B.member(c, ARGV[6]) or m) .. message)
return B.finish('{}')
