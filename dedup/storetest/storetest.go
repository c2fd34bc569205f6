// Package storetest is a behaviour suite for implementations of
// dedup.Store. Every Store must pass it: the in-memory store runs it in
// package dedup's tests, and each database-backed store runs it against a
// real server.
//
// A Store under test is fed realistic records and band keys: the suite
// signs synthetic articles with a dedup.Hasher and lets a dedup.Index
// compute each document's record and keys, exactly as in production.
//
// Beyond the dedup.Store documentation, the suite requires that a store
// made for one Config rejects a record or query of another shape (wrong
// number of values or band keys) with an error, leaving itself unchanged.
package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NewStore returns an empty Store for cfg. It is called once per test of
// the suite, with that test's t: a store on a shared server should use a
// fresh namespace and delete it with t.Cleanup.
type NewStore func(t *testing.T, cfg dedup.Config) dedup.Store

// Configs are the configurations the suite runs under: the default one
// (64 bands of 2 rows) and a more selective one (fewer, wider bands).
var Configs = []dedup.Config{
	{},
	{NumHashes: 96, Threshold: 0.5},
}

// Run runs the behaviour suite on the stores made by newStore, once for
// each of Configs, as subtests of t.
func Run(t *testing.T, newStore NewStore) {
	for _, cfg := range Configs {
		b := cfg.Banding()
		t.Run(fmt.Sprintf("bands=%d,rows=%d", b.Bands, b.Rows), func(t *testing.T) {
			run(t, cfg, newStore)
		})
	}
}

func run(t *testing.T, cfg dedup.Config, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(f *fixture)
	}{
		{"AddGet", testAddGet},
		{"StoreOwnsValues", testStoreOwnsValues},
		{"Evidence", testEvidence},
		{"DuplicateID", testDuplicateID},
		{"WrongShape", testWrongShape},
		{"Remove", testRemove},
		{"ReAddAfterRemove", testReAddAfterRemove},
		{"Candidates", testCandidates},
		{"CandidatesBandsAreSeparate", testBandsAreSeparate},
		{"CandidatesOncePerDocument", testCandidatesOnce},
		{"CandidatesStop", testCandidatesStop},
		{"Range", testRange},
		{"RangeStop", testRangeStop},
		{"Len", testLen},
		{"IndexQuery", testIndexQuery},
		{"Concurrent", testConcurrent},
		{"ConcurrentDuplicate", testConcurrentDuplicate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(newFixture(t, cfg, newStore))
		})
	}
}

// fixture is one test's store and article generator.
type fixture struct {
	t     *testing.T
	cfg   dedup.Config
	store dedup.Store
	h     *dedup.Hasher
	vocab []string
	r     *rand.Rand
}

func newFixture(t *testing.T, cfg dedup.Config, newStore NewStore) *fixture {
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	store := newStore(t, cfg)
	require.NotNil(t, store, "newStore returned nil")
	return &fixture{
		t: t, cfg: cfg.WithDefaults(), store: store, h: h,
		vocab: Vocabulary(3000),
		r:     rand.New(rand.NewPCG(7, uint64(len(t.Name())))),
	}
}

// doc is a prepared document: what dedup.Index hands its Store.
type doc struct {
	rec  dedup.Record
	keys []uint64
}

func (p Prepared) doc() doc { return doc{rec: p.Record, keys: p.Keys} }

// story returns a new synthetic article.
func (f *fixture) story() string { return Story(f.r, f.vocab, 150) }

// reword returns a near-duplicate of text.
func (f *fixture) reword(text string) string { return Reword(f.r, f.vocab, text, 25) }

// prepare returns the record and band keys of text under id.
func (f *fixture) prepare(id, text string) doc {
	f.t.Helper()
	d, err := Prepare(f.cfg, id, f.h.Sign(text))
	require.NoError(f.t, err)
	return d.doc()
}

// add prepares text under id and adds it to the store.
func (f *fixture) add(id, text string) doc {
	f.t.Helper()
	d := f.prepare(id, text)
	require.NoError(f.t, f.store.Add(d.rec, d.keys), "Add(%q)", id)
	return d
}

// candidates returns the sorted IDs that Candidates reports for keys,
// failing the test if one is reported twice.
func (f *fixture) candidates(keys []uint64) []string {
	f.t.Helper()
	var ids []string
	require.NoError(f.t, f.store.Candidates(keys, func(r dedup.Record) bool {
		ids = append(ids, r.ID)
		return true
	}))
	slices.Sort(ids)
	require.Equal(f.t, slices.Compact(slices.Clone(ids)), ids, "Candidates reported a document twice")
	return ids
}

func (f *fixture) length() int {
	f.t.Helper()
	n, err := f.store.Len()
	require.NoError(f.t, err)
	return n
}

// requireStored checks that Get returns d's record.
func (f *fixture) requireStored(d doc) {
	f.t.Helper()
	got, ok, err := f.store.Get(d.rec.ID)
	require.NoError(f.t, err)
	require.True(f.t, ok, "Get(%q): not found", d.rec.ID)
	requireSameRecord(f.t, d.rec, got)
}

func (f *fixture) requireAbsent(id string) {
	f.t.Helper()
	_, ok, err := f.store.Get(id)
	require.NoError(f.t, err)
	require.False(f.t, ok, "Get(%q): found", id)
}

func requireSameRecord(t testing.TB, want, got dedup.Record) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.Values, got.Values, "Values of %q", want.ID)
	require.Equal(t, want.Shingles, got.Shingles, "Shingles of %q", want.ID)
	require.Equal(t, len(want.Evidence), len(got.Evidence), "Sentences of %q", want.ID)
	if len(want.Evidence) > 0 {
		require.Equal(t, want.Evidence, got.Evidence, "Sentences of %q", want.ID)
	}
}

func testAddGet(f *fixture) {
	require.Equal(f.t, 0, f.length())
	f.requireAbsent("a")
	a := f.add("a", f.story())
	b := f.add("b", f.story())
	f.requireStored(a)
	f.requireStored(b)
	f.requireAbsent("c")
	require.Equal(f.t, 2, f.length())
}

func testStoreOwnsValues(f *fixture) {
	d := f.prepare("a", f.story())
	want := slices.Clone(d.rec.Values)
	require.NoError(f.t, f.store.Add(d.rec, d.keys))
	for i := range d.rec.Values {
		d.rec.Values[i] ^= 0xffffffff // the caller reuses its slice
	}
	got, ok, err := f.store.Get("a")
	require.NoError(f.t, err)
	require.True(f.t, ok)
	require.Equal(f.t, want, got.Values, "the store kept the caller's Values slice")
	got.Values[0] ^= 1 // Get's Values are the caller's
	again, _, err := f.store.Get("a")
	require.NoError(f.t, err)
	require.Equal(f.t, want, again.Values, "Get returned the store's own Values slice")
}

func testEvidence(f *fixture) {
	d := f.prepare("a", f.story())
	d.rec.Evidence = []uint32{3, 17, 1 << 20, 1<<32 - 1}
	require.NoError(f.t, f.store.Add(d.rec, d.keys))
	f.requireStored(d)
	var seen bool
	require.NoError(f.t, f.store.Candidates(d.keys, func(r dedup.Record) bool {
		seen = true
		assert.Equal(f.t, d.rec.Evidence, r.Evidence, "Candidates' Sentences")
		assert.Equal(f.t, d.rec.Values, r.Values, "Candidates' Values")
		assert.Equal(f.t, d.rec.Shingles, r.Shingles, "Candidates' Shingles")
		return true
	}))
	require.True(f.t, seen)
	e := f.add("e", f.story()) // no sentences
	f.requireStored(e)
}

func testDuplicateID(f *fixture) {
	first := f.add("x", f.story())
	other := f.add("y", f.story())
	second := f.prepare("x", f.story())
	err := f.store.Add(second.rec, second.keys)
	require.ErrorIs(f.t, err, dedup.ErrDuplicateID)
	require.Equal(f.t, 2, f.length(), "a rejected Add changed Len")
	f.requireStored(first)
	f.requireStored(other)
	require.Empty(f.t, f.candidates(second.keys), "a rejected Add left postings behind")
	require.Equal(f.t, []string{"x"}, f.candidates(first.keys))
	// The same record again is a duplicate too.
	require.ErrorIs(f.t, f.store.Add(first.rec, first.keys), dedup.ErrDuplicateID)
	require.Equal(f.t, 2, f.length())
	require.Equal(f.t, []string{"x"}, f.candidates(first.keys))
}

func testWrongShape(f *fixture) {
	d := f.prepare("a", f.story())
	short := d.rec
	short.Values = d.rec.Values[:len(d.rec.Values)-1]
	require.Error(f.t, f.store.Add(short, d.keys), "Add of a record with too few values")
	require.Error(f.t, f.store.Add(d.rec, d.keys[:len(d.keys)-1]), "Add with too few band keys")
	require.Error(f.t, f.store.Add(d.rec, append(slices.Clone(d.keys), 1)), "Add with too many band keys")
	require.Equal(f.t, 0, f.length())
	f.requireAbsent("a")
	f.add("a", f.story())
	err := f.store.Candidates(d.keys[:1], func(dedup.Record) bool { return true })
	require.Error(f.t, err, "Candidates with too few band keys")
}

func testRemove(f *fixture) {
	text := f.story()
	a := f.add("a", text)
	b := f.add("b", f.reword(text))
	c := f.add("c", f.story())
	require.Equal(f.t, []string{"a", "b"}, f.candidates(a.keys))

	ok, err := f.store.Remove("a")
	require.NoError(f.t, err)
	require.True(f.t, ok, "Remove of a stored ID")
	ok, err = f.store.Remove("a")
	require.NoError(f.t, err)
	require.False(f.t, ok, "second Remove of the same ID")
	ok, err = f.store.Remove("never-added")
	require.NoError(f.t, err)
	require.False(f.t, ok)

	f.requireAbsent("a")
	require.Equal(f.t, 2, f.length())
	require.Equal(f.t, []string{"b"}, f.candidates(a.keys), "Remove left a posting of the removed document")
	require.Equal(f.t, []string{"b"}, f.candidates(b.keys))
	require.Equal(f.t, []string{"c"}, f.candidates(c.keys))
	f.requireStored(b)
	f.requireStored(c)
	var ranged []string
	require.NoError(f.t, f.store.Range(func(r dedup.Record) bool {
		ranged = append(ranged, r.ID)
		return true
	}))
	require.ElementsMatch(f.t, []string{"b", "c"}, ranged)

	for _, id := range []string{"b", "c"} {
		ok, err := f.store.Remove(id)
		require.NoError(f.t, err)
		require.True(f.t, ok)
	}
	require.Equal(f.t, 0, f.length())
	require.Empty(f.t, f.candidates(b.keys))
	require.Empty(f.t, f.candidates(c.keys))
}

func testReAddAfterRemove(f *fixture) {
	a := f.add("a", f.story())
	ok, err := f.store.Remove("a")
	require.NoError(f.t, err)
	require.True(f.t, ok)
	// The same ID with other content: only the new postings exist.
	a2 := f.add("a", f.story())
	f.requireStored(a2)
	require.Empty(f.t, f.candidates(a.keys))
	require.Equal(f.t, []string{"a"}, f.candidates(a2.keys))
	require.Equal(f.t, 1, f.length())
}

func testCandidates(f *fixture) {
	const stories = 10
	var originals []doc
	var texts []string
	for i := range stories {
		text := f.story()
		texts = append(texts, text)
		originals = append(originals, f.add(fmt.Sprintf("s%d", i), text))
		f.add(fmt.Sprintf("s%d-copy1", i), f.reword(text))
		f.add(fmt.Sprintf("s%d-copy2", i), f.reword(text))
	}
	for i, o := range originals {
		want := []string{fmt.Sprintf("s%d", i), fmt.Sprintf("s%d-copy1", i), fmt.Sprintf("s%d-copy2", i)}
		require.Equal(f.t, want, f.candidates(o.keys), "candidates of story %d", i)
		// A query that is not itself stored.
		q := f.prepare("query", f.reword(texts[i]))
		require.Equal(f.t, want, f.candidates(q.keys), "candidates of a fresh copy of story %d", i)
	}
	require.Empty(f.t, f.candidates(f.prepare("q", f.story()).keys), "an unrelated article has candidates")
	// Records are those stored. The Record is only valid during the
	// call, and fn must not call the store: keep copies.
	var recs []dedup.Record
	require.NoError(f.t, f.store.Candidates(originals[0].keys, func(r dedup.Record) bool {
		r.Values = slices.Clone(r.Values)
		r.Evidence = slices.Clone(r.Evidence)
		recs = append(recs, r)
		return true
	}))
	require.Len(f.t, recs, 3)
	for _, r := range recs {
		got, ok, err := f.store.Get(r.ID)
		require.NoError(f.t, err)
		require.True(f.t, ok)
		requireSameRecord(f.t, got, r)
	}
}

func testBandsAreSeparate(f *fixture) {
	a := f.add("a", f.story())
	rotated := append(slices.Clone(a.keys[1:]), a.keys[0])
	require.Empty(f.t, f.candidates(rotated), "a band key was looked up in another band")
	require.Equal(f.t, []string{"a"}, f.candidates(a.keys))
	// One matching band is enough.
	other := f.prepare("q", f.story())
	for b := range a.keys {
		keys := slices.Clone(other.keys)
		keys[b] = a.keys[b]
		require.Equal(f.t, []string{"a"}, f.candidates(keys), "only band %d matches", b)
	}
}

func testCandidatesOnce(f *fixture) {
	text := f.story()
	a := f.add("a", text)
	f.add("b", text) // identical: shares every band
	f.add("c", f.reword(text))
	require.Equal(f.t, []string{"a", "b", "c"}, f.candidates(a.keys))
}

func testCandidatesStop(f *fixture) {
	text := f.story()
	var d doc
	for i := range 5 {
		d = f.add(fmt.Sprintf("d%d", i), text)
	}
	calls := 0
	require.NoError(f.t, f.store.Candidates(d.keys, func(dedup.Record) bool {
		calls++
		return false
	}))
	require.Equal(f.t, 1, calls, "Candidates went on after fn returned false")
}

func testRange(f *fixture) {
	calls := 0
	require.NoError(f.t, f.store.Range(func(dedup.Record) bool { calls++; return true }))
	require.Zero(f.t, calls, "Range of an empty store")
	want := map[string]doc{}
	for i := range 40 {
		id := fmt.Sprintf("doc-%02d", i)
		want[id] = f.add(id, f.story())
	}
	seen := map[string]int{}
	require.NoError(f.t, f.store.Range(func(r dedup.Record) bool {
		seen[r.ID]++
		if d, ok := want[r.ID]; assert.True(f.t, ok, "Range reported unknown %q", r.ID) {
			assert.Equal(f.t, d.rec.Values, r.Values, "values of %q", r.ID)
			assert.Equal(f.t, d.rec.Shingles, r.Shingles, "shingles of %q", r.ID)
		}
		return true
	}))
	require.Len(f.t, seen, len(want))
	for id, n := range seen {
		require.Equal(f.t, 1, n, "Range reported %q %d times", id, n)
	}
}

func testRangeStop(f *fixture) {
	for i := range 10 {
		f.add(fmt.Sprintf("d%d", i), f.story())
	}
	calls := 0
	require.NoError(f.t, f.store.Range(func(dedup.Record) bool {
		calls++
		return calls < 3
	}))
	require.Equal(f.t, 3, calls, "Range went on after fn returned false")
}

func testLen(f *fixture) {
	for i := range 12 {
		require.Equal(f.t, i, f.length())
		f.add(fmt.Sprintf("d%d", i), f.story())
	}
	for i := range 12 {
		if i%3 == 0 {
			ok, err := f.store.Remove(fmt.Sprintf("d%d", i))
			require.NoError(f.t, err)
			require.True(f.t, ok)
		}
	}
	require.Equal(f.t, 8, f.length())
}

func testIndexQuery(f *fixture) {
	ix, err := dedup.NewIndexWithStore(f.cfg, f.store)
	require.NoError(f.t, err)
	texts := map[string]string{}
	for i := range 8 {
		text := f.story()
		texts[fmt.Sprintf("s%d", i)] = text
		require.NoError(f.t, ix.Add(fmt.Sprintf("s%d", i), f.h.Sign(text)))
	}
	require.Equal(f.t, 8, ix.Len())
	for id, text := range texts {
		matches, err := ix.Query(f.h.Sign(f.reword(text)))
		require.NoError(f.t, err)
		require.Len(f.t, matches, 1, "matches of a copy of %s", id)
		require.Equal(f.t, id, matches[0].ID)
		require.GreaterOrEqual(f.t, matches[0].Similarity, f.cfg.Threshold)
	}
	err = ix.Add("s0", f.h.Sign(f.story()))
	require.ErrorIs(f.t, err, dedup.ErrDuplicateID)
	ok, err := ix.Remove("s0")
	require.NoError(f.t, err)
	require.True(f.t, ok)
	matches, err := ix.Query(f.h.Sign(texts["s0"]))
	require.NoError(f.t, err)
	require.Empty(f.t, matches)
}

func testConcurrent(f *fixture) {
	const workers, perWorker = 8, 24
	// Texts are made up front: the fixture's generator is not safe for
	// concurrent use. Copies of one story go to different workers.
	type item struct {
		id   string
		text string
	}
	work := make([][]item, workers)
	for s := range workers * perWorker / 2 {
		text := f.story()
		for c := range 2 {
			w := (s + c) % workers
			if c == 1 {
				text = f.reword(text)
			}
			work[w] = append(work[w], item{fmt.Sprintf("s%03d-%d", s, c), text})
		}
	}
	prepared := make([][]doc, workers)
	for w, items := range work {
		for _, it := range items {
			prepared[w] = append(prepared[w], f.prepare(it.id, it.text))
		}
	}
	errs := make(chan error, workers+1)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() { // Len and Range run alongside the writers
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := f.store.Len(); err != nil {
				errs <- fmt.Errorf("Len: %w", err)
				return
			}
			if err := f.store.Range(func(r dedup.Record) bool { return len(r.Values) > 0 }); err != nil {
				errs <- fmt.Errorf("Range: %w", err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
	for w := range workers {
		wg.Go(func() {
			for i, d := range prepared[w] {
				if err := f.store.Add(d.rec, d.keys); err != nil {
					errs <- fmt.Errorf("Add(%q): %w", d.rec.ID, err)
					return
				}
				found := false
				if err := f.store.Candidates(d.keys, func(r dedup.Record) bool {
					found = found || r.ID == d.rec.ID
					return true
				}); err != nil {
					errs <- fmt.Errorf("Candidates: %w", err)
					return
				}
				if !found {
					errs <- fmt.Errorf("%q not a candidate of itself right after Add", d.rec.ID)
					return
				}
				if i%4 == 3 {
					if ok, err := f.store.Remove(d.rec.ID); err != nil || !ok {
						errs <- fmt.Errorf("Remove(%q) = %v, %v", d.rec.ID, ok, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		require.NoError(f.t, err)
	}
	kept := 0
	for _, docs := range prepared {
		for i, d := range docs {
			if i%4 == 3 {
				f.requireAbsent(d.rec.ID)
				require.NotContains(f.t, f.candidates(d.keys), d.rec.ID)
				continue
			}
			kept++
			f.requireStored(d)
			require.Contains(f.t, f.candidates(d.keys), d.rec.ID)
		}
	}
	require.Equal(f.t, kept, f.length())
}

func testConcurrentDuplicate(f *fixture) {
	const rounds, racers = 6, 6
	for round := range rounds {
		id := fmt.Sprintf("contested-%d", round)
		docs := make([]doc, racers)
		for i := range docs {
			docs[i] = f.prepare(id, f.story())
		}
		results := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() { results[i] = f.store.Add(docs[i].rec, docs[i].keys) })
		}
		wg.Wait()
		winner := -1
		for i, err := range results {
			if err == nil {
				require.Equal(f.t, -1, winner, "two concurrent Adds of %q succeeded", id)
				winner = i
				continue
			}
			require.True(f.t, errors.Is(err, dedup.ErrDuplicateID), "Add(%q): %v", id, err)
		}
		require.NotEqual(f.t, -1, winner, "no concurrent Add of %q succeeded", id)
		f.requireStored(docs[winner])
		for i, d := range docs {
			if i != winner {
				require.NotContains(f.t, f.candidates(d.keys), id, "a losing Add left postings")
			}
		}
	}
	require.Equal(f.t, rounds, f.length())
}
