--[[
node_down.lua: a node is gone. Either another node found it silent for longer than the node
timeout (reason 'expired': it died, or is cut off), or it is stopping and says so itself (reason
'disconnected'). Every session still attached to it goes away (generation + 1) and its grace
starts now; a session of a dead node is marked lapsed, so that its memberships leave with reason
'expired' when the grace ends (unless it resumes somewhere first). The node is forgotten.

KEYS[1] p:{sessions}:nodes           node heartbeats (us)
KEYS[2] p:{sessions}:node:<nodeId>   the sessions attached to the node
KEYS[3] p:{sessions}:away            away sessions by when the sweep must look at them (us)
KEYS[4] p:{sessions}:down:<nodeId>   marker for the node, in case it is not dead but cut off
ARGV[1..2] time: see lib.lua
ARGV[3] the node's id
ARGV[4] graces JSON {default: us, types: {type: us}}
ARGV[5] session key prefix p:{sessions}:s:
ARGV[6] 'expired' (declared dead by another node) or 'disconnected' (stopping)
ARGV[7] '' (stopping), or the limit (us) of node_beat.lua: the node is still dead only if its last
        beat is below it (it may have beaten since it was judged)
Result: {down, sessions: [{sessionId, gen, awaySince, memberships}]}: down is false when the node
beat again after it was judged; the caller sets the members of `sessions` away.
]]
B.clock()
if ARGV[7] ~= '' then
  local score = redis.call('ZSCORE', KEYS[1], ARGV[3])
  if score and tonumber(score) >= tonumber(ARGV[7]) then return B.reply(B.obj('down', false, 'sessions', {})) end
end
local lapsing = ARGV[6] == 'expired'
local graces = cjson.decode(ARGV[4])
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local key = ARGV[5] .. id
  local raw = redis.call('GET', key)
  if raw then
    local s = cjson.decode(raw)
    if s.connected and s.node == ARGV[3] then
      s.connected = false
      s.awaySince = B.now
      s.gen = s.gen + 1
      if lapsing then s.lapsed = true end
      redis.call('ZADD', KEYS[3], B.n(B.session_due(s, graces)), id)
      redis.call('SET', key, B.json(s))
      out[#out + 1] = B.obj('sessionId', id, 'gen', s.gen, 'awaySince', s.awaySince, 'memberships', s.memberships)
    end
  end
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[3])
if lapsing then redis.call('SET', KEYS[4], '1', 'PX', '86400000') end
return B.reply(B.obj('down', true, 'sessions', out))
