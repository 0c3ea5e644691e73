--[[
document.lua: every child of the document that has a lock or members, as a service sees it
(MemoryStore.document), after settling each.

KEYS[1..6], ARGV[1..5]: see lib.lua.
Result: {views: [view]}.
]]
B.open()
local views = {}
for _, c in ipairs(B.copy(B.doc.children)) do
  B.settle_h(c)
  if c.lock or c.count > 0 then views[#views + 1] = B.view_json(c) end
end
return B.finish('{"views":[' .. table.concat(views, ',') .. ']}')
