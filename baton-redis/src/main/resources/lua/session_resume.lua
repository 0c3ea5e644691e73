--[[
session_resume.lua: the session half of MemoryStore.resumeSession. Finds the session of a resume
token; if it belongs to the user and has not ended, drops its memberships whose grace is over,
spends the token for a new one, attaches it to the new connection (generation + 1) and tells the
node that had it (session.attached on that node's channel). A session whose last membership is
gone and whose default grace is over ends here.

KEYS[1] p:{sessions}:resume          hash: resume-token hash -> session id
KEYS[2] p:{sessions}:away            sorted set: away session id -> when the sweep must look (us)
KEYS[3] p:{sessions}:node:<nodeId>   the new node's session set
KEYS[4] p:{sessions}:nodes           node heartbeats; the new node is added if missing
ARGV[1..2] time: see lib.lua
ARGV[3] hash of the presented resume token   ARGV[4] hash of the new resume token
ARGV[5] the caller's user id   ARGV[6] the new connection id   ARGV[7] this node's id
ARGV[8] graces JSON {default: us, types: {type: us}}
ARGV[9] session key prefix p:{sessions}:s:   ARGV[10] node set prefix p:{sessions}:node:
ARGV[11] node channel prefix p:node:
Sessions are read and written under p:{sessions}:s:<id> (same hash tag as every key here).
Result: {found, sessionId, wasAway, gen, memberships, dropped, lapsed}; events: session.attached.
`lapsed`: the session's node had died, so the dropped memberships leave with reason 'expired'.
]]
B.clock()
local graces = cjson.decode(ARGV[8])
local id = redis.call('HGET', KEYS[1], ARGV[3])
if not id then return B.reply(B.obj('found', false)) end
local key = ARGV[9] .. id
local raw = redis.call('GET', key)
if not raw then
  redis.call('HDEL', KEYS[1], ARGV[3])
  return B.reply(B.obj('found', false))
end
local s = cjson.decode(raw)
if s.userId ~= ARGV[5] then return B.reply(B.obj('found', false)) end
local dropped = B.settle_session(s, graces)
local lapsed = s.lapsed == true
if not s.connected and #s.memberships == 0 and B.now - s.awaySince >= graces.default then
  B.end_session(s, key, KEYS[1], KEYS[2], ARGV[10])
  return B.reply(B.obj('found', false, 'sessionId', id, 'dropped', dropped, 'lapsed', lapsed))
end
local wasAway = not s.connected
redis.call('HDEL', KEYS[1], s.resume)
s.resume = ARGV[4]
redis.call('HSET', KEYS[1], ARGV[4], id)
local oldNode = s.node
s.connected = true
s.conn = ARGV[6]
s.gen = s.gen + 1
s.at = B.now
s.lapsed = nil
redis.call('ZREM', KEYS[2], id)
if oldNode ~= ARGV[7] then
  redis.call('SREM', ARGV[10] .. oldNode, id)
  s.node = ARGV[7]
end
-- always: a node declared dead had its set deleted, and its sessions may come back to it
redis.call('SADD', KEYS[3], id)
redis.call('ZADD', KEYS[4], 'NX', B.n(B.now), ARGV[7])
redis.call('SET', key, B.json(s))
local attached = B.attached(id, ARGV[6], s.memberships)
if oldNode ~= ARGV[7] then
  redis.call('PUBLISH', ARGV[11] .. oldNode, '{"events":[' .. B.json(attached) .. ']}')
end
return B.reply(B.obj('found', true, 'sessionId', id, 'wasAway', wasAway, 'gen', s.gen,
  'memberships', s.memberships, 'dropped', dropped, 'lapsed', lapsed), { attached })
