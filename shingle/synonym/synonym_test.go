package synonym

import (
	"bytes"
	"compress/gzip"
	"sync"
	"testing"

	"github.com/kljensen/snowball/english"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stem(w string) string { return english.Stem(w, false) }

func TestSynonyms(t *testing.T) {
	for _, p := range [][2]string{
		{"buy", "purchase"},
		{"bought", "purchased"}, // an irregular form counts as its lemma
		{"said", "stated"},
		{"car", "automobile"},
		{"big", "large"},
		{"quickly", "rapidly"},
		{"acquire", "get"},
	} {
		a, b := stem(p[0]), stem(p[1])
		assert.True(t, Synonyms(a, b), "%s ~ %s", p[0], p[1])
		assert.True(t, Synonyms(b, a), "%s ~ %s (symmetric)", p[1], p[0])
	}
	for _, p := range [][2]string{
		{"buy", "sell"},
		{"car", "banana"},
		{"big", "small"},
		{"have", "get"},        // "have" is a stop word
		{"these", "thesis"},    // "theses" stems to the stop word "these"
		{"with", "withy"},      // "withe" stems to the stop word "with"
		{"sawn", "understand"}, // sawn is saw's, not see's through "saw see"
		{"1998", "1999"},       // numbers are not in WordNet's lemmas
		{"taliban", "taliban"}, // equal stems are not synonyms
	} {
		assert.False(t, Synonyms(stem(p[0]), stem(p[1])), "%s !~ %s", p[0], p[1])
	}
}

func TestGroupsSorted(t *testing.T) {
	n := 0
	for s, g := range table() {
		require.NotEmpty(t, g, s)
		for i := 1; i < len(g); i++ {
			require.Less(t, g[i-1], g[i], "groups of %q not ascending", s)
		}
		n++
	}
	assert.Equal(t, n, Len())
	assert.Greater(t, Len(), 30000, "the table lost stems")
	assert.Nil(t, Groups("zzzqqq"))
}

// The stemmer keeps stop words as they are, so a stop word in a text is a
// term equal to itself: no key of the table may be one.
func TestNoStopWords(t *testing.T) {
	for s := range table() {
		require.False(t, english.IsStopWord(s), "stop word %q in the table", s)
	}
}

func BenchmarkDecode(b *testing.B) {
	b.SetBytes(int64(len(englishGz)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(englishGz); err != nil {
			b.Fatal(err)
		}
	}
}

// Every synset kept must have at least two stems, or it could never make a
// match (the generator drops the others).
func TestEveryGroupHasTwoStems(t *testing.T) {
	count := map[uint32]int{}
	for _, g := range table() {
		for _, id := range g {
			count[id]++
		}
	}
	for id, c := range count {
		require.GreaterOrEqual(t, c, 2, "synset %d has one stem", id)
	}
}

func TestShare(t *testing.T) {
	assert.True(t, Share([]uint32{1, 5, 9}, []uint32{2, 9}))
	assert.False(t, Share([]uint32{1, 5, 9}, []uint32{2, 6, 10}))
	assert.False(t, Share(nil, []uint32{1}))
}

func TestDecodeRejectsBadInput(t *testing.T) {
	_, err := decode([]byte("not gzip"))
	assert.Error(t, err)
	for _, text := range []string{"stem 1 x\n", "nospace\n", " 1 2\n", "stem 99999999999\n"} {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(text))
		require.NoError(t, zw.Close())
		_, err := decode(b.Bytes())
		assert.Error(t, err, "%q", text)
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.True(t, Synonyms(stem("buy"), stem("purchase")))
		}()
	}
	wg.Wait()
}
