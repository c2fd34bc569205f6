package dedup

import (
	"cmp"
	"slices"
	"sync"

	"github.com/neardup/neardup/shingle"
)

// This file keeps, as test references, the pair-by-pair sentence evidence
// that related computed before it worked from one sorted list of every
// sentence shingle (a merge join of the two articles' shingles for every
// candidate pair), and the map-based samplePairs. TestRelatedMatchesReference
// and TestSamplePairsMatchesReference check that both versions agree.

// refSentenceEvidence counts the sentences of a and of b that share at least
// minSharedShingles shingles with one sentence of the other, and returns
// the smaller count and the number of sentences of the shorter article.
// a and b are sorted by hash (see refSortedSentences); na and nb are their
// numbers of sentences. Shingles in boilerplate are ignored. scratch is
// reused between calls.
func refSentenceEvidence(a, b []shingle.SentenceShingle, na, nb int, boilerplate map[uint64]bool, scratch *[]uint64) (shared, shorter int) {
	// Every shared shingle gives a (sentence of a, sentence of b) pair;
	// a pair of sentences that turns up minSharedShingles times is a
	// near copy.
	hits := (*scratch)[:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].Hash < b[j].Hash:
			i++
		case a[i].Hash > b[j].Hash:
			j++
		default:
			h := a[i].Hash
			i2, j2 := i, j
			for i2 < len(a) && a[i2].Hash == h {
				i2++
			}
			for j2 < len(b) && b[j2].Hash == h {
				j2++
			}
			if !boilerplate[h] {
				for _, x := range a[i:i2] {
					for _, y := range b[j:j2] {
						hits = append(hits, uint64(x.Sentence)<<32|uint64(uint32(y.Sentence)))
					}
				}
			}
			i, j = i2, j2
		}
	}
	*scratch = hits
	// Counting near-copy sentences from the hits is the same code.
	return nearCopies(hits), min(na, nb)
}

// refSortedSentences returns a copy of an article's sentence shingles sorted
// by hash, and its number of sentences.
func refSortedSentences(ss []shingle.SentenceShingle) ([]shingle.SentenceShingle, int) {
	n := 0
	for k, x := range ss {
		if k == 0 || x.Sentence != ss[k-1].Sentence {
			n++
		}
	}
	out := slices.Clone(ss)
	slices.SortFunc(out, func(x, y shingle.SentenceShingle) int {
		return cmp.Or(cmp.Compare(x.Hash, y.Hash), cmp.Compare(x.Sentence, y.Sentence))
	})
	return out, n
}

// related finds the partial relations between articles of different
// related finds the partial relations between articles of different
// clusters. samples[i] is article i's relation sample; cluster[i] its
// cluster number.
// relatedByPairs is the reference for related: the partial relations among the candidate pairs whose
// articles ended in different clusters; cluster[i] is article i's cluster.
func (d *Deduper) relatedByPairs(articles []Article, candidates []pair, cluster []int) []Relation {
	var pairs []pair
	for _, p := range candidates {
		if cluster[p.i] != cluster[p.j] {
			pairs = append(pairs, p)
		}
	}
	if len(pairs) == 0 {
		return []Relation{}
	}

	// Sentence shingles, made once per article that needs them.
	sents := make(map[int32][]shingle.SentenceShingle)
	for _, p := range pairs {
		sents[p.i], sents[p.j] = nil, nil
	}
	need := make([]int32, 0, len(sents))
	for i := range sents {
		need = append(need, i)
	}
	// By cluster, so that counting the clusters of a shingle below only
	// has to compare with the last cluster it was seen in.
	slices.SortFunc(need, func(x, y int32) int { return cmp.Or(cmp.Compare(cluster[x], cluster[y]), cmp.Compare(x, y)) })
	made := make([][]shingle.SentenceShingle, len(need))
	parallel(len(need), func(k int) {
		s := d.h.get()
		made[k] = s.sh.AppendSentenceShingles(nil, articles[need[k]].Text)
		d.h.put(s)
	})
	for k, i := range need {
		sents[i] = made[k]
	}
	// Count the clusters each shingle of these articles appears in.
	type seenIn struct{ last, clusters int }
	spread := make(map[uint64]seenIn)
	for _, i := range need {
		for _, s := range sents[i] {
			x, ok := spread[s.Hash]
			if !ok {
				x.last = -1
			}
			if x.last != cluster[i] {
				x.last = cluster[i]
				x.clusters++
			}
			spread[s.Hash] = x
		}
	}
	boilerplate := make(map[uint64]bool)
	for h, x := range spread {
		if x.clusters >= boilerplateClusters {
			boilerplate[h] = true
		}
	}

	sorted := make(map[int32][]shingle.SentenceShingle, len(need))
	count := make(map[int32]int, len(need))
	for _, i := range need {
		sorted[i], count[i] = refSortedSentences(sents[i])
	}
	found := make([]*Relation, len(pairs)) // found[k] is written by pair k's goroutine only
	var scratch sync.Pool
	parallel(len(pairs), func(k int) {
		p := pairs[k]
		buf, _ := scratch.Get().(*[]uint64)
		if buf == nil {
			buf = new([]uint64)
		}
		shared, shorter := refSentenceEvidence(sorted[p.i], sorted[p.j], count[p.i], count[p.j], boilerplate, buf)
		scratch.Put(buf)
		if shared >= minSharedSentences && shorter > 0 {
			found[k] = &Relation{
				A: articles[p.i].ID, B: articles[p.j].ID, Kind: "partial",
				Score: min(1, float64(shared)/float64(shorter)),
			}
		}
	})
	out := []Relation{}
	for _, r := range found {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}

// refSamplePairs is the map-based version of samplePairs, kept as its
// reference: the pairs of articles that share a sampled shingle (one with
// at most maxPostings articles), sorted.
func refSamplePairs(samples [][]uint32) []pair {
	postings := make(map[uint32][]int32)
	for i, s := range samples {
		for _, v := range s {
			postings[v] = append(postings[v], int32(i))
		}
	}
	candidates := make(map[pair]bool)
	for _, docs := range postings {
		if len(docs) < 2 || len(docs) > maxPostings {
			continue
		}
		for x, i := range docs {
			for _, j := range docs[x+1:] {
				if i != j {
					candidates[pair{min(i, j), max(i, j)}] = true
				}
			}
		}
	}
	pairs := make([]pair, 0, len(candidates))
	for p := range candidates {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(x, y pair) int { return cmp.Or(cmp.Compare(x.i, y.i), cmp.Compare(x.j, y.j)) })
	return pairs
}
