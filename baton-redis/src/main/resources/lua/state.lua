--[[
state.lua: one resource as a service sees it (MemoryStore.state), after settling it.

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] child name
Result: {view} (view absent for a resource never touched).
]]
B.open()
local c = B.find(ARGV[6])
if not c then return B.finish('{}') end
B.settle_h(c)
return B.finish('{"view":' .. B.view_json(c) .. '}')
