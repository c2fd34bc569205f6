package redisstore

import (
	"slices"
	"testing"

	"github.com/neardup/neardup/dedup"
)

// TestRecorderCopies checks that AddBatch's recorder keeps its own copy
// of what Index.Add hands it: Index.Add passes pooled buffers, which a
// concurrent query reuses at once (this once sent wrong values and
// postings that Drop could not find to Redis).
func TestRecorderCopies(t *testing.T) {
	vals, sents, keys := []uint32{1, 2, 3}, []uint32{7, 8}, []uint64{4, 5}
	var r recorder
	if err := r.Add(dedup.Record{ID: "a", Values: vals, Evidence: sents, Shingles: 3}, keys); err != nil {
		t.Fatal(err)
	}
	vals[0], sents[0], keys[0] = 99, 99, 99
	if !slices.Equal(r.rec.Values, []uint32{1, 2, 3}) || !slices.Equal(r.rec.Evidence, []uint32{7, 8}) || !slices.Equal(r.keys, []uint64{4, 5}) {
		t.Fatalf("recorder shares the caller's slices: values %v, sentences %v, keys %v", r.rec.Values, r.rec.Evidence, r.keys)
	}
}
