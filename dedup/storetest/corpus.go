package storetest

import (
	"math/rand/v2"
	"strings"
)

// syllables make up the synthetic vocabulary: words that survive
// normalization and stemming as distinct terms.
var syllables = []string{
	"ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "nex",
	"qua", "bri", "zol", "fen", "gru", "hal", "jik", "mup", "ost", "wyr",
}

// Vocabulary returns n distinct synthetic words, the same for every call.
func Vocabulary(n int) []string {
	words := make([]string, 0, n)
	seen := make(map[string]bool, n)
	r := rand.New(rand.NewPCG(1, 2))
	for len(words) < n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// Story returns a synthetic article of n words drawn from vocab with r.
// Two stories share few shingles (the chance that they share a band of an
// index is negligible); see Reword for near-duplicates.
func Story(r *rand.Rand, vocab []string, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = vocab[r.IntN(len(vocab))]
	}
	return strings.Join(words, " ")
}

// Reword returns a copy of text with about one word in every `every`
// replaced from vocab: a near-duplicate. With every >= 20 the copy's
// Jaccard similarity to text (word 3-shingles) is above 0.7, which makes
// it a candidate of any banding chosen for a threshold up to 0.5 with
// probability indistinguishable from 1.
func Reword(r *rand.Rand, vocab []string, text string, every int) string {
	words := strings.Fields(text)
	for i := range words {
		if r.IntN(every) == 0 {
			words[i] = vocab[r.IntN(len(vocab))]
		}
	}
	return strings.Join(words, " ")
}
