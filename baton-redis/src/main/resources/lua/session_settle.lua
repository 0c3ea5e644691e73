--[[
session_settle.lua: the sweeper's visit to one away session (Transitions.settleSession): drops the
memberships whose grace is over and ends the session once none is left and the default grace is
over; otherwise records when to look again.

KEYS[1] p:{sessions}:s:<sessionId>
KEYS[2] p:{sessions}:resume
KEYS[3] p:{sessions}:away
ARGV[1..2] time: see lib.lua
ARGV[3] graces JSON {default: us, types: {type: us}}
ARGV[4] node set prefix p:{sessions}:node:
ARGV[5] session id
Result: {ended, dropped, userId, lapsed} (userId when ended; lapsed when the session's node died,
so that its memberships leave, and it ends, with reason 'expired').
]]
B.clock()
local raw = redis.call('GET', KEYS[1])
if not raw then
  redis.call('ZREM', KEYS[3], ARGV[5])
  return B.reply(B.obj('ended', false, 'dropped', {}))
end
local s = cjson.decode(raw)
if s.connected then
  redis.call('ZREM', KEYS[3], ARGV[5])
  return B.reply(B.obj('ended', false, 'dropped', {}))
end
local graces = cjson.decode(ARGV[3])
local dropped = B.settle_session(s, graces)
local lapsed = s.lapsed == true
if #s.memberships == 0 and B.now - s.awaySince >= graces.default then
  B.end_session(s, KEYS[1], KEYS[2], KEYS[3], ARGV[4])
  return B.reply(B.obj('ended', true, 'dropped', dropped, 'userId', s.userId, 'lapsed', lapsed))
end
redis.call('ZADD', KEYS[3], B.n(B.session_due(s, graces)), s.id)
redis.call('SET', KEYS[1], B.json(s))
return B.reply(B.obj('ended', false, 'dropped', dropped, 'lapsed', lapsed))
