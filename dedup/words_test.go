package dedup_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newHasher(t testing.TB, cfg dedup.Config) *dedup.Hasher {
	t.Helper()
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	return h
}

// Hand-computed cases. Terms are distinct stems, stop words kept.
func TestWordSimilarityCases(t *testing.T) {
	h := newHasher(t, dedup.Config{})
	for _, c := range []struct {
		a, b string
		want float64
	}{
		// {the compani bought firm} and {the compani purchas firm}: 3 equal,
		// bought ~ purchas: 4 matches of 4 terms.
		{"The company bought the firm.", "The company purchased the firm.", 1},
		// sold is no synonym of bought: 3 of 5.
		{"The company bought the firm.", "The company sold the firm.", 3.0 / 5},
		// One more term on one side: 4 / 5, times sqrt(4/5).
		{"The company bought the firm yesterday.", "The company purchased the firm.", 4.0 / 5 * math.Sqrt(4.0/5)},
		// Each term matches at most once: buy and purchas both share a
		// synset with bought, which takes one of them. 1 / (2+1-1) * sqrt(1/2).
		{"buy purchase", "bought", 0.5 * math.Sqrt(0.5)},
		// Word order and repeats do not count.
		{"firm the bought company the", "The company bought the firm", 1},
		{"Bridge closed.", "   ...  ", 0},
		{"", "", 0},
	} {
		assert.InDelta(t, c.want, h.WordSimilarity(c.a, c.b), 1e-12, "%q ~ %q", c.a, c.b)
		assert.InDelta(t, c.want, h.WordSimilarity(c.b, c.a), 1e-12, "%q ~ %q (swapped)", c.b, c.a)
	}
}

// Synonyms are English WordNet's: another language, or terms that are not
// stems, match only equal terms.
func TestWordSimilaritySynonymsOnlyForEnglishStems(t *testing.T) {
	a, b := "The company bought the firm.", "The company purchased the firm."
	en := newHasher(t, dedup.Config{}).WordSimilarity(a, b)
	noStem := newHasher(t, dedup.Config{Shingle: shingle.Config{NoStem: true}}).WordSimilarity(a, b)
	fr := newHasher(t, dedup.Config{Shingle: shingle.Config{Language: "french"}}).WordSimilarity(a, b)
	assert.Equal(t, 1.0, en)
	assert.InDelta(t, 3.0/5, noStem, 1e-12)
	assert.InDelta(t, 3.0/5, fr, 1e-12)
}

// A maximum matching, not a greedy one: chief shares a synset with head
// and with main, lead with head only. A greedy pass in term order gives
// head to chief and leaves lead alone (1 pair, 1/3); the largest matching
// pairs all four (1).
func TestWordSimilarityMaximumMatching(t *testing.T) {
	h := newHasher(t, dedup.Config{})
	for _, c := range [][2]string{{"chief lead", "head main"}, {"lead chief", "main head"}} {
		assert.Equal(t, 1.0, h.WordSimilarity(c[0], c[1]), "%q ~ %q", c[0], c[1])
		assert.Equal(t, 1.0, h.WordSimilarity(c[1], c[0]), "%q ~ %q", c[1], c[0])
	}
	// lead and main alone share nothing: the pairs above are synonyms.
	assert.Zero(t, h.WordSimilarity("lead", "main"))
}

func TestWordSimilarityRange(t *testing.T) {
	h := newHasher(t, dedup.Config{})
	texts := []string{
		"The city council voted on Tuesday to close the old bridge.",
		"Council votes to shut aging bridge",
		"\xff\xfe binary \x00 junk \x80",
		strings.Repeat("word ", 10000),
		"Les élèves ont visité le musée vendredi.",
	}
	for _, a := range texts {
		for _, b := range texts {
			s := h.WordSimilarity(a, b)
			assert.True(t, s >= 0 && s <= 1, "%q ~ %q: %v", a, b, s)
			assert.Equal(t, s, h.WordSimilarity(b, a))
		}
		assert.Equal(t, 1.0, h.WordSimilarity(a, a), "%q", a)
	}
}

// WordSimilarity shares the Hasher's pooled scratch: concurrent calls give
// what serial ones do (run with -race).
func TestWordSimilarityConcurrent(t *testing.T) {
	h := newHasher(t, dedup.Config{})
	a := []string{
		"Amrozi accused his brother, whom he called the witness, of deliberately distorting his evidence.",
		"Yucaipa owned Dominick's before selling the chain to Safeway in 1998 for $2.5 billion.",
		"The company bought the firm.",
	}
	b := []string{
		"Referring to him as only the witness, Amrozi accused his brother of deliberately distorting his evidence.",
		"Yucaipa bought Dominick's in 1995 for $693 million and sold it to Safeway for $1.8 billion in 1998.",
		"The company purchased the firm.",
	}
	want := make([]float64, len(a))
	for i := range a {
		want[i] = h.WordSimilarity(a[i], b[i])
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				i := (g + k) % len(a)
				if got := h.WordSimilarity(a[i], b[i]); got != want[i] {
					t.Errorf("pair %d: %v, want %v", i, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// A paraphrase outscores a same-topic sentence that says something else,
// and DefaultWordThreshold falls between them.
func TestWordSimilarityParaphrase(t *testing.T) {
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	para := d.Hasher().WordSimilarity(
		"Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his evidence.",
		"Referring to him as only \"the witness\", Amrozi accused his brother of deliberately distorting his evidence.")
	diff := d.Hasher().WordSimilarity(
		"The city council voted on Tuesday to close the old bridge over the river.",
		"The city council voted on Tuesday to raise parking fees downtown and hire more inspectors.")
	assert.Greater(t, para, dedup.DefaultWordThreshold)
	assert.Less(t, diff, dedup.DefaultWordThreshold)
}

func BenchmarkWordSimilarity(b *testing.B) {
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "kandahar", name))
		require.NoError(b, err)
		return string(data)
	}
	for _, c := range []struct{ name, a, b string }{
		{"sentence",
			"Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his evidence.",
			"Referring to him as only \"the witness\", Amrozi accused his brother of deliberately distorting his evidence."},
		{"article", read("000_433d5eacfa297b4d.txt"), read("001_701ad250f76e7fc0.txt")},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := newHasher(b, dedup.Config{})
			h.WordSimilarity(c.a, c.b) // decode the synonym table, warm the pool
			b.SetBytes(int64(len(c.a) + len(c.b)))
			b.ReportAllocs()
			for b.Loop() {
				h.WordSimilarity(c.a, c.b)
			}
		})
	}
}
