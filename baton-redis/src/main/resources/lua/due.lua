--[[
due.lua: the members of a deadline set that are due now, by Redis TIME or the given time.

KEYS[1] a sorted set scored by deadline (us): p:due (documents) or p:{sessions}:away (sessions)
ARGV[1..2] time: see lib.lua
ARGV[3] the most members to return
Returns an array of members (document ids or session ids), earliest first.
]]
B.clock()
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', B.n(B.now), 'LIMIT', '0', ARGV[3])
