--[[
lib.lua: the state machine shared by every Baton script. FunctionLibrary (Java) builds one Redis
Function library from it: this file, then each script's body as a function registered under its
own name. KEYS and ARGV are locals of the library, set by each registered function before its body
runs (Functions have no KEYS/ARGV globals). The library, and so every table below, lives as long as
it is loaded in Redis: state of one call is kept in the fields that B.reset() clears, never elsewhere
(the one exception, POLICIES, caches read-only decoded policies).

It is the Lua twin of the memory store's Java (MemoryStore, Transitions, MemoryState, Refusals):
the same function names (settle, grant, end_lock, release, revoke, expire, transfer,
complete_takeover, hand_off, set_member, remove_membership, warn_if_expiring), the same checks in
the same order, the same events in the same order.

Conventions
  * Times inside Lua are integer microseconds (B.now, monotonic, or Redis TIME); display times are
    epoch milliseconds (B.wall). Every number stays below 2^53 so that doubles hold it exactly.
  * Numbers never pass through tostring() or `..` (Lua prints 14 significant digits): B.n()
    formats them exactly.
  * Stored records are encoded by cjson (fast, C). cjson also prints only 14 digits, so the fields
    that can exceed that (microsecond times, fencing tokens) are stored as decimal strings and read
    back with tonumber(): see load_child/store_child and load_member/store_member.
  * What leaves a script for Java (reply, events) is built as JSON text: events, views, leases and
    lock states by concatenation (the hot path), everything else by B.json(), which prints exact
    integers, encodes empty tables as [] (Java reads [] and {} alike), keeps the key order of
    B.obj() objects and inserts B.raw() fragments as they are.
  * The member records of a view are not part of that text: they follow it, as stored, as further
    elements of the reply (a Redis array; see B.view_json and B.with_records).
  * A child record holds its lock, queue, takeover, request times, presence version, member count
    and away members (session id -> away-since); the member records themselves live in their own
    hash (KEYS[6]), read only when needed and written back at the end, so that a lock operation
    costs the same with two members or two hundred.

Common ARGV of every script: ARGV[1] now in microseconds, or '' to read Redis TIME;
ARGV[2] wall clock in epoch milliseconds, or '' (then TIME / 1000).

Common KEYS and ARGV of every document script (all keys in the slot of the document's tag
{type:id}: on a Redis Cluster, KEYS[3] and KEYS[5] are the per-slot keys p:{<tag>}:due and
p:{<tag>}:locks whose tag hashes to that slot):
  KEYS[1] p:{type:id}:doc      the document's state without its members (JSON: {seq, children})
  KEYS[2] p:{type:id}:fence    fencing counter (integer, no TTL)
  KEYS[3] p:due                sorted set: document id -> next deadline (us)
  KEYS[4] p:{type:id}:events   channel: {seq, node, events} after every script that caused events
  KEYS[5] p:locks              counter of locks held (for stats)
  KEYS[6] p:{type:id}:members  hash: 'child|sessionId' -> member record (JSON)
  ARGV[3] the type's policy (JSON, durations in us: ttl, grace, warn, takeoverTimeout,
          requestInterval, idleRecord; maxLocks, maxViewers, queue, allowDecline), `node`, the
          id of the node running the script, which finish() names in the published message, and
          `sharded` (true on a Redis Cluster: events go out by SPUBLISH, sharded pub/sub)
  ARGV[4] the document id type:id
  ARGV[5] prefix of the per-user lock hint sets (p:user-locks:), completed with a user id; '' on a
          Redis Cluster, where those sets live in other slots: the script then lists the hint
          changes in its reply (`hints`) and the caller applies them
]]

local B = {}

-- The decoded policies (ARGV[3]) by their JSON text: the one state kept across calls, a cache of
-- read-only tables (no script writes into B.P; FunctionLibraryTest checks), saving a cjson.decode
-- per call (3-8 us). One entry per resource type and node; emptied when it reaches 64.
local POLICIES, policy_count = {}, 0

-- ------------------------------------------------------------------------------------------------
-- JSON output

local ORDER = {} -- key under which B.obj() keeps its key order (a table: no string key can clash)
local RAW = {}   -- key under which B.raw() keeps a finished JSON fragment
local ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n',
  ['\r'] = '\\r', ['\t'] = '\\t' }
local TWO_53 = 9007199254740992

--- An integer as exact decimal digits.
function B.n(x)
  return string.format('%d', x)
end

--- A string as a JSON string literal.
local function q(s)
  if not string.find(s, '[%c"\\]') then return '"' .. s .. '"' end
  return '"' .. string.gsub(s, '[%c"\\]', function(ch)
    return ESCAPES[ch] or string.format('\\u%04x', string.byte(ch))
  end) .. '"'
end
B.q = q

local function encode_number(x)
  if x == math.floor(x) and x > -TWO_53 and x < TWO_53 then
    return string.format('%d', x)
  end
  return string.format('%.17g', x)
end

--- An object whose keys are encoded in the given order; nil values are left out.
function B.obj(...)
  local args = { ... }
  local t, keys = {}, {}
  for i = 1, select('#', ...), 2 do
    keys[#keys + 1] = args[i]
    t[args[i]] = args[i + 1]
  end
  t[ORDER] = keys
  return t
end

--- A finished JSON fragment, for B.obj() values.
function B.raw(json)
  return { [RAW] = json }
end

local encode
encode = function(v, buf)
  local t = type(v)
  if t == 'string' then
    buf[#buf + 1] = q(v)
  elseif t == 'number' then
    buf[#buf + 1] = encode_number(v)
  elseif t == 'boolean' then
    buf[#buf + 1] = v and 'true' or 'false'
  elseif t == 'nil' or t == 'userdata' then -- cjson.null
    buf[#buf + 1] = 'null'
  elseif t == 'table' then
    if v[RAW] then
      buf[#buf + 1] = v[RAW]
      return
    end
    local keys = v[ORDER]
    if keys then
      buf[#buf + 1] = '{'
      local first = true
      for _, k in ipairs(keys) do
        local x = v[k]
        if x ~= nil then
          if not first then buf[#buf + 1] = ',' end
          first = false
          buf[#buf + 1] = q(k)
          buf[#buf + 1] = ':'
          encode(x, buf)
        end
      end
      buf[#buf + 1] = '}'
    elseif next(v) == nil then
      buf[#buf + 1] = '[]'
    elseif v[1] ~= nil then
      buf[#buf + 1] = '['
      for i = 1, #v do
        if i > 1 then buf[#buf + 1] = ',' end
        encode(v[i], buf)
      end
      buf[#buf + 1] = ']'
    else
      buf[#buf + 1] = '{'
      local first = true
      for k, x in pairs(v) do
        if not first then buf[#buf + 1] = ',' end
        first = false
        buf[#buf + 1] = q(type(k) == 'number' and encode_number(k) or k)
        buf[#buf + 1] = ':'
        encode(x, buf)
      end
      buf[#buf + 1] = '}'
    end
  else
    error('baton: cannot encode a ' .. t)
  end
end

--- The JSON text of a value.
function B.json(v)
  local buf = {}
  encode(v, buf)
  return table.concat(buf)
end

-- ------------------------------------------------------------------------------------------------
-- Time and small helpers

--- Reads the time: ARGV[1] (us) and ARGV[2] (ms) when given, else Redis TIME.
function B.clock()
  if ARGV[1] ~= '' then
    B.now = tonumber(ARGV[1])
    B.wall = tonumber(ARGV[2])
  else
    local t = redis.call('TIME')
    B.now = tonumber(t[1]) * 1000000 + tonumber(t[2])
    B.wall = math.floor(B.now / 1000)
  end
end

--- Whole milliseconds of a span in microseconds, never negative (MemoryState.millis).
function B.millis(us)
  if us <= 0 then return 0 end
  return math.floor(us / 1000)
end

--- "42 s" under a minute, else whole minutes rounded up: "5 min" (Refusals.humanDuration).
function B.human(ms)
  local s = math.floor((ms + 999) / 1000)
  if s < 60 then return B.n(s) .. ' s' end
  return B.n(math.floor((s + 59) / 60)) .. ' min'
end

function B.contains(list, x)
  for i, y in ipairs(list) do
    if y == x then return i end
  end
  return nil
end

function B.copy(list)
  local out = {}
  for i, x in ipairs(list) do out[i] = x end
  return out
end

--- A refusal: a protocol error code, a message for people, its details as a JSON object text (or
--- nil), and for LOCK_HELD the blocking lock's resource when it is another one.
function B.refusal(code, message, detailsJson, lockResource)
  return { code = code, message = message, details = detailsJson, lockResource = lockResource }
end

--- A refusal as the JSON object Java turns into a BatonException.
function B.refusal_json(r)
  return '{"code":"' .. r.code .. '","message":' .. q(r.message) .. ',"details":' .. (r.details or '{}') .. '}'
end

-- ------------------------------------------------------------------------------------------------
-- Sessions ({sessions} scripts; stored with B.json, exact)

--- The disconnect grace (us) of a resource's type, from {default, types: {type: us}}.
function B.grace_of(graces, resource)
  local g = graces.types[string.match(resource, '^([^:]+):')]
  if g == nil then return graces.default end
  return g
end

--- Drops the memberships of an away session whose grace is over (Transitions.settleSession).
function B.settle_session(s, graces)
  local dropped = {}
  if s.connected then return dropped end
  local kept = {}
  for _, r in ipairs(s.memberships) do
    if B.now - s.awaySince >= B.grace_of(graces, r) then
      dropped[#dropped + 1] = r
    else
      kept[#kept + 1] = r
    end
  end
  s.memberships = kept
  return dropped
end

--- When an away session is next due in the sweep: its default grace or a membership's, whichever ends last.
function B.session_due(s, graces)
  local g = graces.default
  for _, r in ipairs(s.memberships) do
    g = math.max(g, B.grace_of(graces, r))
  end
  return s.awaySince + g
end

--- Deletes a session and its index entries: the resume token, the away set, its node's set.
function B.end_session(s, sessionKey, resumeIndex, away, nodeSetPrefix)
  redis.call('DEL', sessionKey)
  redis.call('HDEL', resumeIndex, s.resume)
  redis.call('ZREM', away, s.id)
  redis.call('SREM', nodeSetPrefix .. s.node, s.id)
  if s.uk then redis.call('SREM', s.uk, s.id) end
end

function B.attached(sessionId, connectionId, memberships)
  return B.obj('type', 'session.attached', 'sessionId', sessionId, 'connectionId', connectionId,
    'memberships', memberships)
end

--- The reply of a session script: {result, events}.
function B.reply(result, events)
  local list = {}
  for i, e in ipairs(events or {}) do list[i] = B.json(e) end
  return '{"result":' .. B.json(result) .. ',"events":[' .. table.concat(list, ',') .. ']}'
end

--- The reply of a refused session script.
function B.reply_refused(refusal)
  return '{"error":' .. B.refusal_json(refusal) .. ',"events":[]}'
end

-- ------------------------------------------------------------------------------------------------
-- Documents: loading and storing

local function num(x)
  if type(x) == 'string' then return tonumber(x) end
  return x
end

local function load_child(c)
  c.touched = num(c.touched)
  c.lastGranted = num(c.lastGranted)
  c.lastEnded = num(c.lastEnded)
  for k, v in pairs(c.away) do c.away[k] = num(v) end
  for k, v in pairs(c.requests) do c.requests[k] = num(v) end
  if c.lock then
    c.lock.token = num(c.lock.token)
    c.lock.renewedAt = num(c.lock.renewedAt)
  end
  if c.takeover then c.takeover.deadline = num(c.takeover.deadline) end
end

local function store_child(c)
  c.touched = B.n(c.touched)
  c.lastGranted = B.n(c.lastGranted)
  c.lastEnded = B.n(c.lastEnded)
  for k, v in pairs(c.away) do c.away[k] = B.n(v) end
  for k, v in pairs(c.requests) do c.requests[k] = B.n(v) end
  if c.lock then
    c.lock.token = B.n(c.lock.token)
    c.lock.renewedAt = B.n(c.lock.renewedAt)
  end
  if c.takeover then c.takeover.deadline = B.n(c.takeover.deadline) end
end

--- Reads time, policy and the document (KEYS[1]); starts an empty event list.
function B.open()
  B.clock()
  local P = POLICIES[ARGV[3]]
  if not P then
    if policy_count >= 64 then POLICIES = {}; policy_count = 0 end
    P = cjson.decode(ARGV[3])
    POLICIES[ARGV[3]] = P
    policy_count = policy_count + 1
  end
  B.P = P
  B.docId = ARGV[4]
  B.userLocks = ARGV[5]
  B.raw_doc = redis.call('GET', KEYS[1])
  if B.raw_doc then
    B.doc = cjson.decode(B.raw_doc)
    for _, c in ipairs(B.doc.children) do load_child(c) end
  else
    B.doc = { seq = 0, children = {} }
  end
  B.events = {}
  B.due = false -- a lock freed or a waiter came back: hand-off is due (MemoryState.handOffDue)
  B.locksDelta = 0
  B.mem = {}      -- 'child|sessionId' -> member record, or false when known absent
  B.dirty = {}    -- fields of B.mem to write back (or delete) at the end
  B.hints = {}    -- lock hint changes for the caller, when ARGV[5] is ''
  B.records = {}  -- member records of the views in the result, returned after it (B.with_records)
end

--- Forgets the previous call's state: called before every call's body (the library outlives its
--- calls). Every per-call field of B is listed here (FunctionLibraryTest checks that).
function B.reset()
  B.now = nil; B.wall = nil; B.P = nil; B.docId = nil; B.userLocks = nil; B.raw_doc = nil
  B.doc = nil; B.events = nil; B.due = nil; B.locksDelta = nil; B.mem = nil; B.dirty = nil
  B.allMembers = nil; B.hints = nil; B.records = nil
end

--- The user may hold resource `rid` (held) or no longer holds it: kept in the user's hint set
--- here, or listed for the caller on a Redis Cluster.
local function hint(userId, rid, held)
  if B.userLocks ~= '' then
    redis.call(held and 'SADD' or 'SREM', B.userLocks .. userId, rid)
  else
    B.hints[#B.hints + 1] = '{"user":' .. q(userId) .. ',"resource":' .. q(rid) .. ',"held":'
      .. (held and 'true' or 'false') .. '}'
  end
end

function B.find(child)
  for _, c in ipairs(B.doc.children) do
    if c.child == child then return c end
  end
  return nil
end

function B.find_or_create(child)
  local c = B.find(child)
  if c then return c end
  c = { child = child, count = 0, joins = 0, away = {}, version = 0, waiters = {}, requests = {},
    lastGranted = 0, lastEnded = 0, touched = B.now }
  B.doc.children[#B.doc.children + 1] = c
  return c
end

function B.rid(c)
  return B.docId .. ':' .. c.child
end

-- ------------------------------------------------------------------------------------------------
-- Members (records in KEYS[6]: sessionId, userId, name, role, status, since (ms), awaySince (us),
-- gen, joined)

local function member_field(c, sessionId)
  return c.child .. '|' .. sessionId
end

local function load_member(raw)
  local m = cjson.decode(raw)
  m.awaySince = num(m.awaySince)
  return m
end

--- The member record of sessionId in c, or nil when it is not a member.
function B.member(c, sessionId)
  local field = member_field(c, sessionId)
  local m = B.mem[field]
  if m == nil then
    local raw = redis.call('HGET', KEYS[6], field)
    m = raw and load_member(raw) or false
    B.mem[field] = m
  end
  return m or nil
end

--- Records a new or changed member, to be written back at the end.
function B.put_member(c, m)
  local field = member_field(c, m.sessionId)
  B.mem[field] = m
  B.dirty[field] = true
end

--- Writes the new and changed member records back to KEYS[6] now (finish() writes what changes
--- after this), so that the hash holds every member as the script sees it.
local function flush_members()
  for field in pairs(B.dirty) do
    local m = B.mem[field]
    if m then
      local awaySince = m.awaySince
      m.awaySince = B.n(awaySince)
      redis.call('HSET', KEYS[6], field, cjson.encode(m))
      m.awaySince = awaySince
    else
      redis.call('HDEL', KEYS[6], field)
    end
  end
  B.dirty = {}
end

--- The stored member records of c (JSON text, as in KEYS[6]), in hash order: not decoded, sorted
--- or re-encoded here (that cost grew with every member, on Redis's one thread, for every join);
--- Java sorts them by `joined` and keeps the fields of a member (RedisEventCodec.view). With one
--- child, HVALS; else HGETALL, keeping the fields 'child|...'.
function B.member_records(c)
  flush_members()
  if #B.doc.children == 1 and B.doc.children[1] == c then
    return redis.call('HVALS', KEYS[6])
  end
  local flat = redis.call('HGETALL', KEYS[6])
  local prefix = c.child .. '|'
  local n = #prefix
  local out = {}
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, n) == prefix then out[#out + 1] = flat[i + 1] end
  end
  return out
end

--- Adds a member record (role, status, since, awaySince, gen set by the caller) at the end of the join order.
function B.add_member(c, m)
  c.joins = c.joins + 1
  m.joined = c.joins
  c.count = c.count + 1
  if m.status == 'away' then c.away[m.sessionId] = m.awaySince end
  B.put_member(c, m)
end

--- Viewers of c: every member but the editor (the holder).
function B.viewers(c)
  local n = c.count
  if c.lock then
    local h = B.member(c, c.lock.sessionId)
    if h and h.role == 'editor' then n = n - 1 end
  end
  return n
end

--- The session of a member, as the transitions need it: {id, userId, name}.
function B.who(m)
  return { id = m.sessionId, userId = m.userId, name = m.name }
end

-- ------------------------------------------------------------------------------------------------
-- Views as JSON text (MemoryState)

--- Microseconds left on a lock; zero or less means expired (LockRecord.remainingNanos).
function B.remaining(lock)
  return lock.ttl - (B.now - lock.renewedAt)
end

--- Whether the holder's connection dropped and it is inside its grace.
function B.in_grace(c)
  return c.away[c.lock.sessionId] ~= nil
end

function B.holder_json(userId, name, sessionId)
  local s = '{"userId":' .. q(userId) .. ',"name":' .. q(name)
  if sessionId then s = s .. ',"sessionId":' .. q(sessionId) end
  return s .. '}'
end

function B.member_json(m)
  return '{"sessionId":' .. q(m.sessionId) .. ',"userId":' .. q(m.userId) .. ',"name":' .. q(m.name)
    .. ',"role":"' .. m.role .. '","status":"' .. m.status .. '","since":' .. B.n(m.since) .. '}'
end

--- The pending takeover {by, deadline (ms), remainingMs}, or nil.
function B.takeover_json(c)
  local t = c.takeover
  if not t then return nil end
  local rem = B.millis(t.deadline - B.now)
  return '{"by":' .. B.holder_json(t.userId, t.name, t.sessionId) .. ',"deadline":' .. B.n(B.wall + rem)
    .. ',"remainingMs":' .. B.n(rem) .. '}'
end

--- The lock as a service sees it (token included); Java hides the token from other viewers.
function B.lock_json(c)
  local lock = c.lock
  if not lock then
    return '{"inGrace":false,"queueLength":' .. B.n(#c.waiters) .. '}'
  end
  local rem = B.millis(B.remaining(lock))
  local s = '{"holder":' .. B.holder_json(lock.userId, lock.name, lock.sessionId) .. ',"token":' .. B.n(lock.token)
    .. ',"acquiredAt":' .. B.n(lock.acquiredAt) .. ',"expiresAt":' .. B.n(B.wall + rem) .. ',"remainingMs":'
    .. B.n(rem) .. ',"inGrace":' .. tostring(B.in_grace(c)) .. ',"queueLength":' .. B.n(#c.waiters)
  local t = B.takeover_json(c)
  if t then s = s .. ',"takeover":' .. t end
  return s .. '}'
end

function B.lease_json(c)
  local rem = B.millis(B.remaining(c.lock))
  return '{"resource":' .. q(B.rid(c)) .. ',"token":' .. B.n(c.lock.token) .. ',"expiresAt":'
    .. B.n(B.wall + rem) .. ',"remainingMs":' .. B.n(rem) .. '}'
end

--- A view: the resource, its lock, and its presence version; its member records (B.member_records)
--- do not go into the JSON text (building a long string costs Lua time per byte) but into
--- B.records, which B.with_records returns next to the reply as elements of a Redis array; the
--- presence names them by position: `"recordsAt": first element (1 = the one after the reply),
--- "recordCount": how many`. Java puts them in join order (RedisEventCodec.view).
function B.view_json(c)
  local recs = B.member_records(c)
  local at = #B.records + 1
  if at == 1 then
    B.records = recs
  else
    for i = 1, #recs do B.records[at + i - 1] = recs[i] end
  end
  return '{"resource":' .. q(B.rid(c)) .. ',"lock":' .. B.lock_json(c) .. ',"presence":{"version":'
    .. B.n(c.version) .. ',"recordsAt":' .. B.n(at) .. ',"recordCount":' .. B.n(#recs) .. '}}'
end

--- A script's reply: the JSON text alone, or, when views collected member records, a Redis array
--- of the JSON text followed by the records.
function B.with_records(reply)
  if #B.records == 0 then return reply end
  table.insert(B.records, 1, reply)
  return B.records
end

-- ------------------------------------------------------------------------------------------------
-- Events (JSON text, in commit order)

--- Appends an event: its protocol name and the rest of its fields (text starting with a comma).
function B.emit(type, fields)
  B.events[#B.events + 1] = '{"type":"' .. type .. '"' .. fields .. '}'
end

function B.publish_lock(c)
  B.emit('lock.state', ',"resource":' .. q(B.rid(c)) .. ',"lock":' .. B.lock_json(c))
end

local function presence_event(type, c, m, reason)
  local fields = ',"resource":' .. q(B.rid(c)) .. ',"version":' .. B.n(c.version) .. ',"member":' .. B.member_json(m)
  if reason then fields = fields .. ',"reason":"' .. reason .. '"' end
  B.emit(type, fields)
end
B.presence_event = presence_event

local function granted_event(sessionId, c)
  B.emit('lock.granted', ',"sessionId":' .. q(sessionId) .. ',"lease":' .. B.lease_json(c))
end

local function declined_event(sessionId, c, byJson, reason)
  local fields = ',"sessionId":' .. q(sessionId) .. ',"resource":' .. q(B.rid(c))
  if byJson then fields = fields .. ',"by":' .. byJson end
  B.emit('takeover.declined', fields .. ',"reason":' .. q(reason))
end
B.declined_event = declined_event

-- ------------------------------------------------------------------------------------------------
-- Refusals (Refusals)

--- LOCK_HELD for s wanting `wanted`, blocked by the lock of `blocking` (the same resource, or one
--- that blocks it in the document hierarchy, then named in lockResource).
function B.lock_held(s, wanted, blocking)
  local lock = blocking.lock
  local rem = B.millis(B.remaining(lock))
  local self = lock.userId == s.userId
  local lockResource = nil
  if blocking ~= wanted then lockResource = B.rid(blocking) end
  local details = '{"holder":{"userId":' .. q(lock.userId) .. ',"name":' .. q(lock.name)
    .. (self and ',"self":true' or '') .. '},"expiresAt":' .. B.n(B.wall + rem) .. ',"remainingMs":' .. B.n(rem)
    .. ',"inGrace":' .. tostring(B.in_grace(blocking)) .. ',"queueLength":' .. B.n(#wanted.waiters)
    .. (lockResource and (',"lockResource":' .. q(lockResource)) or '') .. '}'
  local what
  if blocking == wanted then
    what = B.rid(wanted)
  else
    what = B.rid(blocking) .. ', which blocks ' .. B.rid(wanted)
  end
  local who
  if self then
    who = 'you are editing ' .. what .. ' in another tab'
  else
    who = lock.name .. ' is editing ' .. what
  end
  return B.refusal('LOCK_HELD', who .. ', expires in ' .. B.human(rem), details, lockResource)
end

--- A limit refusal with the limit and the current count (held for LOCK_LIMIT).
function B.limit(code, message, limit, current)
  local key = code == 'LOCK_LIMIT' and 'held' or 'current'
  return B.refusal(code, message, '{"limit":' .. B.n(limit) .. ',"' .. key .. '":' .. B.n(current) .. '}')
end

--- NOT_JOINED unless sessionId is a member of c (MemoryState.joined); returns the member.
function B.joined(c, sessionId, resource)
  local m = c and B.member(c, sessionId)
  if not m then
    return nil, B.refusal('NOT_JOINED', 'join ' .. resource .. ' first')
  end
  return m
end

-- ------------------------------------------------------------------------------------------------
-- Locks (Transitions)

--- Why s cannot get the lock of c now, or nil: held by another session, blocked by the document
--- hierarchy, or (unless ignoreLimit) over the per-user limit. Settles what it looks at.
function B.blocker(s, c, ignoreLimit)
  if c.lock and c.lock.sessionId ~= s.id then
    return B.lock_held(s, c, c)
  end
  local hierarchy = B.hierarchy_blocker(s, c)
  if hierarchy or ignoreLimit then return hierarchy end
  local limit = B.P.maxLocks
  local held = 0
  for _, child in ipairs(B.doc.children) do
    B.settle(child)
    if child.lock and child.lock.userId == s.userId then held = held + 1 end
  end
  if held >= limit then
    return B.limit('LOCK_LIMIT', s.name .. ' already holds ' .. B.n(held) .. (held == 1 and ' lock' or ' locks')
      .. ' in ' .. B.docId .. ', the limit', limit, held)
  end
  return nil
end

--- LOCK_HELD when another session holds the document lock (for a child) or a child (for the document lock).
function B.hierarchy_blocker(s, c)
  if c.child == '*' then
    for _, child in ipairs(B.doc.children) do
      if child ~= c then
        B.settle(child)
        if child.lock and child.lock.sessionId ~= s.id then
          return B.lock_held(s, c, child)
        end
      end
    end
    return nil
  end
  local docLock = B.find('*')
  if docLock then
    B.settle(docLock)
    if docLock.lock and docLock.lock.sessionId ~= s.id then
      return B.lock_held(s, c, docLock)
    end
  end
  return nil
end

--- The next fencing token: INCR of KEYS[2], never below the wall clock in microseconds, so that a
--- counter lost with the data still continues above every token issued before.
function B.next_token()
  local token = redis.call('INCR', KEYS[2])
  local floor = B.wall * 1000
  if token < floor then
    redis.call('SET', KEYS[2], B.n(floor))
    token = floor
  end
  return token
end

--- Gives s the lock with a new token; it leaves the queue and, if a member, becomes editor.
function B.grant(s, c)
  local token = B.next_token()
  c.lock = { userId = s.userId, name = s.name, sessionId = s.id, token = token, acquiredAt = B.wall,
    renewedAt = B.now, ttl = B.P.ttl, warned = false }
  c.lastGranted = token
  c.touched = B.now
  B.locksDelta = B.locksDelta + 1
  hint(s.userId, B.rid(c), true)
  B.dequeue(c, s.id)
  B.set_member(c, s.id, 'editor', nil)
end

--- Extends the lock by its TTL from now and re-arms the expiry warning.
function B.renew(c)
  c.lock.renewedAt = B.now
  c.lock.warned = false
  B.publish_lock(c)
end

--- Removes the lock, remembering why for verify, and schedules the hand-off. The former holder's
--- member record is left to the caller.
function B.end_lock(c, reason)
  local lock = c.lock
  c.lastEnded = lock.token
  c.lastEndReason = reason
  c.lock = nil
  c.touched = B.now
  B.locksDelta = B.locksDelta - 1
  hint(lock.userId, B.rid(c), false)
  B.due = true
end

--- Releases the holder's lock: it becomes a viewer, members are told.
function B.release(c)
  local holder = c.lock.sessionId
  B.end_lock(c, 'released')
  B.set_member(c, holder, 'viewer', nil)
  B.publish_lock(c)
end

--- Takes the lock from its holder, who is told (lock.revoked) and becomes a viewer. `byJson` is
--- the holder JSON of who took it, or nil.
function B.revoke(c, byJson, reason, endReason)
  local lock = c.lock
  B.end_lock(c, endReason)
  B.emit('lock.revoked', ',"sessionId":' .. q(lock.sessionId) .. ',"resource":' .. q(B.rid(c)) .. ',"token":'
    .. B.n(lock.token) .. (byJson and (',"by":' .. byJson) or '') .. ',"reason":' .. q(reason))
  B.set_member(c, lock.sessionId, 'viewer', nil)
end

function B.expire(c)
  local lock = c.lock
  B.end_lock(c, 'expired')
  B.emit('lock.expired', ',"sessionId":' .. q(lock.sessionId) .. ',"resource":' .. q(B.rid(c)) .. ',"token":'
    .. B.n(lock.token))
  B.set_member(c, lock.sessionId, 'viewer', nil)
  B.publish_lock(c)
end

--- Gives the lock to requester (new token) unless the document hierarchy blocks it; a current holder
--- is revoked and becomes a viewer. Returns the blocking refusal, or nil when the lock moved.
function B.transfer(c, requester, reason, pushGrant)
  local blocked = B.hierarchy_blocker(requester, c)
  if blocked then return blocked end
  if c.lock then
    B.revoke(c, B.holder_json(requester.userId, requester.name, requester.id), reason, 'superseded')
  end
  B.grant(requester, c)
  if pushGrant then granted_event(requester.id, c) end
  B.publish_lock(c)
  return nil
end

--- The pending takeover's moment has come (deadline, acceptance, or the lock freed): the lock passes
--- to its requester if it still can; a requester that is gone is forgotten, a blocked one is told.
function B.complete_takeover(c)
  local t = c.takeover
  c.takeover = nil
  local m = B.member(c, t.sessionId)
  if not m then
    B.publish_lock(c)
    return
  end
  local blocked = B.transfer(c, B.who(m), t.reason, true)
  if blocked then
    declined_event(m.sessionId, c, nil, blocked.message)
    B.publish_lock(c)
  end
end

-- ------------------------------------------------------------------------------------------------
-- Queue and hand-off

function B.position(c, sessionId)
  return B.contains(c.waiters, sessionId) or 0
end

--- Appends s to the queue (if not already in it) and returns its 1-based position.
function B.enqueue(c, s)
  if B.position(c, s.id) == 0 then
    c.waiters[#c.waiters + 1] = s.id
    B.publish_lock(c)
  end
  return B.position(c, s.id)
end

--- Removes sessionId from the queue; everyone behind it is told its new position.
function B.dequeue(c, sessionId)
  local at = B.position(c, sessionId)
  if at == 0 then return false end
  table.remove(c.waiters, at)
  for i = at, #c.waiters do
    B.emit('lock.queued', ',"sessionId":' .. q(c.waiters[i]) .. ',"resource":' .. q(B.rid(c)) .. ',"position":'
      .. B.n(i))
  end
  return true
end

--- Hands every free lock of the document to its next owner while a hand-off is due: the pending
--- takeover's requester first, else the first waiter that is online, still a member and not blocked.
function B.hand_off()
  while B.due do
    B.due = false
    for _, c in ipairs(B.doc.children) do
      if not c.lock and c.takeover then B.complete_takeover(c) end
      if not c.lock and #c.waiters > 0 then B.hand_to_waiter(c) end
    end
  end
end

function B.hand_to_waiter(c)
  for _, w in ipairs(B.copy(c.waiters)) do
    local m = B.member(c, w)
    if not m then
      B.dequeue(c, w)
    elseif m.status == 'online' and B.blocker(B.who(m), c, false) == nil then
      local s = B.who(m)
      B.grant(s, c)
      granted_event(s.id, c)
      B.publish_lock(c)
      return
    end
  end
end

-- ------------------------------------------------------------------------------------------------
-- Presence

--- Changes a member's role and/or status (nil keeps it) and announces it, if it is a member.
function B.set_member(c, sessionId, role, status)
  local m = B.member(c, sessionId)
  if not m then return end
  local newRole = role or m.role
  local newStatus = status or m.status
  if newRole == m.role and newStatus == m.status then return end
  m.role = newRole
  m.status = newStatus
  m.since = B.wall
  if newStatus == 'away' then
    c.away[sessionId] = m.awaySince
  else
    c.away[sessionId] = nil
  end
  B.put_member(c, m)
  c.version = c.version + 1
  presence_event('presence.changed', c, m)
end

--- Removes a membership: its lock released (or announced expired, when its time ran out first), its
--- queue place and pending takeover dropped.
function B.remove_membership(c, sessionId, reason)
  if c.lock and c.lock.sessionId == sessionId then
    if B.remaining(c.lock) <= 0 then
      B.expire(c)
    else
      B.end_lock(c, 'released')
      B.publish_lock(c)
    end
  end
  local changed = B.dequeue(c, sessionId)
  if c.takeover and c.takeover.sessionId == sessionId then
    c.takeover = nil
    changed = true
  end
  if changed then B.publish_lock(c) end
  local m = B.member(c, sessionId)
  local field = member_field(c, sessionId)
  B.mem[field] = false
  B.dirty[field] = true
  c.count = c.count - 1
  c.away[sessionId] = nil
  c.version = c.version + 1
  c.touched = B.now
  presence_event('presence.left', c, m, reason)
end

-- ------------------------------------------------------------------------------------------------
-- Time

--- Why an away member whose grace ended leaves: 'expired' when its node died (its presence lapsed
--- without a disconnect being seen), else 'disconnected'.
function B.lapse_reason(m)
  if m.lapsed then return 'expired' end
  return 'disconnected'
end

function B.grace_over(m)
  return m.status == 'away' and B.now - m.awaySince >= B.P.grace
end

--- Retires what ran out of time in one resource: members whose grace ended (in join order), then
--- the lock's expiry or the takeover deadline, whichever came first.
function B.settle(c)
  if next(c.away) ~= nil then
    local over = {}
    for sessionId, awaySince in pairs(c.away) do
      if B.now - awaySince >= B.P.grace then
        local m = B.member(c, sessionId)
        if m then over[#over + 1] = m else c.away[sessionId] = nil end
      end
    end
    table.sort(over, function(a, b) return a.joined < b.joined end)
    for _, m in ipairs(over) do
      B.remove_membership(c, m.sessionId, B.lapse_reason(m))
    end
  end
  local lock = c.lock
  if not lock then return end
  local lockLeft = B.remaining(lock)
  local takeoverLeft = c.takeover and (c.takeover.deadline - B.now) or nil
  if lockLeft <= 0 and (takeoverLeft == nil or lockLeft <= takeoverLeft) then
    B.expire(c)
  elseif takeoverLeft ~= nil and takeoverLeft <= 0 then
    B.complete_takeover(c)
  end
end

--- Settles one resource and hands on what that freed, before deciding anything (MemoryStore.settle).
function B.settle_h(c)
  B.settle(c)
  B.hand_off()
end

--- Sends lock.expiring once when the lock's remaining time falls below the warning.
function B.warn_if_expiring(c)
  local lock = c.lock
  if not lock or lock.warned then return end
  if B.remaining(lock) < B.P.warn then
    lock.warned = true
    B.emit('lock.expiring', ',"sessionId":' .. q(lock.sessionId) .. ',"lease":' .. B.lease_json(c))
  end
end

function B.idle(c)
  return c.lock == nil and c.count == 0 and next(c.requests) == nil
end

--- The earliest moment (us) at which the sweep has something to do in this document, or nil.
function B.next_deadline()
  local best = nil
  local function consider(t)
    if best == nil or t < best then best = t end
  end
  for _, c in ipairs(B.doc.children) do
    local lock = c.lock
    if lock then
      consider(lock.renewedAt + lock.ttl)
      if not lock.warned then consider(lock.renewedAt + lock.ttl - B.P.warn + 1) end
    end
    if c.takeover then consider(c.takeover.deadline) end
    for _, awaySince in pairs(c.away) do consider(awaySince + B.P.grace) end
    for _, t in pairs(c.requests) do consider(t + B.P.requestInterval) end
    if B.idle(c) and #c.waiters == 0 then consider(c.touched + B.P.idleRecord) end
  end
  return best
end

-- ------------------------------------------------------------------------------------------------
-- Finishing a document script

--- Hands off, publishes the events on KEYS[4], stores the document and its changed members,
--- records its next deadline in KEYS[3] (only ever earlier, unless `sweeping`: then exactly) and
--- returns {result, error, events, seq, next, hints} as JSON (followed by the member records of its
--- views, see B.with_records). `result` is JSON text, or nil.
function B.finish(result, refusal, sweeping)
  B.hand_off()
  local events = '[' .. table.concat(B.events, ',') .. ']'
  if #B.events > 0 then
    B.doc.seq = B.doc.seq + 1
    redis.call(B.P.sharded and 'SPUBLISH' or 'PUBLISH', KEYS[4], '{"seq":' .. B.n(B.doc.seq) .. ',"node":' .. q(B.P.node or '') .. ',"events":'
      .. events .. '}')
  end
  local nextAt = B.next_deadline()
  if #B.doc.children > 0 then
    for _, c in ipairs(B.doc.children) do store_child(c) end
    local out = cjson.encode(B.doc)
    if out ~= B.raw_doc then redis.call('SET', KEYS[1], out) end
    flush_members()
  elseif B.raw_doc then
    redis.call('DEL', KEYS[1], KEYS[6])
  end
  if nextAt then
    if sweeping then
      redis.call('ZADD', KEYS[3], B.n(nextAt), B.docId)
    else
      redis.call('ZADD', KEYS[3], 'LT', B.n(nextAt), B.docId)
    end
  elseif sweeping then
    redis.call('ZREM', KEYS[3], B.docId)
  end
  if B.locksDelta ~= 0 then
    redis.call('INCRBY', KEYS[5], B.n(B.locksDelta))
  end
  return B.with_records('{"result":' .. (result or 'null') .. ',"error":'
    .. (refusal and B.refusal_json(refusal) or 'null') .. ',"events":' .. events .. ',"seq":' .. B.n(B.doc.seq)
    .. ',"next":' .. (nextAt and B.n(nextAt) or 'null') .. ',"hints":[' .. table.concat(B.hints, ',') .. ']}')
end

--- Finishes a refused document script: what it retired on the way stays retired and announced.
function B.refuse(refusal)
  return B.finish(nil, refusal)
end
