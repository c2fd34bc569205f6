package dedup

import (
	"slices"

	"github.com/neardup/neardup/shingle"
)

// The rewrite views made from the texts, as the batch made them before
// Evidence: the reference that TestEvidenceRewriteViews checks the
// Evidence views against.

// rewriteShinglers make the content-word shingles: sizes 1, 2 and 3 with
// stop words removed. They are not safe for concurrent use; Deduper keeps
// them in a pool.
type rewriteShinglers [3]*shingle.Shingler

func newRewriteShinglers(cfg shingle.Config) (*rewriteShinglers, error) {
	var rs rewriteShinglers
	for n := range rs {
		c := cfg
		c.Size, c.StopWords = n+1, true
		// A different seed per size keeps a word's hash apart from
		// the hashes of word pairs and triples.
		c.Seed = cfg.Seed ^ uint64(n+1)*0x9e3779b97f4a7c15
		sh, err := shingle.New(c)
		if err != nil {
			return nil, err
		}
		rs[n] = sh
	}
	return &rs, nil
}

// text returns the rewrite view of an article's text.
func (rs *rewriteShinglers) text(s string) rewriteText {
	var t rewriteText
	for _, sh := range rs {
		t.union = sh.AppendHashes(t.union, s)
	}
	slices.Sort(t.union)
	t.union = slices.Compact(t.union)
	ss := rs[0].AppendSentenceShingles(nil, s)
	for i := 0; i < len(ss); {
		j := i
		for j < len(ss) && ss[j].Sentence == ss[i].Sentence {
			j++
		}
		if j-i >= rewriteMinWords {
			words := make([]uint64, j-i)
			for k := range words {
				words[k] = ss[i+k].Hash
			}
			t.sents = append(t.sents, words)
			t.words += len(words)
		}
		i = j
	}
	return t
}
