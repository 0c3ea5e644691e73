--[[
session_disconnect.lua: the session half of MemoryStore.disconnect. If the connection is still the
session's, the session goes away (generation + 1) and is recorded in the away set for the sweep.

KEYS[1] p:{sessions}:s:<sessionId>
KEYS[2] p:{sessions}:away            sorted set: away session id -> when the sweep must look (us)
ARGV[1..2] time: see lib.lua
ARGV[3] the connection that closed
ARGV[4] graces JSON {default: us, types: {type: us}}
Result: {changed, gen, awaySince (us), memberships}.
]]
B.clock()
local raw = redis.call('GET', KEYS[1])
if not raw then return B.reply(B.obj('changed', false)) end
local s = cjson.decode(raw)
if not s.connected or s.conn ~= ARGV[3] then return B.reply(B.obj('changed', false)) end
s.connected = false
s.awaySince = B.now
s.gen = s.gen + 1
redis.call('ZADD', KEYS[2], B.n(B.session_due(s, cjson.decode(ARGV[4]))), s.id)
redis.call('SET', KEYS[1], B.json(s))
return B.reply(B.obj('changed', true, 'gen', s.gen, 'awaySince', s.awaySince, 'memberships', s.memberships))
