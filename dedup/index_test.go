package dedup_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// indexFixture is an index config and a signer for sets of shingle hashes.
type indexFixture struct {
	cfg dedup.Config
	h   *dedup.Hasher
	rng *rand.Rand
}

func newIndexFixture(t *testing.T) *indexFixture {
	t.Helper()
	cfg := dedup.Config{NumHashes: 128, Threshold: 0.5, Seed: 77}
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	return &indexFixture{cfg: cfg, h: h, rng: rand.New(rand.NewPCG(77, 78))}
}

func (f *indexFixture) newIndex(t *testing.T) *dedup.Index {
	t.Helper()
	ix, err := dedup.NewIndex(f.cfg)
	require.NoError(t, err)
	return ix
}

// pair returns the signatures of two sets of Jaccard similarity j.
func (f *indexFixture) pair(j float64) (a, b dedup.Signature) {
	sa, sb := exactJaccardSets(f.rng, j, 200)
	return f.h.SignShingles(sa), f.h.SignShingles(sb)
}

// similarTo returns the signatures of sets of the given Jaccard
// similarities to one query set, and the query's signature.
func (f *indexFixture) similarTo(sims []float64) (query dedup.Signature, docs []dedup.Signature) {
	const size = 200
	q := make([]uint64, size)
	for i := range q {
		q[i] = f.rng.Uint64()
	}
	for _, j := range sims {
		// |Q∩D| = m and |D| = size give J = m / (2*size - m).
		m := int(2 * size * j / (1 + j))
		d := slices.Clone(q[:m])
		for len(d) < size {
			d = append(d, f.rng.Uint64())
		}
		docs = append(docs, f.h.SignShingles(d))
	}
	return f.h.SignShingles(q), docs
}

func ids(ms []dedup.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestIndexAddQueryBasics(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	assert.Equal(t, 0, ix.Len())
	assert.Equal(t, f.h.Config(), ix.Config())

	a, a2 := f.pair(0.9)
	b, _ := f.pair(0.9)
	require.NoError(t, ix.Add("a", a))
	assert.Equal(t, 1, ix.Len())
	// Searchable at once, no build step.
	ms, err := ix.Query(a2)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, ids(ms))
	want, err := a.Similarity(a2)
	require.NoError(t, err)
	assert.InDelta(t, want, ms[0].Similarity, 1.0/128)
	assert.GreaterOrEqual(t, ms[0].Similarity, 0.5)
	// Equal set sizes: containment = 2J/(1+J) of the estimate.
	assert.InDelta(t, 2*ms[0].Similarity/(1+ms[0].Similarity), ms[0].Containment, 1e-9)

	require.NoError(t, ix.Add("b", b))
	assert.Equal(t, 2, ix.Len())
	ms, err = ix.Query(b)
	require.NoError(t, err)
	require.Equal(t, []string{"b"}, ids(ms))
	assert.Equal(t, 1.0, ms[0].Similarity)
	assert.Equal(t, 1.0, ms[0].Containment)

	cands, err := ix.Candidates(a2)
	require.NoError(t, err)
	assert.Contains(t, cands, "a")
	assert.NotContains(t, cands, "b")

	// An unrelated signature finds nothing.
	c, _ := f.pair(0.5)
	ms, err = ix.Query(c)
	require.NoError(t, err)
	assert.Empty(t, ms)
}

func TestIndexSearchableImmediately(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	for i := range 50 {
		a, b := f.pair(0.8)
		id := fmt.Sprintf("doc%02d", i)
		require.NoError(t, ix.Add(id, a))
		ms, err := ix.Query(a)
		require.NoError(t, err)
		require.Contains(t, ids(ms), id, "right after Add")
		ms, err = ix.Query(b)
		require.NoError(t, err)
		require.Contains(t, ids(ms), id, "similar copy right after Add")
		assert.Equal(t, i+1, ix.Len())
	}
}

func TestIndexDuplicateID(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	first, _ := f.pair(0.5)
	second, _ := f.pair(0.5)
	require.NoError(t, ix.Add("x", first))
	err := ix.Add("x", second)
	require.ErrorIs(t, err, dedup.ErrDuplicateID)
	assert.Equal(t, 1, ix.Len())

	// The index keeps the first.
	ms, err := ix.Query(first)
	require.NoError(t, err)
	require.Equal(t, []string{"x"}, ids(ms))
	assert.Equal(t, 1.0, ms[0].Similarity)
	ms, err = ix.Query(second)
	require.NoError(t, err)
	assert.Empty(t, ms)
	cands, err := ix.Candidates(second)
	require.NoError(t, err)
	assert.Empty(t, cands, "no posting of the refused signature")
}

func TestIndexBadAdds(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	a, _ := f.pair(0.5)

	require.ErrorIs(t, ix.Add("", a), dedup.ErrEmptyID)

	empty := f.h.Sign("")
	require.True(t, empty.Empty())
	require.ErrorIs(t, ix.Add("e", empty), dedup.ErrEmpty)
	require.ErrorIs(t, ix.Add("e2", f.h.SignShingles(nil)), dedup.ErrEmpty)
	assert.Equal(t, 0, ix.Len())

	// Querying with an empty signature finds nothing, without error.
	require.NoError(t, ix.Add("a", a))
	ms, err := ix.Query(empty)
	require.NoError(t, err)
	assert.Empty(t, ms)
	cands, err := ix.Candidates(empty)
	require.NoError(t, err)
	assert.Empty(t, cands)

	// The zero Signature is not from this config: refused either way.
	require.Error(t, ix.Add("z", dedup.Signature{}))
	assert.Equal(t, 1, ix.Len())
}

func TestIndexConfigMismatch(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	a, _ := f.pair(0.5)
	require.NoError(t, ix.Add("a", a))

	for name, cfg := range map[string]dedup.Config{
		"seed":      {NumHashes: 128, Threshold: 0.5, Seed: 78},
		"numhashes": {NumHashes: 64, Threshold: 0.5, Seed: 77},
		"shingles":  {NumHashes: 128, Threshold: 0.5, Seed: 77, Shingle: shingle.Config{Size: 4}},
	} {
		h, err := dedup.NewHasher(cfg)
		require.NoError(t, err, name)
		other := h.SignShingles([]uint64{1, 2, 3})
		require.ErrorIs(t, ix.Add("o", other), dedup.ErrConfigMismatch, name)
		_, err = ix.Query(other)
		require.ErrorIs(t, err, dedup.ErrConfigMismatch, name)
		_, err = ix.Candidates(other)
		require.ErrorIs(t, err, dedup.ErrConfigMismatch, name)
		_, err = ix.AppendQuery(nil, other, 0.1)
		require.ErrorIs(t, err, dedup.ErrConfigMismatch, name)
	}
	assert.Equal(t, 1, ix.Len())

	// A different threshold (and so banding) signs the same values but is
	// a different index: the signature fits, it is the index's threshold
	// that decides.
	h, err := dedup.NewHasher(dedup.Config{NumHashes: 128, Threshold: 0.9, Seed: 77})
	require.NoError(t, err)
	set := []uint64{10, 20, 30, 40}
	ms, err := ix.Query(h.SignShingles(set))
	require.NoError(t, err)
	assert.Empty(t, ms)
}

func TestIndexQueryOrderAndThreshold(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	sims := []float64{0.3, 0.95, 0.6, 0.1, 0.8, 0.45, 0.7, 0.55, 0.9}
	q, docs := f.similarTo(sims)
	for i, d := range docs {
		require.NoError(t, ix.Add(fmt.Sprintf("d%d", i), d))
	}
	// Two identical copies tie: ties go by ID.
	require.NoError(t, ix.Add("tie-b", docs[1]))
	require.NoError(t, ix.Add("tie-a", docs[1]))

	ms, err := ix.Query(q)
	require.NoError(t, err)
	t.Logf("query results: %+v", ms)
	require.NotEmpty(t, ms)
	for _, m := range ms {
		// The threshold, or the trimmed-copy rule (the query is the
		// shorter side).
		if m.Similarity < f.cfg.Threshold {
			assert.GreaterOrEqual(t, m.Similarity, f.cfg.Threshold/2, m.ID)
			assert.GreaterOrEqual(t, m.Containment, 0.5, m.ID)
			assert.GreaterOrEqual(t, m.Shingles, q.Shingles(), m.ID)
		}
	}
	assert.True(t, slices.IsSortedFunc(ms, func(a, b dedup.Match) int {
		return cmp.Or(cmp.Compare(b.Similarity, a.Similarity), cmp.Compare(a.ID, b.ID))
	}), "most similar first, ties by ID: %+v", ms)

	// Each returned similarity is the signatures' estimate, and every
	// document whose estimate reaches the threshold is returned (pairs
	// this far above 0.5 are candidates with probability > 1-1e-6).
	got := map[string]float64{}
	for _, m := range ms {
		got[m.ID] = m.Similarity
	}
	for i, d := range docs {
		id := fmt.Sprintf("d%d", i)
		est, err := q.Similarity(d)
		require.NoError(t, err)
		if est >= f.cfg.Threshold {
			if assert.Contains(t, got, id, "estimate %.3f (true %.2f)", est, sims[i]) {
				assert.InDelta(t, est, got[id], 1.5/128, id)
			}
		} else if est < f.cfg.Threshold/2 {
			assert.NotContains(t, got, id, "estimate %.3f (true %.2f)", est, sims[i])
		}
	}
	for _, id := range []string{"d1", "d4", "d6", "d8"} { // 0.95, 0.8, 0.7, 0.9
		assert.Contains(t, got, id)
	}
	for _, id := range []string{"d0", "d3"} { // 0.3, 0.1
		assert.NotContains(t, got, id)
	}
	// tie-a, tie-b and d1 share one signature, so they tie, in ID order.
	pd1, pa, pb := slices.Index(ids(ms), "d1"), slices.Index(ids(ms), "tie-a"), slices.Index(ids(ms), "tie-b")
	require.True(t, pd1 >= 0 && pd1 < pa && pa < pb, "d1 %d, tie-a %d, tie-b %d", pd1, pa, pb)
	assert.Equal(t, ms[pd1].Similarity, ms[pa].Similarity)
	assert.Equal(t, ms[pd1].Similarity, ms[pb].Similarity)

	// AppendQuery with a higher threshold returns a prefix, after dst.
	dst := []dedup.Match{{ID: "keep"}}
	hi, err := ix.AppendQuery(dst, q, 0.85)
	require.NoError(t, err)
	require.Equal(t, "keep", hi[0].ID)
	for _, m := range hi[1:] {
		assert.GreaterOrEqual(t, m.Similarity, 0.85)
	}
	n := 0
	for _, m := range ms {
		if m.Similarity >= 0.85 {
			n++
		}
	}
	assert.Equal(t, ms[:n], hi[1:])
}

// TestIndexQueryTiesByID: matches of equal similarity come in the
// order of their IDs as strings, also where IDs share their first 8
// bytes (which the memory store compares first), are shorter than 8
// bytes, hold zero bytes, or were stored by AddBatch or in a reused slot.
func TestIndexQueryTiesByID(t *testing.T) {
	f := newIndexFixture(t)
	q, docs := f.similarTo([]float64{0.9})
	tricky := []string{
		"a", "a\x00", "a\x00b", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi",
		"abcdefga", "abcdefgi", "abcdefg", "https://example.com/x/1",
		"https://example.com/x/10", "https://example.com/x/2", "é", "\xff\xfe",
		"z", "\x00", "\x00\x00\x00\x00\x00\x00\x00\x00\x01",
	}
	check := func(t *testing.T, ix *dedup.Index, want []string) {
		t.Helper()
		ms, err := ix.Query(q)
		require.NoError(t, err)
		require.Equal(t, slices.Sorted(slices.Values(want)), ids(ms))
	}
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprintf("batch=%v", batch), func(t *testing.T) {
			ix := f.newIndex(t)
			in := slices.Clone(tricky)
			f.rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
			if batch {
				batch := make([]dedup.Doc, len(in))
				for i := range batch {
					batch[i].Signature = docs[0]
				}
				require.NoError(t, ix.AddBatch(in, batch))
			} else {
				for _, id := range in {
					require.NoError(t, ix.Add(id, docs[0]))
				}
			}
			check(t, ix, in)
			// Removed documents free their slots; new IDs reuse them.
			var kept []string
			for i, id := range in {
				if i%3 == 0 {
					ok, err := ix.Remove(id)
					require.NoError(t, err)
					require.True(t, ok)
				} else {
					kept = append(kept, id)
				}
			}
			for _, id := range []string{"abcdefgh\x01", "abcdefg\x00", "0", "https://example.com/x/0"} {
				require.NoError(t, ix.Add(id, docs[0]))
				kept = append(kept, id)
			}
			check(t, ix, kept)
		})
	}
}

func TestIndexRemove(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	a, a2 := f.pair(0.9)
	b, _ := f.pair(0.9)
	require.NoError(t, ix.Add("a", a))
	require.NoError(t, ix.Add("b", b))

	ok, err := ix.Remove("unknown")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, 2, ix.Len())

	ok, err = ix.Remove("a")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 1, ix.Len())
	for _, q := range []dedup.Signature{a, a2} {
		ms, err := ix.Query(q)
		require.NoError(t, err)
		assert.NotContains(t, ids(ms), "a")
		cands, err := ix.Candidates(q)
		require.NoError(t, err)
		assert.NotContains(t, cands, "a")
	}
	_, found, err := ix.Store().Get("a")
	require.NoError(t, err)
	assert.False(t, found)

	// Removing twice: the second time it is not there.
	ok, err = ix.Remove("a")
	require.NoError(t, err)
	assert.False(t, ok)

	// b is untouched.
	ms, err := ix.Query(b)
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, ids(ms))

	// Re-adding the same ID works, with a new signature.
	c, c2 := f.pair(0.9)
	require.NoError(t, ix.Add("a", c))
	assert.Equal(t, 2, ix.Len())
	ms, err = ix.Query(c2)
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, ids(ms))
	// ... and the old signature does not find it any more.
	ms, err = ix.Query(a)
	require.NoError(t, err)
	assert.Empty(t, ms)
	cands, err := ix.Candidates(a)
	require.NoError(t, err)
	assert.Empty(t, cands)
}

// TestIndexRemoveSharedPostings removes documents that share every band
// with others (identical signatures), from the head, middle and tail of
// what they share, and reuses the freed slots.
func TestIndexRemoveSharedPostings(t *testing.T) {
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	s, _ := f.pair(0.5)
	for _, id := range []string{"p", "q", "r", "s", "t"} {
		require.NoError(t, ix.Add(id, s))
	}
	cands := func() []string {
		c, err := ix.Candidates(s)
		require.NoError(t, err)
		return c
	}
	require.Equal(t, []string{"p", "q", "r", "s", "t"}, cands())

	for _, step := range []struct {
		remove string
		left   []string
	}{
		{"r", []string{"p", "q", "s", "t"}}, // middle
		{"t", []string{"p", "q", "s"}},      // last added
		{"p", []string{"q", "s"}},           // first added
		{"s", []string{"q"}},
	} {
		ok, err := ix.Remove(step.remove)
		require.NoError(t, err)
		require.True(t, ok, step.remove)
		require.Equal(t, step.left, cands(), "after removing %s", step.remove)
		ms, err := ix.Query(s)
		require.NoError(t, err)
		require.Equal(t, step.left, ids(ms), "after removing %s", step.remove)
	}

	// Freed slots are reused by other documents; the old postings must
	// not point at them.
	var others []dedup.Signature
	for i := range 4 {
		o, _ := f.pair(0.5)
		others = append(others, o)
		require.NoError(t, ix.Add(fmt.Sprintf("o%d", i), o))
	}
	assert.Equal(t, []string{"q"}, cands())
	for i, o := range others {
		ms, err := ix.Query(o)
		require.NoError(t, err)
		assert.Equal(t, []string{fmt.Sprintf("o%d", i)}, ids(ms))
	}
	ok, err := ix.Remove("q")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Empty(t, cands())
	assert.Equal(t, 4, ix.Len())
}

func TestIndexRandomAddRemove(t *testing.T) {
	// A model check: after random adds and removes, every live document
	// is found by its own signature and no removed one is.
	f := newIndexFixture(t)
	ix := f.newIndex(t)
	sigs := map[string]dedup.Signature{}
	live := map[string]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	for step := range 400 {
		id := fmt.Sprintf("id%d", rng.IntN(40))
		if live[id] {
			ok, err := ix.Remove(id)
			require.NoError(t, err)
			require.True(t, ok, "step %d remove %s", step, id)
			delete(live, id)
		} else {
			s, _ := f.pair(0.5)
			require.NoError(t, ix.Add(id, s), "step %d add %s", step, id)
			sigs[id] = s
			live[id] = true
		}
		require.Equal(t, len(live), ix.Len())
	}
	for id, s := range sigs {
		ms, err := ix.Query(s)
		require.NoError(t, err)
		if live[id] {
			assert.Equal(t, []string{id}, ids(ms))
		} else {
			assert.NotContains(t, ids(ms), id)
		}
	}
}

func TestIndexContainment(t *testing.T) {
	// A trimmed copy: the document is the first 60 of the query's 200
	// shingles, so J = 60/200 = 0.3 and the containment is 1.
	cfg := dedup.Config{NumHashes: 512, Threshold: 0.2, Seed: 5} // σ(J) ≈ 0.02
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ix, err := dedup.NewIndex(cfg)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 5))
	q := make([]uint64, 200)
	for i := range q {
		q[i] = rng.Uint64()
	}
	require.NoError(t, ix.Add("trimmed", h.SignShingles(q[:60])))
	ms, err := ix.Query(h.SignShingles(q))
	require.NoError(t, err)
	require.Len(t, ms, 1)
	t.Logf("%+v", ms[0])
	assert.InDelta(t, 0.3, ms[0].Similarity, 0.15)
	// containment = J/(1+J) * (200+60) / 60 of the estimate J.
	j := ms[0].Similarity
	assert.InDelta(t, min(1, j/(1+j)*260/60), ms[0].Containment, 1e-9)
	assert.InDelta(t, 1, ms[0].Containment, 0.2)
}
