package dedup

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchFixture signs n shingle sets in families: each set is new, an
// exact copy or a near copy (a few shingles swapped) of an earlier one,
// so that many band keys are shared and chains are long.
func batchFixture(t *testing.T, cfg Config, n int, seed uint64) ([]string, []Signature) {
	t.Helper()
	h, err := NewHasher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 3))
	sets := make([][]uint64, n)
	ids := make([]string, n)
	sigs := make([]Signature, n)
	for i := range n {
		switch {
		case i > 0 && r.IntN(4) == 0:
			sets[i] = sets[r.IntN(i)]
		case i > 0 && r.IntN(3) == 0:
			s := slices.Clone(sets[r.IntN(i)])
			for range 1 + r.IntN(3) {
				s[r.IntN(len(s))] = r.Uint64()
			}
			sets[i] = s
		default:
			s := make([]uint64, 20+r.IntN(40))
			for j := range s {
				s[j] = r.Uint64()
			}
			sets[i] = s
		}
		ids[i] = fmt.Sprintf("doc-%d", i)
		sigs[i] = h.SignShingles(sets[i])
	}
	return ids, sigs
}

// batchIndex makes an index over a memory store with a small posting cap,
// so that a different chain order would change query results.
func batchIndex(t *testing.T, cfg Config) (*Index, *memStore) {
	t.Helper()
	st, err := NewMemoryStoreWith(cfg, MemoryStoreOptions{MaxPostings: 3})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndexWithStore(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	return ix, st.(*memStore)
}

// storeShape describes a memory store completely as far as results go:
// the ID of every document number, its values and shingle count, and
// the chain of every band key, in order (all of it, past the cap).
func storeShape(s *memStore) string {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "ids %q free %v\n", s.ids, s.free)
	for d, id := range s.ids {
		if id == "" {
			continue
		}
		r := s.record(uint32(d))
		fmt.Fprintf(&buf, "%d %s %v %d\n", d, id, r.Values, r.Shingles)
	}
	for b := range s.heads {
		var chains []string
		n := 0
		for _, sl := range s.heads[b].slots {
			if sl.head == 0 {
				continue
			}
			n++
			var c []uint32
			for d := sl.head; d != 0; d = *s.link(d-1, b) {
				c = append(c, d-1)
			}
			chains = append(chains, fmt.Sprintf("%x:%v", s.keyOf(sl.head-1, b), c))
		}
		slices.Sort(chains)
		fmt.Fprintf(&buf, "band %d used %d/%d %v\n", b, s.heads[b].used, n, chains)
	}
	return buf.String()
}

// queryAll returns the matches of every signature, as text.
func queryAll(t *testing.T, ix *Index, sigs []Signature) string {
	t.Helper()
	var buf bytes.Buffer
	for i, s := range sigs {
		ms, err := ix.AppendQuery(nil, s, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&buf, "%d: %v\n", i, ms)
	}
	return buf.String()
}

func batchConfigs() []Config {
	return []Config{
		{NumHashes: 32, Bands: 8, Rows: 4, Threshold: 0.6, Method: MethodOPH},
		{NumHashes: 30, Bands: 10, Rows: 3, Threshold: 0.5},
		{NumHashes: 128, Bands: 25, Rows: 5, Threshold: 0.5, Method: MethodOPH},
		{NumHashes: 21, Bands: 7, Rows: 3, Threshold: 0.5, Method: MethodOPH},
	}
}

func TestBandKeysMatchBandKey(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, br := range [][2]int{{1, 1}, {3, 2}, {4, 5}, {7, 3}, {25, 5}, {64, 2}, {9, 1}} {
		bands, rows := br[0], br[1]
		vals := make([]uint32, bands*rows)
		for i := range vals {
			vals[i] = r.Uint32()
		}
		got := bandKeys(nil, vals, bands, rows)
		for b := range bands {
			if want := bandKey(vals[b*rows:(b+1)*rows], b); got[b] != want {
				t.Fatalf("%dx%d band %d: bandKeys %x, bandKey %x", bands, rows, b, got[b], want)
			}
		}
	}
}

// TestAddBatchEqualsAdds checks that batches, between removals (whose
// freed document numbers later adds reuse), leave the store exactly as
// the same Adds in order do: document numbers, values, chains and their
// order, and query results under a small posting cap.
func TestAddBatchEqualsAdds(t *testing.T) {
	for _, cfg := range batchConfigs() {
		t.Run(fmt.Sprintf("%dx%d", cfg.Bands, cfg.Rows), func(t *testing.T) {
			ids, sigs := batchFixture(t, cfg, 3000, 7)
			seq, seqStore := batchIndex(t, cfg)
			bat, batStore := batchIndex(t, cfg)
			r := rand.New(rand.NewPCG(2, 2))
			for lo := 0; lo < len(ids); {
				hi := min(len(ids), lo+1+r.IntN(700))
				for i := lo; i < hi; i++ {
					if err := seq.Add(ids[i], sigs[i]); err != nil {
						t.Fatal(err)
					}
				}
				if err := bat.AddBatch(ids[lo:hi], sigDocs(sigs[lo:hi])); err != nil {
					t.Fatal(err)
				}
				// Remove a few documents from both.
				for range r.IntN(50) {
					id := ids[r.IntN(hi)]
					a, _ := seq.Remove(id)
					b, _ := bat.Remove(id)
					if a != b {
						t.Fatalf("Remove(%s): %v after Adds, %v after batches", id, a, b)
					}
				}
				lo = hi
			}
			if a, b := storeShape(seqStore), storeShape(batStore); a != b {
				t.Fatalf("stores differ:\nAdds:\n%.2000s\nbatches:\n%.2000s", a, b)
			}
			if a, b := queryAll(t, seq, sigs), queryAll(t, bat, sigs); a != b {
				t.Fatal("query results differ")
			}
		})
	}
}

// TestAddBatchLargeFresh checks one large batch into an empty index (the
// path that sizes the ID map up front) against Adds.
func TestAddBatchLargeFresh(t *testing.T) {
	cfg := Config{NumHashes: 32, Bands: 8, Rows: 4, Threshold: 0.6, Method: MethodOPH}
	n := 40000
	if testing.Short() {
		n = 5000
	}
	ids, sigs := batchFixture(t, cfg, n, 11)
	seq, seqStore := batchIndex(t, cfg)
	for i := range ids {
		if err := seq.Add(ids[i], sigs[i]); err != nil {
			t.Fatal(err)
		}
	}
	// A batch this large is posted by GOMAXPROCS goroutines, each with a
	// run of bands (3 does not divide the 8 bands evenly).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var bat *Index
	for _, procs := range []int{1, 3, 2} {
		runtime.GOMAXPROCS(procs)
		b, batStore := batchIndex(t, cfg)
		bat = b
		if err := bat.AddBatch(ids, sigDocs(sigs)); err != nil {
			t.Fatal(err)
		}
		if x, y := storeShape(seqStore), storeShape(batStore); x != y {
			t.Fatalf("GOMAXPROCS=%d: stores differ", procs)
		}
	}
	if a, b := queryAll(t, seq, sigs[:2000]), queryAll(t, bat, sigs[:2000]); a != b {
		t.Fatal("query results differ")
	}
	// Saved and loaded (the bulk load posts with the same code), the
	// index answers the same.
	var buf bytes.Buffer
	if _, err := bat.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := ReadIndex(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	// ReadIndex uses the default cap: compare with an uncapped query set
	// on a store of the same cap.
	ref, err := NewIndex(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.AddBatch(ids, sigDocs(sigs)); err != nil {
		t.Fatal(err)
	}
	if a, b := queryAll(t, ref, sigs[:2000]), queryAll(t, loaded, sigs[:2000]); a != b {
		t.Fatal("loaded index answers differently")
	}
}

// TestAddBatchAllOrNothing checks that a failing batch leaves the index
// unchanged, and that the index then goes on exactly as one that never
// saw the batch.
func TestAddBatchAllOrNothing(t *testing.T) {
	cfg := Config{NumHashes: 32, Bands: 8, Rows: 4, Threshold: 0.6, Method: MethodOPH}
	other := Config{NumHashes: 32, Bands: 8, Rows: 4, Threshold: 0.6}
	ids, sigs := batchFixture(t, cfg, 3000, 5)
	_, otherSigs := batchFixture(t, other, 1, 5)
	ix, st := batchIndex(t, cfg)
	ref, refStore := batchIndex(t, cfg)
	// Some documents, some removed, so that the free list is in play.
	for _, x := range []*Index{ix, ref} {
		if err := x.AddBatch(ids[:1000], sigDocs(sigs[:1000])); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 1000; i += 7 {
			if ok, err := x.Remove(ids[i]); !ok || err != nil {
				t.Fatal(ok, err)
			}
		}
	}
	before := storeShape(st)
	bad := func(name string, bids []string, bsigs []Signature, want error) {
		t.Helper()
		err := ix.AddBatch(bids, sigDocs(bsigs))
		if !errors.Is(err, want) {
			t.Fatalf("%s: error %v, want %v", name, err, want)
		}
		if after := storeShape(st); after != before {
			t.Fatalf("%s: the store changed", name)
		}
	}
	batchIDs := slices.Clone(ids[1000:2000])
	batchSigs := sigs[1000:2000]
	dupLate := slices.Clone(batchIDs)
	dupLate[999] = dupLate[3] // duplicate within the batch, at its end
	bad("duplicate in batch", dupLate, batchSigs, ErrDuplicateID)
	dupIndexed := slices.Clone(batchIDs)
	dupIndexed[500] = ids[1] // indexed already
	bad("duplicate of an indexed ID", dupIndexed, batchSigs, ErrDuplicateID)
	dupFirst := slices.Clone(batchIDs)
	dupFirst[0] = ids[2]
	bad("duplicate first", dupFirst, batchSigs, ErrDuplicateID)
	emptyID := slices.Clone(batchIDs)
	emptyID[10] = ""
	bad("empty ID", emptyID, batchSigs, ErrEmptyID)
	emptySig := slices.Clone(batchSigs)
	emptySig[20] = Signature{}
	bad("empty signature", batchIDs, emptySig, ErrEmpty)
	mismatch := slices.Clone(batchSigs)
	mismatch[30] = otherSigs[0]
	bad("config mismatch", batchIDs, mismatch, ErrConfigMismatch)
	bad("lengths", batchIDs, batchSigs[:10], ErrConfig)

	// The index goes on as the reference, which never saw the batches.
	for _, x := range []*Index{ix, ref} {
		if err := x.AddBatch(ids[1000:], sigDocs(sigs[1000:])); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := storeShape(st), storeShape(refStore); a != b {
		t.Fatal("after failed batches the store differs from one that never saw them")
	}
	if a, b := queryAll(t, ix, sigs), queryAll(t, ref, sigs); a != b {
		t.Fatal("query results differ")
	}
	if err := ix.AddBatch(nil, nil); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
}

// wrappedStore hides the memory store's type, so that AddBatch takes its
// path for other stores.
type wrappedStore struct{ Store }

func TestAddBatchOtherStore(t *testing.T) {
	cfg := Config{NumHashes: 32, Bands: 8, Rows: 4, Threshold: 0.6, Method: MethodOPH}
	ids, sigs := batchFixture(t, cfg, 600, 9)
	st, err := NewMemoryStoreWith(cfg, MemoryStoreOptions{MaxPostings: 3})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndexWithStore(cfg, wrappedStore{st})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := batchIndex(t, cfg)
	if err := ix.AddBatch(ids[:300], sigDocs(sigs[:300])); err != nil {
		t.Fatal(err)
	}
	if err := ref.AddBatch(ids[:300], sigDocs(sigs[:300])); err != nil {
		t.Fatal(err)
	}
	dup := slices.Clone(ids[300:])
	dup[250] = dup[100]
	if err := ix.AddBatch(dup, sigDocs(sigs[300:])); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("duplicate in batch: %v", err)
	}
	dup[250] = ids[5]
	if err := ix.AddBatch(dup, sigDocs(sigs[300:])); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("duplicate of an indexed ID: %v", err)
	}
	if ix.Len() != 300 {
		t.Fatalf("Len %d after failed batches, want 300", ix.Len())
	}
	if err := ix.AddBatch(ids[300:], sigDocs(sigs[300:])); err != nil {
		t.Fatal(err)
	}
	if err := ref.AddBatch(ids[300:], sigDocs(sigs[300:])); err != nil {
		t.Fatal(err)
	}
	if a, b := queryAll(t, ix, sigs), queryAll(t, ref, sigs); a != b {
		t.Fatal("query results differ")
	}
}

// TestQueryPathsAgree checks the memory store's own query path (chains
// walked side by side, repeated candidates dropped with a hash set) against
// the generic one (Candidates, sorted, and a callback), on families large
// enough for long candidate lists, with and without a posting cap.
func TestQueryPathsAgree(t *testing.T) {
	for _, capN := range []int{-1, 3, 0} {
		cfg := Config{NumHashes: 128, Bands: 25, Rows: 5, Threshold: 0.5, Method: MethodOPH}
		ids, sigs := batchFixture(t, cfg, 2000, 13)
		st, err := NewMemoryStoreWith(cfg, MemoryStoreOptions{MaxPostings: capN})
		if err != nil {
			t.Fatal(err)
		}
		own, err := NewIndexWithStore(cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		generic, err := NewIndexWithStore(cfg, wrappedStore{st})
		if err != nil {
			t.Fatal(err)
		}
		if err := own.AddBatch(ids, sigDocs(sigs)); err != nil {
			t.Fatal(err)
		}
		long := 0
		for i, s := range sigs {
			for _, th := range []float64{0, 0.5} {
				a, err := own.AppendQuery(nil, s, th)
				if err != nil {
					t.Fatal(err)
				}
				b, err := generic.AppendQuery(nil, s, th)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(a, b) {
					t.Fatalf("cap %d, query %d, threshold %v: %v, generic path %v", capN, i, th, a, b)
				}
				ms := st.(*memStore)
				vals := compact(nil, s.values)
				if th == 0 {
					// The IDs the candidate path appends, after a
					// prefix it must keep, are the generic path's.
					ca, err := own.AppendCandidates([]string{"keep"}, s)
					if err != nil {
						t.Fatal(err)
					}
					cb, err := generic.AppendCandidates(nil, s)
					if err != nil {
						t.Fatal(err)
					}
					if ca[0] != "keep" {
						t.Fatalf("cap %d, query %d: AppendCandidates overwrote dst", capN, i)
					}
					ca = ca[1:]
					slices.Sort(ca)
					slices.Sort(cb)
					if !slices.Equal(ca, cb) || len(ca) != len(slices.Compact(slices.Clone(ca))) {
						t.Fatalf("cap %d, query %d: candidates %v, generic path %v", capN, i, ca, cb)
					}
					if len(ca) != len(a) {
						t.Fatalf("cap %d, query %d: %d candidates, %d matches at threshold 0", capN, i, len(ca), len(a))
					}
				}
				if raw := ms.collect(nil, bandKeys(nil, vals, cfg.Bands, cfg.Rows), vals); len(raw) > 32 && th == 0 {
					long++
				}
			}
		}
		if long == 0 {
			t.Fatalf("cap %d: no query with more than 32 postings: the hash-set path is untested", capN)
		}
	}
}

func TestDistinct(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	var set []uint32
	for range 200 {
		docs := make([]uint32, r.IntN(300))
		for i := range docs {
			docs[i] = uint32(r.IntN(1 + len(docs)/2))
		}
		want := []uint32{}
		seen := map[uint32]bool{}
		for _, d := range docs {
			if !seen[d] {
				seen[d] = true
				want = append(want, d)
			}
		}
		var got []uint32
		got, set = distinct(slices.Clone(docs), set)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("distinct(%v) = %v, want %v", docs, got, want)
		}
	}
}

// sigDocs returns the Docs of signatures alone, for AddBatch.
func sigDocs(sigs []Signature) []Doc {
	docs := make([]Doc, len(sigs))
	for i, s := range sigs {
		docs[i].Signature = s
	}
	return docs
}

// TestAddBatchKeepsEvidence: documents added in a batch keep their
// Evidence and times, so the rules decide their pairs as after AddDoc.
func TestAddBatchKeepsEvidence(t *testing.T) {
	h, err := NewHasher(Config{})
	require.NoError(t, err)
	texts := []string{encA, "an unrelated article about the harvest of grapes in the south of france this year, which was late.", rwSource}
	ids := []string{"a", "c", "src"}
	t0 := time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]Doc, len(texts))
	for i, text := range texts {
		docs[i] = h.Doc(text)
		docs[i].Time = t0.Add(time.Duration(i) * time.Hour)
	}
	bat, _ := NewIndex(Config{})
	require.NoError(t, bat.AddBatch(ids, docs))
	one, _ := NewIndex(Config{})
	for i, id := range ids {
		require.NoError(t, one.AddDoc(id, docs[i]))
	}
	for _, q := range []string{encB, rwRewrite, encA[:60]} {
		want, err := one.QueryDoc(h.Doc(q))
		require.NoError(t, err)
		got, err := bat.QueryDoc(h.Doc(q))
		require.NoError(t, err)
		assert.Equal(t, want, got, q)
	}
	ev, _, ok := bat.evidence("a")
	require.True(t, ok)
	assert.Equal(t, docs[0].Evidence, ev)
	n, err := bat.Expire(t0.Add(90 * time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}
