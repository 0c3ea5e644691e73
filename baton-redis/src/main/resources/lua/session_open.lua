--[[
session_open.lua: opens a new session (MemoryStore.newSession).

KEYS[1] p:{sessions}:s:<sessionId>   the session (JSON: id, userId, name, resume, conn, node,
                                     connected, awaySince (us), gen, memberships, at (us, when it
                                     was last attached), lapsed (its node died while it was attached))
KEYS[2] p:{sessions}:resume          hash: resume-token SHA-256 -> session id
KEYS[3] p:{sessions}:node:<nodeId>   set: the sessions attached to that node
KEYS[4] p:{sessions}:nodes           sorted set: node id -> last heartbeat (us); the node is added
                                     if missing, so that a node with sessions is always watched
KEYS[5] p:{sessions}:user:<userId>   set: the user's sessions (kept in the session as `uk`, so that
                                     B.end_session removes it again)
ARGV[1..2] time: see lib.lua
ARGV[3] session id   ARGV[4] user id   ARGV[5] display name   ARGV[6] resume-token hash
ARGV[7] connection id   ARGV[8] node id   ARGV[9] the most sessions the user may have
Result: {sessionId}; events: session.attached.
Refusal: RATE_LIMITED {scope: sessionsPerUser, limit, current} when the user has ARGV[9] sessions.
]]
B.clock()
local current = redis.call('SCARD', KEYS[5])
if current >= tonumber(ARGV[9]) then
  return B.reply_refused(B.refusal('RATE_LIMITED', 'this user already has ' .. B.n(current)
    .. ' sessions, the limit; end one (bye) and try again',
    '{"scope":"sessionsPerUser","limit":' .. B.n(tonumber(ARGV[9])) .. ',"current":' .. B.n(current) .. '}'))
end
local s = { id = ARGV[3], userId = ARGV[4], name = ARGV[5], resume = ARGV[6], conn = ARGV[7], node = ARGV[8],
  connected = true, awaySince = 0, gen = 1, memberships = {}, at = B.now, uk = KEYS[5] }
redis.call('SET', KEYS[1], B.json(s))
redis.call('SADD', KEYS[5], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[4], 'NX', B.n(B.now), ARGV[8])
return B.reply(B.obj('sessionId', ARGV[3]), { B.attached(ARGV[3], ARGV[7], {}) })
