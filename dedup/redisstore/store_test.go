package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/storetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreSuite(t *testing.T) {
	c := testClient(t)
	storetest.Run(t, func(t *testing.T, cfg dedup.Config) dedup.Store {
		s := openTest(t, c, cfg, nil)
		t.Cleanup(func() {
			if !t.Failed() {
				checkConsistent(t, s)
			}
		})
		return s
	})
}

func TestStoreSuiteWithTTL(t *testing.T) {
	c := testClient(t)
	storetest.Run(t, func(t *testing.T, cfg dedup.Config) dedup.Store {
		return openTest(t, c, cfg, &Options{TTL: time.Hour, SweepLimit: 4})
	})
}

// testCorpus returns n stories of copies each (a story's copies are
// near-duplicates of it) as IDs and texts: "s<story>-<copy>".
func testCorpus(seed uint64, stories, copies int) (ids, texts []string) {
	r := rand.New(rand.NewPCG(seed, 99))
	vocab := storetest.Vocabulary(3000)
	for s := range stories {
		text := storetest.Story(r, vocab, 150)
		for c := range copies {
			t := text
			if c > 0 {
				t = storetest.Reword(r, vocab, text, 25)
			}
			ids = append(ids, fmt.Sprintf("s%03d-%d", s, c))
			texts = append(texts, t)
		}
	}
	return ids, texts
}

// story returns the story part of a corpus ID.
func story(id string) string { return id[:strings.IndexByte(id, '-')] }

func TestOpenChecksConfig(t *testing.T) {
	c := testClient(t)
	ctx := context.Background()
	s := openTest(t, c, dedup.Config{}, nil)
	ns := s.Namespace()

	// The defaults spelled out are the same config.
	same, err := Open(ctx, c, ns, dedup.DefaultConfig(), &Options{TTL: time.Minute})
	require.NoError(t, err)
	require.Equal(t, s.Config(), same.Config())

	for _, cfg := range []dedup.Config{
		{Threshold: 0.5},
		{NumHashes: 64},
		{Seed: 1},
		{Bands: 32, Rows: 4, Threshold: 0.5},
		{Shingle: dedup.DefaultConfig().Shingle, NumHashes: 256},
	} {
		_, err := Open(ctx, c, ns, cfg, nil)
		require.ErrorIs(t, err, dedup.ErrConfigMismatch, "config %+v", cfg)
		assert.Contains(t, err.Error(), ns)
	}
	// A refused Open left the stored config alone.
	_, err = Open(ctx, c, ns, dedup.Config{}, nil)
	require.NoError(t, err)

	// Another format is refused.
	require.NoError(t, c.HSet(ctx, s.fixed[4], "format", "0").Err())
	_, err = Open(ctx, c, ns, dedup.Config{}, nil)
	require.ErrorIs(t, err, ErrFormat)
	require.NoError(t, c.HSet(ctx, s.fixed[4], "format", storageFormat).Err())
}

func TestOpenRejectsBadArguments(t *testing.T) {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer c.Close()
	for _, ns := range []string{"", "a{b", "a}b", "a b", "a\nb", strings.Repeat("x", 257)} {
		_, err := Open(ctx, c, ns, dedup.Config{}, nil)
		require.ErrorIs(t, err, ErrNamespace, "namespace %q", ns)
	}
	_, err := Open(ctx, c, "ok", dedup.Config{}, &Options{KeyPrefix: "{x}"})
	require.ErrorIs(t, err, ErrNamespace)
	_, err = Open(ctx, c, "ok", dedup.Config{}, &Options{TTL: -time.Second})
	require.ErrorIs(t, err, ErrOptions)
	_, err = Open(ctx, c, "ok", dedup.Config{}, &Options{TTL: time.Microsecond})
	require.ErrorIs(t, err, ErrOptions)
	_, err = Open(ctx, c, "ok", dedup.Config{Threshold: 2}, nil)
	require.ErrorIs(t, err, dedup.ErrConfig)
	_, err = Open(ctx, nil, "ok", dedup.Config{}, nil)
	require.ErrorIs(t, err, ErrOptions)
	_, err = OpenURL(ctx, "http://localhost", "ok", dedup.Config{}, nil)
	require.ErrorIs(t, err, ErrOptions)
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "redis://" + closedPort(t) + "/0?max_retries=-1&dial_timeout=200ms"
	_, err := OpenURL(ctx, url, "ns", dedup.Config{}, nil)
	require.ErrorIs(t, err, ErrUnavailable)
	require.Contains(t, err.Error(), "open ns")
}

func TestKeyLayout(t *testing.T) {
	c := testClient(t)
	s := openTest(t, c, dedup.Config{}, &Options{KeyPrefix: "nd"})
	h, err := dedup.NewHasher(dedup.Config{})
	require.NoError(t, err)
	ix, err := dedup.NewIndexWithStore(dedup.Config{}, s)
	require.NoError(t, err)
	require.NoError(t, ix.Add("a", h.Sign("the quick brown fox jumps over the lazy dog")))
	ns := s.Namespace()
	keys := indexKeys(t, s)
	var postings int
	for _, k := range keys {
		require.True(t, strings.HasPrefix(k, "nd:{"+ns+"}:"), "key %q", k)
		if strings.HasPrefix(k, "nd:{"+ns+"}:p:") {
			postings++
			rest := strings.TrimPrefix(k, "nd:{"+ns+"}:p:")
			band, hexKey, ok := strings.Cut(rest, ":")
			require.True(t, ok, "posting key %q", k)
			require.Len(t, hexKey, 16, "posting key %q", k)
			require.NotEmpty(t, band)
		}
		// One hash tag: every key maps to the namespace's slot.
		slot, err := c.Do(context.Background(), "CLUSTER", "KEYSLOT", k).Int()
		if err == nil {
			want, _ := c.Do(context.Background(), "CLUSTER", "KEYSLOT", ns).Int()
			require.Equal(t, want, slot, "slot of %q", k)
		}
	}
	require.Equal(t, s.bands, postings)
	require.ElementsMatch(t, []string{"ids", "docs", "bkeys", "exp", "meta"}, nonPosting(keys, "nd:{"+ns+"}:"))
	meta, err := c.HGetAll(context.Background(), "nd:{"+ns+"}:meta").Result()
	require.NoError(t, err)
	require.Equal(t, storageFormat, meta["format"])
	var stored dedup.Config
	require.NoError(t, json.Unmarshal([]byte(meta["config"]), &stored))
	require.Equal(t, dedup.DefaultConfig(), stored)
	require.Len(t, meta["fingerprint"], 16)
	require.Equal(t, 1, checkConsistent(t, s))
}

func nonPosting(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if rest := strings.TrimPrefix(k, prefix); !strings.HasPrefix(rest, "p:") {
			out = append(out, rest)
		}
	}
	return out
}

// roundTrips counts the commands and pipelines a client sends, but for
// the handshake of new connections.
type roundTrips struct{ n atomic.Int64 }

// handshake reports whether cmd is part of a connection's set-up.
func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && !handshake(cmds[0]) {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// counted returns the round trips fn made.
func (r *roundTrips) counted(fn func()) int {
	before := r.n.Load()
	fn()
	return int(r.n.Load() - before)
}

func TestRoundTrips(t *testing.T) {
	c := testClient(t)
	var rt roundTrips
	c.AddHook(&rt)
	cfg := dedup.Config{}
	s := openTest(t, c, cfg, nil)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	ids, texts := testCorpus(1, 80, 3)
	sigs := make([]dedup.Signature, len(ids))
	for i, text := range texts {
		sigs[i] = h.Sign(text)
	}
	// Warm up: load the scripts into the server's cache.
	require.NoError(t, ix.Add(ids[0], sigs[0]))
	_, err = ix.Query(sigs[0])
	require.NoError(t, err)

	require.Equal(t, 1, rt.counted(func() { require.NoError(t, ix.Add(ids[1], sigs[1])) }), "round trips of Add")
	var matches []dedup.Match
	require.Equal(t, 1, rt.counted(func() { matches, err = ix.Query(sigs[1]) }), "round trips of Query")
	require.NoError(t, err)
	require.Equal(t, []string{ids[0], ids[1]}, matchIDs(matches))

	// One pipeline for the rest (fewer than DefaultBatchSize).
	batch := make([]Doc, 0, len(ids)-2)
	for i := 2; i < len(ids); i++ {
		batch = append(batch, Doc{ID: ids[i], Sig: sigs[i]})
	}
	var errs []error
	require.Equal(t, 1, rt.counted(func() { errs = s.AddBatch(context.Background(), batch) }), "round trips of AddBatch")
	for i, err := range errs {
		require.NoError(t, err, "AddBatch item %d", i)
	}
	require.Equal(t, len(ids), ix.Len())
	for i, id := range ids {
		matches, err := ix.Query(sigs[i])
		require.NoError(t, err)
		got := matchIDs(matches)
		want := []string{story(id) + "-0", story(id) + "-1", story(id) + "-2"}
		require.ElementsMatch(t, want, got, "matches of %s", id)
	}
	checkConsistent(t, s)
}

func matchIDs(ms []dedup.Match) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	slices.Sort(ids)
	return ids
}

func TestAddBatch(t *testing.T) {
	c := testClient(t)
	cfg := dedup.Config{NumHashes: 64, Threshold: 0.5}
	s := openTest(t, c, cfg, &Options{BatchSize: 7})
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	other, err := dedup.NewHasher(dedup.Config{})
	require.NoError(t, err)
	ids, texts := testCorpus(2, 20, 2)
	var batch []Doc
	for i := range ids {
		batch = append(batch, Doc{ID: ids[i], Sig: h.Sign(texts[i])})
	}
	batch = append(batch,
		Doc{ID: ids[0], Sig: h.Sign(texts[2])},   // duplicate of an earlier item
		Doc{ID: "", Sig: h.Sign(texts[0])},       // empty ID
		Doc{ID: "empty", Sig: h.Sign("")},        // no words
		Doc{ID: "other", Sig: other.Sign("a b")}, // another config
		Doc{ID: "last", Sig: h.Sign("the last one in the batch")},
	)
	errs := s.AddBatch(context.Background(), batch)
	require.Len(t, errs, len(batch))
	for i := range ids {
		require.NoError(t, errs[i], "item %d", i)
	}
	n := len(ids)
	require.ErrorIs(t, errs[n], dedup.ErrDuplicateID)
	require.ErrorIs(t, errs[n+1], dedup.ErrEmptyID)
	require.ErrorIs(t, errs[n+2], dedup.ErrEmpty)
	require.ErrorIs(t, errs[n+3], dedup.ErrConfigMismatch)
	require.NoError(t, errs[n+4])
	require.Equal(t, n+1, checkConsistent(t, s))
	rec, ok, err := s.Get(ids[0])
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, batch[0].Sig.Shingles(), rec.Shingles, "the duplicate replaced the first")
	require.Empty(t, s.AddBatch(context.Background(), nil))

	// After the server lost its scripts (as on a restart), AddBatch loads
	// the script again and adds each document once.
	require.NoError(t, c.ScriptFlush(context.Background()).Err())
	errs = s.AddBatch(context.Background(), []Doc{
		{ID: "after-flush-1", Sig: h.Sign("words after the flush")},
		{ID: "after-flush-2", Sig: h.Sign("more words after the flush")},
	})
	require.Equal(t, []error{nil, nil}, errs)
	require.Equal(t, n+3, checkConsistent(t, s))
}

func TestTTL(t *testing.T) {
	c := testClient(t)
	ctx := context.Background()
	cfg := dedup.Config{}
	const ttl = 3 * time.Second
	s := openTest(t, c, cfg, &Options{TTL: ttl})
	forever, err := Open(ctx, c, s.Namespace(), cfg, nil) // same index, no TTL
	require.NoError(t, err)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	ixForever, err := dedup.NewIndexWithStore(cfg, forever)
	require.NoError(t, err)
	ids, texts := testCorpus(3, 10, 2)
	sigs := make([]dedup.Signature, len(ids))
	for i := range texts {
		sigs[i] = h.Sign(texts[i])
	}
	start := time.Now()
	for i := range ids {
		if i == 0 {
			require.NoError(t, ixForever.Add(ids[i], sigs[i]))
			continue
		}
		require.NoError(t, ix.Add(ids[i], sigs[i]))
	}
	require.Equal(t, len(ids), ix.Len())
	cands, err := ix.Candidates(sigs[2])
	require.NoError(t, err)
	require.Equal(t, []string{ids[2], ids[3]}, cands)
	require.Less(t, time.Since(start), ttl/2, "adds too slow to test expiry: the first documents expired")

	time.Sleep(time.Until(start.Add(ttl + 100*time.Millisecond)))
	// Expired but not yet swept: invisible everywhere.
	require.Equal(t, 1, ix.Len(), "only the document added without TTL is left")
	cands, err = ix.Candidates(sigs[2])
	require.NoError(t, err)
	require.Empty(t, cands)
	cands, err = ix.Candidates(sigs[1])
	require.NoError(t, err)
	require.Equal(t, []string{ids[0]}, cands)
	_, ok, err := s.Get(ids[2])
	require.NoError(t, err)
	require.False(t, ok)
	var ranged []string
	require.NoError(t, s.Range(func(r dedup.Record) bool { ranged = append(ranged, r.ID); return true }))
	require.Equal(t, []string{ids[0]}, ranged)
	removed, err := s.Remove(ids[4])
	require.NoError(t, err)
	require.False(t, removed, "Remove of an expired document")
	// The stored data is still there until swept.
	stored, err := c.HLen(ctx, s.fixed[0]).Result()
	require.NoError(t, err)
	require.EqualValues(t, len(ids)-1, stored)

	// An expired ID can be added again; Add sweeps SweepLimit (16) expired
	// documents on the way.
	require.NoError(t, ix.Add(ids[2], sigs[2]))
	require.Equal(t, 2, ix.Len())
	require.Equal(t, 2+(len(ids)-2-DefaultSweepLimit), checkConsistent(t, s))
	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, len(ids)-2-DefaultSweepLimit, n)
	require.Equal(t, 2, checkConsistent(t, s))
	// Postings of swept documents are gone: just the two documents' sets
	// and the five fixed keys remain.
	require.Len(t, indexKeys(t, s), 5+2*s.bands)
}

func TestStoreErrorsWhenServerFails(t *testing.T) {
	// A command Redis rejects: the index's hash replaced by a string.
	c := testClient(t)
	ctx := context.Background()
	cfg := dedup.Config{}
	s := openTest(t, c, cfg, nil)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	require.NoError(t, ix.Add("a", h.Sign("some words to index here")))
	require.NoError(t, c.Rename(ctx, s.fixed[0], s.fixed[0]+".saved").Err())
	require.NoError(t, c.Set(ctx, s.fixed[0], "not a hash", 0).Err())
	err = ix.Add("b", h.Sign("other words to index here"))
	require.ErrorIs(t, err, ErrRedis)
	require.False(t, errors.Is(err, ErrUnavailable))
	require.NoError(t, c.Del(ctx, s.fixed[0]).Err())
	require.NoError(t, c.Rename(ctx, s.fixed[0]+".saved", s.fixed[0]).Err())
	require.Equal(t, 1, checkConsistent(t, s))
}

func TestCandidatesSkipsMissingRecords(t *testing.T) {
	c := testClient(t)
	ctx := context.Background()
	cfg := dedup.Config{}
	s := openTest(t, c, cfg, nil)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	sig := h.Sign("a story told twice is a story told twice over and over")
	require.NoError(t, ix.Add("a", sig))
	require.NoError(t, ix.Add("b", sig))
	// Lose b's record behind the scripts' back (as an eviction would).
	hb, err := c.HGet(ctx, s.fixed[0], "b").Result()
	require.NoError(t, err)
	require.NoError(t, c.HDel(ctx, s.fixed[1], hb).Err())
	cands, err := ix.Candidates(sig)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, cands)
	_, ok, err := s.Get("b")
	require.NoError(t, err)
	require.False(t, ok)
}

func TestDecodeDoc(t *testing.T) {
	rec := dedup.Record{ID: "id-é", Values: []uint32{0, 1, 1<<32 - 1, 12345}, Shingles: 300, Evidence: []uint32{9, 99}}
	blob := string(appendDoc(nil, rec))
	got, err := decodeDoc(blob, nil, nil)
	require.NoError(t, err)
	require.Equal(t, rec, got)
	rec.Evidence = nil
	got, err = decodeDoc(string(appendDoc(nil, rec)), make([]uint32, 0, 8), nil)
	require.NoError(t, err)
	require.Equal(t, rec, got)
	for i := range len(blob) {
		_, err := decodeDoc(blob[:i], nil, nil)
		require.ErrorIs(t, err, ErrCorrupt, "truncated to %d bytes", i)
	}
	_, err = decodeDoc(blob+"x", nil, nil)
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = decodeDoc("\x02"+blob[1:], nil, nil)
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = decodeDoc("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", nil, nil)
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestPostingKeyMatchesLua(t *testing.T) {
	// The Lua drop function names posting sets from the band keys blob;
	// it must produce the names Add's KEYS use. Check the Go side's form
	// here; checkConsistent checks the Lua side after every Remove.
	s := &Store{posting: "p:{ns}:p:"}
	require.Equal(t, "p:{ns}:p:0:0000000000000001", string(s.postingKey(nil, 0, 1)))
	require.Equal(t, "p:{ns}:p:17:fedcba9876543210", string(s.postingKey(nil, 17, 0xfedcba9876543210)))
	kb := appendKeys(nil, []uint64{0xfedcba9876543210}, "x")
	require.Equal(t, fmt.Sprintf("%x", kb[:8]), "fedcba9876543210")
}

// storyText is an article with a few dozen shingles.
const storyText = "The city council voted on Tuesday to close the old bridge over the river " +
	"after engineers found deep cracks in two of its piers. Traffic will move to the " +
	"northern crossing while the state decides whether to repair or replace it."

// TestAddKeepsConfigRecord: an index whose keys were lost (a flushed
// server, or one restarted without persistence) gets its config record
// back from the next Add, so that Open under another config still fails;
// and a Store whose namespace was dropped and opened under another config
// meanwhile refuses to add to it.
func TestAddKeepsConfigRecord(t *testing.T) {
	c := testClient(t)
	ctx := context.Background()
	cfg := dedup.Config{}
	other := dedup.Config{Shingle: dedup.DefaultConfig().Shingle}
	other.Shingle.Size = 2
	s := openTest(t, c, cfg, nil)
	ns := s.Namespace()
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)

	require.NoError(t, ix.Add("a", h.Sign(storyText)))
	require.NoError(t, c.Del(ctx, indexKeys(t, s)...).Err()) // as FLUSHDB would
	require.NoError(t, ix.Add("b", h.Sign(storyText)))
	_, err = Open(ctx, c, ns, other, nil)
	require.ErrorIs(t, err, dedup.ErrConfigMismatch, "the config record is back")
	errs := s.AddBatch(ctx, []Doc{{ID: "c", Sig: h.Sign(storyText)}})
	require.NoError(t, errs[0])

	require.NoError(t, s.Drop(ctx))
	s2, err := Open(ctx, c, ns, other, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, s2.Drop(ctx)) }()
	err = ix.Add("d", h.Sign(storyText))
	require.ErrorIs(t, err, dedup.ErrConfigMismatch)
	errs = s.AddBatch(ctx, []Doc{{ID: "e", Sig: h.Sign(storyText)}})
	require.ErrorIs(t, errs[0], dedup.ErrConfigMismatch)
	n, err := s2.Len()
	require.NoError(t, err)
	require.Zero(t, n, "nothing of the old config was added")
}
