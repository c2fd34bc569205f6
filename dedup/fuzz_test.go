package dedup

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// FuzzReadIndex feeds arbitrary bytes to ReadIndex, as they are and with
// their checksums fixed so that the parser's checks past the checksums
// are reached too. ReadIndex must not panic, must fail with one of its
// documented errors, and an index it accepts must save and load again to
// the same documents.
func FuzzReadIndex(f *testing.F) {
	small := relSave(f, relSmallIndex(f))
	empty, err := NewIndex(Config{NumHashes: 4, Bands: 2, Rows: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add(relSave(f, empty))
	f.Add(small[:len(small)/2])
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReadIndex(t, data)
		fuzzReadIndex(t, relFixChecksums(bytes.Clone(data)))
	})
}

func fuzzReadIndex(t *testing.T, data []byte) {
	ix, err := ReadIndex(bytes.NewReader(data))
	if err != nil {
		if ix != nil {
			t.Fatalf("ReadIndex returned an index and %v", err)
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrFormat) &&
			!errors.Is(err, ErrVersion) && !errors.Is(err, ErrConfigMismatch) {
			t.Fatalf("ReadIndex error wraps no sentinel: %v", err)
		}
		return
	}
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatalf("saving a loaded index: %v", err)
	}
	again, err := ReadIndex(&buf)
	if err != nil {
		t.Fatalf("loading a saved index: %v", err)
	}
	if again.Len() != ix.Len() || again.Config() != ix.Config() {
		t.Fatalf("reloaded %d documents under %+v, want %d under %+v", again.Len(), again.Config(), ix.Len(), ix.Config())
	}
	want, got := relRecords(t, ix), relRecords(t, again)
	for id, r := range want {
		g, ok := got[id]
		if !ok || g.Shingles != r.Shingles || !slices.Equal(g.Values, r.Values) || !slices.Equal(g.Sentences, r.Sentences) {
			t.Fatalf("record %q: reloaded %+v, want %+v", id, g, r)
		}
	}
}
