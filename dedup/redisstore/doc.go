// Package redisstore keeps a dedup LSH index in Redis, so that many
// processes, on many machines, can share one index of news articles: a
// [dedup.Store] on github.com/redis/go-redis/v9.
//
//	store, err := redisstore.OpenURL(ctx, "redis://127.0.0.1:6379/0", "news", cfg,
//		&redisstore.Options{TTL: 72 * time.Hour})
//	...
//	ix, err := dedup.NewIndexWithStore(cfg, store)
//	d, err := dedup.NewWithIndex(cfg, ix) // or use ix.Add and ix.Query
//
// [Open] takes any redis.UniversalClient (a single server, Sentinel, or
// Cluster); [OpenURL] dials one server from a URL and owns the connection.
// It needs Redis 5 or later (Lua scripts replicated by their effects);
// it is tested with Redis 7.0.
//
// # Key layout
//
// Every key of one index starts with "<prefix>:{<namespace>}:" (prefix
// "neardup" unless Options.KeyPrefix says otherwise), so many indexes can
// share one Redis:
//
//	neardup:{news}:meta            hash: format, config (JSON of the dedup.Config
//	                               with defaults), fingerprint (of that JSON),
//	                               seq (the handle counter)
//	neardup:{news}:ids             hash: document ID -> handle (a number)
//	neardup:{news}:docs            hash: handle -> record blob: ID, shingle count,
//	                               32-bit MinHash values, sentence sketch
//	neardup:{news}:bkeys           hash: handle -> the document's band keys
//	                               (8 bytes a band) and ID, to find its postings
//	neardup:{news}:exp             sorted set: handle scored by expiry time (ms)
//	neardup:{news}:p:<band>:<key>  set of handles: the posting of a 64-bit band
//	                               key (16 hex digits) in band <band>
//
// Postings hold numeric handles rather than IDs, so they stay small
// whatever the IDs (Redis keeps small sets of integers as compact
// intsets). A document costs one posting per band: with the default
// Config, 64 posting-set members and, for a document whose band keys are
// its own, 64 small keys: about 6 KB of Redis memory per article (Redis
// 7.0, 2000 articles with URL-like IDs), so a day of 100,000 articles
// takes about 600 MB.
//
// The Config is written when the index is created. Open compares it with
// its own cfg (after defaults) and refuses an index made under another
// with an error wrapping dedup.ErrConfigMismatch, so signatures of
// different settings are never mixed. Add checks it too: it writes the
// Store's Config again if the index's keys were lost (a flushed server,
// or one restarted without persistence), and refuses with
// dedup.ErrConfigMismatch if the namespace was dropped and opened under
// another Config meanwhile.
//
// # Redis Cluster
//
// The braces make {namespace} the hash tag of every key: all keys of one
// index hash to one slot, so each Lua script touches a single slot, as
// Cluster requires. The trade-off: one index lives on one cluster node
// (and its replicas), and is bounded by that node's memory and CPU;
// Cluster spreads different indexes (namespaces) over nodes, not one
// index. Scripts that remove documents name the document's posting sets
// from its stored band keys rather than receiving them as KEYS; they are
// in the same slot, which Redis Cluster accepts.
//
// # Atomicity
//
// Every change is one Lua script, sent with EVALSHA (go-redis
// redis.NewScript, falling back to EVAL when the server's script cache is
// empty, as after a restart). Redis runs a script without interleaving
// other commands, and persists and replicates its effects as one
// transaction, so a crash or a lost connection never leaves a partial
// document:
//
//   - Add: checks for a live document with the same ID (dedup.ErrDuplicateID,
//     nothing written), then writes ID, record, band keys, expiry and every
//     posting.
//   - Remove: deletes postings, ID, record, band keys and expiry.
//   - Candidates: one script reads the union of the posting sets of all
//     band keys, drops expired handles and returns the records; a handle
//     whose record is missing (which a consistent index never has, but an
//     evicted or hand-edited one might) is skipped, so a half-removed
//     document is never a match.
//   - Get and Len: one script each. Range lists the live handles in one
//     round trip, then fetches records 512 per round trip.
//
// Adding or querying one article is one round trip. [Store.AddBatch] sends
// Options.BatchSize articles (default 256) per round trip, as a pipeline
// of Add scripts, each still atomic on its own.
//
// The dedup.Deduper check-then-insert (query, then add) is atomic within
// one process only: two copies of one story that arrive at the same
// moment in two processes may both be reported new. Both are indexed, and
// later copies match both.
//
// # Expiry
//
// With Options.TTL, each document expires TTL after its Add, by the Redis
// server's clock (processes with skewed clocks agree). Expiry is logical
// and exact: the exp sorted set holds each document's expiry time, and
// Candidates, Get, Len and Range treat a document past it as gone at
// once. Its data is deleted by a sweep that removes documents whole, with
// their postings, in the same atomic way as Remove: every Add sweeps up to
// Options.SweepLimit (default 16) expired documents first, which keeps up
// with any steady stream of adds, and [Store.Sweep] removes all of them.
// Postings therefore never outlive their document, and the index never
// holds stale handles. Redis key expiry (EXPIRE) is not used: it would
// delete a record but leave its handle in up to 64 posting sets. An index
// that stops receiving adds keeps its expired data until the next Add or
// Sweep; call Sweep periodically if that matters. Processes may use
// different TTLs on one index (each document keeps the TTL of the process
// that added it); TTL 0 keeps documents until Remove.
//
// Do not let Redis evict the index's keys (use maxmemory-policy
// noeviction, or volatile-* as the index has no keys with a TTL):
// eviction deletes keys without their related keys. Candidates and Get
// skip what eviction orphaned, but the index loses documents silently.
//
// # Failures
//
// Every method returns an error when Redis is unreachable or a command
// fails, never a partial result; the error wraps [ErrUnavailable]
// (connection refused or lost, timeout, server loading or read-only,
// cluster down) or [ErrRedis] (a command Redis rejected, such as out of
// memory), and the go-redis error. A write that fails may or may not have
// been applied, but only whole: an Add that returned ErrUnavailable may,
// when retried, report dedup.ErrDuplicateID because the first attempt had
// in fact been applied. The dedup.Store methods take no context; each
// call is bounded by Options.Timeout (default 10s). After an outage,
// go-redis stops dialling a server that refuses connections and probes it
// once a second, so calls may fail for up to a second after Redis is
// back.
//
// A Store is safe for concurrent use by multiple goroutines, and any
// number of processes may use one namespace at once.
package redisstore
