package redisstore

import "github.com/redis/go-redis/v9"

// The Lua scripts. Every script that touches documents gets the same five
// keys first (see keyList):
//
//	KEYS[1] ids   hash  ID -> handle
//	KEYS[2] docs  hash  handle -> document blob
//	KEYS[3] bkeys hash  handle -> band keys blob (8 bytes a band, then the ID)
//	KEYS[4] exp   zset  handle scored by expiry time, ms (1e15: never)
//	KEYS[5] meta  hash  config, fingerprint, format, and the handle counter
//
// then, for Add and Candidates, the band's posting sets in band order.
// The posting sets of a stored document (for Remove and expiry) are named
// inside the script from its band keys blob; they share the index's hash
// tag, so on Redis Cluster they live in the slot of the declared keys.
//
// Times are the server's (TIME), so that processes with skewed clocks
// agree on what has expired.

// luaPrelude holds the helpers of the scripts that change documents.
const luaPrelude = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- live reports whether handle h has not expired at now.
local function live(h, now)
  local s = redis.call('ZSCORE', KEYS[4], h)
  return s ~= false and s ~= nil and tonumber(s) > now
end

-- drop deletes document handle h: its postings, ID, blobs and expiry.
local function drop(h, prefix, bands)
  local kb = redis.call('HGET', KEYS[3], h)
  if kb then
    for b = 0, bands - 1 do
      local o = 8 * b
      local key = prefix .. b .. ':' ..
        string.format('%02x%02x%02x%02x%02x%02x%02x%02x', string.byte(kb, o + 1, o + 8))
      redis.call('SREM', key, h)
    end
    local id = string.sub(kb, 8 * bands + 1)
    if redis.call('HGET', KEYS[1], id) == h then
      redis.call('HDEL', KEYS[1], id)
    end
  end
  redis.call('HDEL', KEYS[2], h)
  redis.call('HDEL', KEYS[3], h)
  redis.call('ZREM', KEYS[4], h)
end

-- sweep drops up to limit documents that expired by now.
local function sweep(now, limit, prefix, bands)
  local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', string.format('%.0f', now), 'LIMIT', 0, limit)
  for i = 1, #old do
    drop(old[i], prefix, bands)
  end
  return #old
end
`

// addScript adds one document: ARGV = id, document blob, band keys blob,
// TTL ms (0: none), sweep limit, posting prefix, bands, and the adding
// Store's format, config JSON and fingerprint. It returns -1, writing
// nothing, if KEYS[5] holds another fingerprint, and writes the config
// record if KEYS[5] holds none (the keys were flushed). It then drops up
// to the sweep limit of expired documents, returns 0 if id is stored and
// live; otherwise (dropping an expired document of the same ID) it writes
// the ID, both blobs, the expiry and every posting, and returns 1.
// HINCRBY, its first write that can be refused for lack of memory, comes
// before any write of the new document.
var addScript = redis.NewScript(luaPrelude + `
local id, doc, kb = ARGV[1], ARGV[2], ARGV[3]
local ttl, limit, prefix, bands = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
if #KEYS ~= 5 + bands or #kb ~= 8 * bands + #id then
  return redis.error_reply('neardup: add: wrong number of band keys')
end
local fp = redis.call('HGET', KEYS[5], 'fingerprint')
if fp and fp ~= ARGV[10] then return -1 end
if not fp then
  redis.call('HSET', KEYS[5], 'format', ARGV[8], 'config', ARGV[9], 'fingerprint', ARGV[10])
end
local now = now_ms()
if limit > 0 then sweep(now, limit, prefix, bands) end
local old = redis.call('HGET', KEYS[1], id)
if old then
  if live(old, now) then return 0 end
  drop(old, prefix, bands)
end
local h = tostring(redis.call('HINCRBY', KEYS[5], 'seq', 1))
local exp = 1e15
if ttl > 0 then exp = now + ttl end
redis.call('HSET', KEYS[1], id, h)
redis.call('HSET', KEYS[2], h, doc)
redis.call('HSET', KEYS[3], h, kb)
redis.call('ZADD', KEYS[4], string.format('%.0f', exp), h)
for i = 6, #KEYS do
  redis.call('SADD', KEYS[i], h)
end
return 1
`)

// removeScript removes one document: ARGV = id, posting prefix, bands.
// It returns 1 if the document was stored and live, else 0 (an expired
// document is dropped too).
var removeScript = redis.NewScript(luaPrelude + `
local h = redis.call('HGET', KEYS[1], ARGV[1])
if not h then return 0 end
local was = live(h, now_ms())
drop(h, ARGV[2], tonumber(ARGV[3]))
if was then return 1 end
return 0
`)

// candidatesScript returns the blobs of the live documents posted under
// any of KEYS[6..]: one SUNION, then an expiry check and HGET per handle.
// A handle whose blob is missing is skipped.
var candidatesScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hs = redis.call('SUNION', unpack(KEYS, 6))
local out = {}
for i = 1, #hs do
  local s = redis.call('ZSCORE', KEYS[4], hs[i])
  if s and tonumber(s) > now then
    local d = redis.call('HGET', KEYS[2], hs[i])
    if d then out[#out + 1] = d end
  end
end
return out
`)

// getScript returns the blob of the live document ARGV[1], or nil.
var getScript = redis.NewScript(luaPrelude + `
local h = redis.call('HGET', KEYS[1], ARGV[1])
if not h or not live(h, now_ms()) then return false end
return redis.call('HGET', KEYS[2], h)
`)

// lenScript returns the number of live documents.
var lenScript = redis.NewScript(luaPrelude + `
return redis.call('ZCOUNT', KEYS[4], '(' .. string.format('%.0f', now_ms()), '+inf')
`)

// liveScript returns the handles of the live documents.
var liveScript = redis.NewScript(luaPrelude + `
return redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. string.format('%.0f', now_ms()), '+inf')
`)

// sweepScript drops up to ARGV[1] expired documents (ARGV[2] = posting
// prefix, ARGV[3] = bands) and returns how many it dropped.
var sweepScript = redis.NewScript(luaPrelude + `
return sweep(now_ms(), tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]))
`)

// dropScript drops up to ARGV[1] documents, expired or not (ARGV[2] =
// posting prefix, ARGV[3] = bands), and returns how many it dropped; when
// none are left it deletes the index's remaining keys, config included.
var dropScript = redis.NewScript(luaPrelude + `
local hs = redis.call('ZRANGE', KEYS[4], 0, tonumber(ARGV[1]) - 1)
for i = 1, #hs do
  drop(hs[i], ARGV[2], tonumber(ARGV[3]))
end
if #hs == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
end
return #hs
`)

// initScript stores the config of a new index (ARGV = format, config
// JSON, fingerprint) unless KEYS[5] already holds one, and returns the
// stored format, config and fingerprint.
var initScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[5], 'fingerprint') == 0 then
  redis.call('HSET', KEYS[5], 'format', ARGV[1], 'config', ARGV[2], 'fingerprint', ARGV[3])
end
return redis.call('HMGET', KEYS[5], 'format', 'config', 'fingerprint')
`)

// scripts lists every script, for loading them before a pipeline.
var scripts = []*redis.Script{
	addScript, removeScript, candidatesScript, getScript, lenScript,
	liveScript, sweepScript, dropScript, initScript,
}
