--[[
session_end.lua: the session half of MemoryStore.endSession (bye): deletes the session at once and
returns its memberships, which the caller then removes document by document (reason bye).

KEYS[1] p:{sessions}:s:<sessionId>
KEYS[2] p:{sessions}:resume
KEYS[3] p:{sessions}:away
ARGV[1..2] time: see lib.lua (unused)
ARGV[3] node set prefix p:{sessions}:node:
Result: {found, memberships, userId}.
]]
local raw = redis.call('GET', KEYS[1])
if not raw then return B.reply(B.obj('found', false, 'memberships', {})) end
local s = cjson.decode(raw)
B.end_session(s, KEYS[1], KEYS[2], KEYS[3], ARGV[3])
return B.reply(B.obj('found', true, 'memberships', s.memberships, 'userId', s.userId))
