--[[
node_beat.lua: a node's heartbeat, every sweep. Records the beat, tells the node whether another
node declared it dead meanwhile (it was silent too long: a pause, a partition), and names the nodes
it may now declare dead.

A node is judged by a node that is itself live: another node is dead when its last beat is older
than this node's *previous* beat by more than the node timeout. After an outage of Redis (or a pause
of this node) every beat is old, this node's previous one too, so nobody is declared dead for a
silence everybody shared; a node that really died stays silent and is found one beat later.

KEYS[1] p:{sessions}:nodes           sorted set: node id -> last heartbeat (us)
KEYS[2] p:{sessions}:down:<nodeId>   set (with an expiry) by node_down.lua when this node was declared dead
ARGV[1..2] time: see lib.lua
ARGV[3] this node's id
ARGV[4] the node timeout (us)
Result: {revived, dead: [nodeId], limit}: revived when this node had been declared dead; `limit`
(us): a node whose last beat is below it is dead (node_down.lua checks it again).
]]
B.clock()
local revived = redis.call('DEL', KEYS[2]) == 1
local prev = redis.call('ZSCORE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[1], B.n(B.now), ARGV[3])
local dead = {}
local limit = nil
if prev then
  limit = tonumber(prev) - tonumber(ARGV[4])
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. B.n(limit), 'LIMIT', '0', '100')) do
    if id ~= ARGV[3] then dead[#dead + 1] = id end
  end
end
return B.reply(B.obj('revived', revived, 'dead', dead, 'limit', limit))
