--[[
due_slots.lua: on a Redis Cluster, the sweeper's look at the per-slot deadline sets of some hash
slots of one master: the documents due now (by Redis TIME or the given time), which of the slots
have a deadline set at all, and the sum of their lock counters.

The per-slot keys are not declared (they are in many slots): the script runs without flags, in the
compatibility mode of Redis 7, which lets it read single keys of any slot served by this master
(multi-key commands across slots are refused, so each key is read alone). A slot being migrated
away answers with an error for its keys: it is skipped this time (a later sweep finds it on its new
owner).

A full scan (all the master's slots) is shared by the nodes: the caller offers one, and it is done
only when no node did one within the lease (SET NX PX on KEYS[2]), so that the master spends one full
scan per lease period however many nodes sweep; otherwise the script looks at the caller's active
slots only.

KEYS[1] p:{<tag>}:due of one slot of the master (routes the call to it)
KEYS[2] p:{<tag>}:fullscan in the same slot: the full-scan lease
ARGV[1..2] time: see lib.lua
ARGV[3] the start of the per-slot key names: p:{
ARGV[4] the most documents to return
ARGV[5] the tags of the caller's active slots, separated by spaces (p:{<tag>}:due, p:{<tag>}:locks)
ARGV[6] the tags of all the master's slots when the caller offers a full scan, else empty
ARGV[7] the full-scan lease in milliseconds; 0: do the offered full scan unconditionally
Result: {due: [documentId], active: [tag], locks: n, full: bool} (full: which list was looked at).
]]
B.clock()
local limit = tonumber(ARGV[4])
local now = B.n(B.now)
local due, active, locks = {}, {}, 0
local function ok(r)
  return type(r) ~= 'table' or not r.err
end
local full = false
if ARGV[6] ~= '' then
  local lease = tonumber(ARGV[7])
  full = lease == 0 or redis.call('SET', KEYS[2], '1', 'NX', 'PX', lease) ~= false
end
for tag in string.gmatch(full and ARGV[6] or ARGV[5], '%S+') do
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
return B.json(B.obj('due', due, 'active', active, 'locks', locks, 'full', full))
