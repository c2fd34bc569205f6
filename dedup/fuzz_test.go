package dedup

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/neardup/neardup/shingle"
)

// FuzzReadIndex feeds arbitrary bytes to ReadIndex, as they are and with
// their checksums fixed so that the parser's checks past the checksums
// are reached too. ReadIndex must not panic, must fail with one of its
// documented errors, and an index it accepts must save and load again to
// the same documents.
func FuzzReadIndex(f *testing.F) {
	small := relSave(f, relSmallIndex(f))
	empty, err := NewIndex(Config{NumHashes: 4, Bands: 2, Rows: 2, Threshold: 0.6})
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
	ix, err := ReadIndex(bytes.NewReader(data), nil)
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
	again, err := ReadIndex(&buf, nil)
	if err != nil {
		t.Fatalf("loading a saved index: %v", err)
	}
	if again.Len() != ix.Len() || again.Config() != ix.Config() {
		t.Fatalf("reloaded %d documents under %+v, want %d under %+v", again.Len(), again.Config(), ix.Len(), ix.Config())
	}
	want, got := relRecords(t, ix), relRecords(t, again)
	for id, r := range want {
		g, ok := got[id]
		if !ok || g.Shingles != r.Shingles || !slices.Equal(g.Values, r.Values) || !slices.Equal(g.Evidence, r.Evidence) {
			t.Fatalf("record %q: reloaded %+v, want %+v", id, g, r)
		}
	}
}

// FuzzCluster feeds arbitrary texts (binary junk, invalid UTF-8, empty
// ones) to Cluster, Add and Check. None may panic; every article must end
// in exactly one cluster; Add must index a text exactly when it has words
// and Check must answer as Add then does.
func FuzzCluster(f *testing.F) {
	f.Add("Kandahar fell on Thursday night.", "Kandahar fell on Thursday night, officials said.", "")
	f.Add("\xff\xfe\x00 binary", "a b c d e f g", "A. B. C. 1.5 1,000 U.S. !!")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		d, err := New(Config{NumHashes: 16})
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{a, b, c, a}
		arts := make([]Article, len(texts))
		for i, s := range texts {
			arts[i] = Article{ID: string(rune('a' + i)), Text: s}
		}
		cl, err := d.Cluster(arts)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, c := range cl.Clusters {
			for _, m := range c.Members {
				seen[m]++
			}
		}
		for _, a := range arts {
			if seen[a.ID] != 1 {
				t.Fatalf("article %s in %d clusters", a.ID, seen[a.ID])
			}
		}
		added := 0
		for i, s := range texts {
			want, cerr := d.Check(s)
			got, err := d.Add(arts[i].ID, s)
			if (err == nil) != (cerr == nil) {
				t.Fatalf("text %q: Check error %v, Add error %v", s, cerr, err)
			}
			if err != nil {
				if !errors.Is(err, ErrEmpty) {
					t.Fatalf("text %q: %v", s, err)
				}
				continue
			}
			added++
			want.ID = got.ID
			if !slices.EqualFunc(want.Matches, got.Matches, func(x, y Match) bool { return x == y }) || want.CopyOf != got.CopyOf || want.New != got.New {
				t.Fatalf("text %q: Check %+v, Add %+v", s, want, got)
			}
		}
		if d.Index().Len() != added {
			t.Fatalf("%d articles added, index holds %d", added, d.Index().Len())
		}
	})
}

// FuzzWordSimilarity: under the default config and ones that change the
// terms (stop words removed, no stemming, French), any two texts score in
// [0, 1], the same both ways, and a text scores 1 against itself when it
// has terms (Compare sees shingles) and 0 when it has none.
func FuzzWordSimilarity(f *testing.F) {
	f.Add("The company bought the firm.", "The company purchased the firm.")
	f.Add("chief lead", "head main")
	f.Add("\xff\xfe\x00", "naïve café — 1,000 U.S. troops")
	f.Add("", "words")
	f.Add("the of and", "these theses")
	var hashers []*Hasher
	for _, sc := range []shingle.Config{{}, {StopWords: true}, {NoStem: true}, {Language: "french"}} {
		h, err := NewHasher(Config{Shingle: sc})
		if err != nil {
			f.Fatal(err)
		}
		hashers = append(hashers, h)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, h := range hashers {
			s := h.WordSimilarity(a, b)
			if !(s >= 0 && s <= 1) {
				t.Fatalf("%+v: score %v out of [0, 1]", h.Config().Shingle, s)
			}
			if r := h.WordSimilarity(b, a); r != s {
				t.Fatalf("%+v: not symmetric: %v and %v", h.Config().Shingle, s, r)
			}
			want := 0.0
			if h.Compare(a, a).Similarity > 0 {
				want = 1
			}
			if self := h.WordSimilarity(a, a); self != want {
				t.Fatalf("%+v: self-similarity %v, want %v", h.Config().Shingle, self, want)
			}
		}
	})
}
