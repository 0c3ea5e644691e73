--[[
locks.lua: the locks one user holds in this document, tokens included (MemoryStore.locksOf), after
settling each child.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] user id
Result: {locks: [{resource, lock}]}.
]]
B.open()
local locks = {}
for _, c in ipairs(B.copy(B.doc.children)) do
  B.settle_h(c)
  if c.lock and c.lock.userId == ARGV[6] then
    locks[#locks + 1] = '{"resource":' .. B.q(B.rid(c)) .. ',"lock":' .. B.lock_json(c) .. '}'
  end
end
return B.finish('{"locks":[' .. table.concat(locks, ',') .. ']}')
