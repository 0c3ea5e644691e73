--[[
snapshot.lua: children of a document as a service sees them, with the document's event sequence
number, for a node that resynchronizes its members. Reads only: nothing is settled, stored or
announced (an expired lock not yet retired shows remainingMs 0; its expiry follows as an event with
a later sequence number).

KEYS[1..6], ARGV[1..5]: see lib.lua.
ARGV[6] JSON array of child names
Result: {views: [view]}, one per child asked for (a child with no record: no lock, no members,
version 0); `seq` is the document's sequence number.
]]
B.open()
local views = {}
for _, name in ipairs(cjson.decode(ARGV[6])) do
  local c = B.find(name)
  if c then
    views[#views + 1] = B.view_json(c)
  else
    views[#views + 1] = '{"resource":' .. B.q(B.docId .. ':' .. name)
      .. ',"lock":{"inGrace":false,"queueLength":0},"presence":{"version":0,"recordsAt":1,"recordCount":0}}'
  end
end
return B.with_records('{"result":{"views":[' .. table.concat(views, ',') .. ']},"error":null,"events":[],"seq":'
  .. B.n(B.doc.seq) .. '}')
