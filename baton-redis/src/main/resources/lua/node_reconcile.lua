--[[
node_reconcile.lua: brings Redis's view of this node's sessions in line with the node's own
(periodically, and after the node's event channel reconnected). A disconnect whose reply was lost,
or that could not be sent while Redis was unreachable, left a session "connected" to a connection
that is gone: it goes away now (its grace starts). A session the node still has a connection for,
but which Redis says is attached elsewhere (a resume on another node whose notice was missed) or
has ended, is named, so that the node closes that connection.

KEYS[1] p:{sessions}:node:<nodeId>   the sessions attached to this node
KEYS[2] p:{sessions}:away            away sessions by when the sweep must look at them (us)
ARGV[1..2] time: see lib.lua
ARGV[3] this node's id
ARGV[4] JSON object: session id -> connection id, of the sessions with a connection on this node
ARGV[5] minimum age (us) since a session was attached before it counts as lost (so that a session
        attached just now, whose reply the node has not handled yet, is left alone)
ARGV[6] graces JSON {default: us, types: {type: us}}
ARGV[7] session key prefix p:{sessions}:s:
Result: {away: [{sessionId, gen, awaySince, memberships}], foreign: [sessionId]}.
]]
B.clock()
local bound = cjson.decode(ARGV[4])
local minAge = tonumber(ARGV[5])
local graces = nil
local away = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[7] .. id
  local raw = redis.call('GET', key)
  if not raw then
    redis.call('SREM', KEYS[1], id)
  else
    local s = cjson.decode(raw)
    if s.node ~= ARGV[3] then
      redis.call('SREM', KEYS[1], id)
    elseif s.connected and bound[id] == nil and B.now - (s.at or 0) >= minAge then
      graces = graces or cjson.decode(ARGV[6])
      s.connected = false
      s.awaySince = B.now
      s.gen = s.gen + 1
      redis.call('ZADD', KEYS[2], B.n(B.session_due(s, graces)), id)
      redis.call('SET', key, B.json(s))
      away[#away + 1] = B.obj('sessionId', id, 'gen', s.gen, 'awaySince', s.awaySince, 'memberships', s.memberships)
    end
  end
end
local foreign = {}
for id, conn in pairs(bound) do
  local raw = redis.call('GET', ARGV[7] .. id)
  local s = raw and cjson.decode(raw)
  if not s or s.node ~= ARGV[3] or s.conn ~= conn then foreign[#foreign + 1] = id end
end
return B.reply(B.obj('away', away, 'foreign', foreign))
