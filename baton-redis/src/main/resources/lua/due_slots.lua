--[[
due_slots.lua: on a Redis Cluster, the sweeper's look at the per-slot deadline sets of some hash
slots of one master: the documents due now (by Redis TIME or the given time), which of the slots
have a deadline set at all, and the sum of their lock counters.

The per-slot keys are not declared (they are in many slots): the script runs without flags, in the
compatibility mode of Redis 7, which lets it read single keys of any slot served by this master
(multi-key commands across slots are refused, so each key is read alone). A slot being migrated
away answers with an error for its keys: it is skipped this time (a later sweep finds it on its new
owner).

KEYS[1] p:{<tag>}:due of one slot of the master (routes the call to it)
ARGV[1..2] time: see lib.lua
ARGV[3] the start of the per-slot key names: p:{
ARGV[4] the most documents to return
ARGV[5] the tags of the slots to look at, separated by spaces (p:{<tag>}:due, p:{<tag>}:locks)
Result: {due: [documentId], active: [tag], locks: n}.
]]
B.clock()
local limit = tonumber(ARGV[4])
local now = B.n(B.now)
local due, active, locks = {}, {}, 0
local function ok(r)
  return type(r) ~= 'table' or not r.err
end
for tag in string.gmatch(ARGV[5], '%S+') do
  local key = ARGV[3] .. tag .. '}:due'
  local present = redis.pcall('EXISTS', key)
  if ok(present) and present == 1 then
    active[#active + 1] = tag
    if #due < limit then
      local ids = redis.pcall('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', '0', B.n(limit - #due))
      if ok(ids) then
        for _, id in ipairs(ids) do due[#due + 1] = id end
      end
    end
    local count = redis.pcall('GET', ARGV[3] .. tag .. '}:locks')
    if ok(count) and count then locks = locks + tonumber(count) end
  end
end
return B.json(B.obj('due', due, 'active', active, 'locks', locks))
