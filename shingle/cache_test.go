package shingle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kljensen/snowball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cacheWords returns words that stress the stem cache's equality check:
// words of every length from 1 to 40 that share their first 8 or 16 bytes,
// words that are prefixes of each other, and non-ASCII words.
func cacheWords(rng *rand.Rand, n int) []string {
	stems := []string{"running", "nationalization", "internationalizations", "abc", "connected", "généralement", "россия"}
	var words []string
	for i := 0; len(words) < n; i++ {
		base := stems[i%len(stems)]
		var sb strings.Builder
		sb.WriteString(base)
		for range rng.IntN(30) {
			sb.WriteByte(byte('a' + rng.IntN(26)))
		}
		w := sb.String()
		words = append(words, w)
		for cut := 1; cut < len(w) && len(words) < n; cut += 1 + rng.IntN(4) {
			for cut < len(w) && !utf8.RuneStart(w[cut]) {
				cut++
			}
			words = append(words, w[:cut])
		}
	}
	return words
}

// TestStemCacheExact checks that cached stems are snowball's, whatever
// was cached before: words with equal prefixes and lengths around the
// cache's 8-byte head never get another word's stem, through table
// growth, on first sight and on every later lookup.
func TestStemCacheExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := cacheWords(rng, 5000)
	for range 3000 { // short words, to fill the short table
		w := make([]byte, 1+rng.IntN(8))
		for i := range w {
			w[i] = byte('a' + rng.IntN(26))
		}
		words = append(words, string(w))
	}
	s, err := New(Config{})
	require.NoError(t, err)
	want := make(map[string]string)
	for _, w := range words {
		if _, ok := want[w]; !ok {
			st, err := snowball.Stem(w, "english", false)
			require.NoError(t, err)
			want[w] = strings.ReplaceAll(st, "'", "")
		}
	}
	for round := range 3 {
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		for _, w := range words {
			if got := s.Stem(w); got != want[w] {
				t.Fatalf("round %d: Stem(%q) = %q, want %q", round, w, got, want[w])
			}
		}
	}
	assert.Equal(t, len(want), s.cache.len())
	assert.Greater(t, len(s.cache.short), 1024, "the short table grew")
	assert.Greater(t, len(s.cache.long), 256, "the long table grew")

	// The empty word is a word like any other.
	assert.Equal(t, "", s.Stem(""))
	assert.Equal(t, "", s.Stem(""))

	// Terms through the tokenizer agree with Stem.
	text := strings.Join(words[:500], " ")
	terms := s.AppendTerms(nil, text)
	require.Len(t, terms, 500)
	for i, w := range words[:500] {
		assert.Equal(t, want[w], terms[i], w)
	}
}

// TestStemCacheReset fills the cache past maxCachedTerms: it empties and
// refills, and stems stay right.
func TestStemCacheReset(t *testing.T) {
	if testing.Short() {
		t.Skip("stems 2^18 words")
	}
	s, err := New(Config{NoStem: true})
	require.NoError(t, err)
	var sb strings.Builder
	for i := range maxCachedTerms + 100 {
		sb.Reset()
		fmt.Fprintf(&sb, "w%x", i)
		w := sb.String()
		if got := s.Stem(w); got != w {
			t.Fatalf("Stem(%q) = %q", w, got)
		}
	}
	assert.Equal(t, 100, s.cache.len())
	assert.Equal(t, "w5", s.Stem("w5"))
	assert.Equal(t, "w5", s.Stem("w5"))
}

// TestWordHeadAndHash pins the properties the cache relies on: the head is
// the word's first bytes, zero-padded, read past the word's end without
// looking at what follows; the hash depends on the word only.
func TestWordHeadAndHash(t *testing.T) {
	for n := 1; n <= 24; n++ {
		word := strings.Repeat("x", n-1) + "y"
		a := append([]byte(word), "garbage!"...)[:n]
		b := append([]byte(word), "other..."...)[:n]
		ha, hb := wordHead(a, 0, n), wordHead(b, 0, n)
		assert.Equal(t, ha, hb, n)
		assert.Equal(t, wordHash(a, 0, n, ha), wordHash(b, 0, n, hb), n)
		if n < 8 {
			assert.Zero(t, ha>>(8*n), n)
		}
	}
}

// TestSortDistinct compares sortDistinct with slices.Sort and
// slices.Compact on uniform sets, sets with repeats and sets crowded into
// one bucket.
func TestSortDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s, err := New(Config{})
	require.NoError(t, err)
	for _, m := range []int{0, 1, 2, 63, 64, 65, 600, 1000, 5000} {
		for kind := range 4 {
			set := make([]uint64, m)
			for i := range set {
				switch kind {
				case 0: // uniform
					set[i] = rng.Uint64()
				case 1: // repeats
					set[i] = rng.Uint64N(uint64(m/3 + 1))
				case 2: // one bucket
					set[i] = rng.Uint64() >> 20
				case 3: // uniform with repeats and zeros
					set[i] = rng.Uint64()
					if i > 0 && rng.IntN(4) == 0 {
						set[i] = set[rng.IntN(i)]
					}
					if rng.IntN(50) == 0 {
						set[i] = 0
					}
				}
			}
			want := slices.Compact(slices.Sorted(slices.Values(set)))
			got := slices.Clone(set)
			n := s.sortDistinct(got)
			require.True(t, slices.Equal(want, got[:n]), "m=%d kind=%d", m, kind)
		}
	}
}
