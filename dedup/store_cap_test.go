package dedup

import (
	"fmt"
	"slices"
	"testing"
)

// capFixture makes a store of 2 bands × 1 row over 2 values in which
// every document shares the band-0 key (value 0 = 7) and has a band-1 key
// of its own, and adds n documents d0..d(n-1) in order.
func capFixture(t *testing.T, opts MemoryStoreOptions, n int) *memStore {
	t.Helper()
	st, err := NewMemoryStoreWith(Config{NumHashes: 2, Bands: 2, Rows: 1}, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*memStore)
	for i := range n {
		v := []uint32{7, uint32(1000 + i)}
		if err := s.Add(Record{ID: fmt.Sprintf("d%d", i), Values: v}, bandKeys(nil, v, 2, 1)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// candidateIDs returns the candidates of values v, sorted.
func candidateIDs(t *testing.T, s Store, v []uint32) []string {
	t.Helper()
	var ids []string
	if err := s.Candidates(bandKeys(nil, v, 2, 1), func(r Record) bool {
		ids = append(ids, r.ID)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// TestStoreMaxPostings checks the posting cap: a key shared by more than
// MaxPostings documents yields only the most recently added ones; the
// other bands are unaffected; removals bring older documents back.
func TestStoreMaxPostings(t *testing.T) {
	s := capFixture(t, MemoryStoreOptions{MaxPostings: 3}, 10)
	// Through the hot key only: the three newest.
	if got, want := candidateIDs(t, s, []uint32{7, 1}), []string{"d7", "d8", "d9"}; !slices.Equal(got, want) {
		t.Fatalf("capped candidates %v, want %v", got, want)
	}
	// d2's own band-1 key still finds it.
	if got, want := candidateIDs(t, s, []uint32{7, 1002}), []string{"d2", "d7", "d8", "d9"}; !slices.Equal(got, want) {
		t.Fatalf("candidates %v, want %v", got, want)
	}
	for _, id := range []string{"d8", "d9"} {
		if ok, err := s.Remove(id); !ok || err != nil {
			t.Fatalf("Remove(%s) = %v, %v", id, ok, err)
		}
	}
	if got, want := candidateIDs(t, s, []uint32{7, 1}), []string{"d5", "d6", "d7"}; !slices.Equal(got, want) {
		t.Fatalf("capped candidates after removals %v, want %v", got, want)
	}
	// Re-adding makes the document the newest again.
	if err := s.Add(Record{ID: "d9", Values: []uint32{7, 1009}}, bandKeys(nil, []uint32{7, 1009}, 2, 1)); err != nil {
		t.Fatal(err)
	}
	if got, want := candidateIDs(t, s, []uint32{7, 1}), []string{"d6", "d7", "d9"}; !slices.Equal(got, want) {
		t.Fatalf("capped candidates after re-adding %v, want %v", got, want)
	}
}

// TestStoreNoCap checks that a negative MaxPostings follows every posting,
// and that the default cap is DefaultMaxPostings.
func TestStoreNoCap(t *testing.T) {
	n := DefaultMaxPostings + 5
	all := make([]string, n)
	for i := range all {
		all[i] = fmt.Sprintf("d%d", i)
	}
	slices.Sort(all)
	if got := candidateIDs(t, capFixture(t, MemoryStoreOptions{MaxPostings: -1}, n), []uint32{7, 1}); !slices.Equal(got, all) {
		t.Fatalf("uncapped: %d candidates, want %d", len(got), n)
	}
	got := candidateIDs(t, capFixture(t, MemoryStoreOptions{}, n), []uint32{7, 1})
	if len(got) != DefaultMaxPostings || slices.Contains(got, "d4") || !slices.Contains(got, "d5") {
		t.Fatalf("default cap: %d candidates (d4 %v, d5 %v), want the %d newest",
			len(got), slices.Contains(got, "d4"), slices.Contains(got, "d5"), DefaultMaxPostings)
	}
}

// TestIndexDefaultCap checks the cap through NewIndex: exact copies of a
// document beyond DefaultMaxPostings are all still found as matches, up
// to the cap, newest first by ID order of equal similarity.
func TestIndexDefaultCap(t *testing.T) {
	cfg := Config{NumHashes: 32, Bands: 8, Rows: 4, Threshold: 0.6, Method: MethodOPH}
	h, err := NewHasher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sig := h.Sign("the same story told again and again by every paper in the land")
	n := DefaultMaxPostings + 10
	for i := range n {
		if err := ix.Add(fmt.Sprintf("c%04d", i), sig); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ix.Query(sig)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != DefaultMaxPostings || m[0].ID != fmt.Sprintf("c%04d", n-DefaultMaxPostings) || m[len(m)-1].ID != fmt.Sprintf("c%04d", n-1) {
		t.Fatalf("%d matches from %v to %v, want the %d newest", len(m), m[0].ID, m[len(m)-1].ID, DefaultMaxPostings)
	}
}

// TestStoreExpectedDocs checks that pre-sized tables give the same
// candidates, and that bad options are refused.
func TestStoreExpectedDocs(t *testing.T) {
	a := capFixture(t, MemoryStoreOptions{MaxPostings: -1}, 50)
	b := capFixture(t, MemoryStoreOptions{MaxPostings: -1, ExpectedDocs: 40}, 50)
	for i := range 50 {
		v := []uint32{uint32(i % 3), uint32(1000 + i)}
		if ga, gb := candidateIDs(t, a, v), candidateIDs(t, b, v); !slices.Equal(ga, gb) {
			t.Fatalf("%v: %v without ExpectedDocs, %v with", v, ga, gb)
		}
	}
	if _, err := NewMemoryStoreWith(Config{}, MemoryStoreOptions{ExpectedDocs: -1}); err == nil {
		t.Fatal("ExpectedDocs -1 accepted")
	}
	if _, err := NewMemoryStoreWith(Config{NumHashes: -1}, MemoryStoreOptions{}); err == nil {
		t.Fatal("bad config accepted")
	}
}
