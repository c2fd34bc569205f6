package dedup

import (
	"cmp"
	"context"
	"slices"

	"github.com/neardup/neardup/shingle"
)

// Relation is a link between two articles of different clusters that
// share part of their text without being copies of one story: an article
// that reuses a few paragraphs or sentences of another.
type Relation struct {
	// A and B are the two articles' IDs, A the one that comes first in
	// the input.
	A string `json:"a"`
	B string `json:"b"`
	// Kind is "partial".
	Kind string `json:"kind"`
	// Score is the share of the shorter article's sentences that have a
	// near copy in the other, in (0, 1].
	Score float64 `json:"score"`
}

// Sentence-level evidence. Two sentences are near copies when they share
// at least minSharedShingles shingles (word n-grams inside the sentence);
// two articles are related when at least minSharedSentences sentences of
// each have a near copy in the other. Measured on the development data
// (README, Quality): reworded copies of one story share 3 or more such
// sentences in 98% of pairs, different stories almost never share 2.
const (
	minSharedShingles  = 3
	minSharedSentences = 2
	// relatedSampleBits: articles become candidates for a relation
	// when they share a shingle from a 1-in-2^relatedSampleBits sample
	// of their shingle sets.
	relatedSampleBits = 3
	// maxPostings: a sampled shingle found in more articles than this is
	// boilerplate and proposes no candidates.
	maxPostings = 64
	// boilerplateClusters: a shingle found in this many clusters or more
	// is boilerplate ("All rights reserved", credit lines) and is no
	// evidence. A story's own sentences stay within its cluster, plus
	// the few articles that reuse them.
	boilerplateClusters = 4
)

// sampleShingles appends the 32-bit forms of the shingles of set that fall
// in the relation sample.
func sampleShingles(dst []uint32, set []uint64, seed uint64) []uint32 {
	for _, v := range set {
		if mix64(v^seed)&(1<<relatedSampleBits-1) == 0 {
			dst = append(dst, uint32(v))
		}
	}
	return dst
}

// pair is two articles by input position, i < j.
type pair struct{ i, j int32 }

// samplePairs returns the pairs of articles that share a sampled shingle
// (one with at most maxPostings articles), sorted.
func samplePairs(samples [][]uint32) []pair {
	pairs, _ := samplePairsCount(samples, nil)
	return pairs
}

// samplePairsCount is samplePairs that also returns, for each pair, how
// many sampled shingles (of at most maxPostings articles) it shares. With
// keep non-nil, only the pairs i < j with keep(i, j) are listed (and kept
// in memory along the way).
func samplePairsCount(samples [][]uint32, keep func(i, j int32) bool) ([]pair, []int32) {
	// Every (sampled shingle, article) as one number, sorted: a run of
	// one shingle lists its articles in order.
	total := 0
	for _, s := range samples {
		total += len(s)
	}
	occ := make([]uint64, 0, total)
	for i, s := range samples {
		for _, v := range s {
			occ = append(occ, uint64(v)<<32|uint64(i))
		}
	}
	slices.Sort(occ)
	occ = slices.Compact(occ) // an article's repeated sample counts once
	var keys []uint64         // i<<32 | j for every pair i < j, repeated
	for lo := 0; lo < len(occ); {
		hi := lo + 1
		for hi < len(occ) && occ[hi]>>32 == occ[lo]>>32 {
			hi++
		}
		if docs := occ[lo:hi]; len(docs) >= 2 && len(docs) <= maxPostings {
			for x, i := range docs {
				for _, j := range docs[x+1:] {
					if keep == nil || keep(int32(uint32(i)), int32(uint32(j))) {
						keys = append(keys, uint64(uint32(i))<<32|uint64(uint32(j)))
					}
				}
			}
		}
		lo = hi
	}
	occ = nil
	slices.Sort(keys)
	var pairs []pair
	var counts []int32
	for k := 0; k < len(keys); {
		m := k + 1
		for m < len(keys) && keys[m] == keys[k] {
			m++
		}
		pairs = append(pairs, pair{int32(keys[k] >> 32), int32(uint32(keys[k]))})
		counts = append(counts, int32(m-k))
		k = m
	}
	return pairs, counts
}

// related finds the partial relations among the candidate pairs whose
// articles ended in different clusters; cluster[i] is article i's cluster.
//
// Every shared sentence shingle gives a (sentence of one article, sentence
// of the other) pair; a pair of sentences that turns up minSharedShingles
// times is a near copy, and two articles are related when at least
// minSharedSentences sentences of each have a near copy. The shingles come
// from one list of every sentence shingle of the articles involved,
// sorted by hash: a run of equal hashes yields the sentence pairs of every
// candidate pair that shares the shingle, so the work follows what the
// articles share rather than their lengths (a merge join of the two
// articles per candidate pair, as before, cost 40% of Cluster on 10,000
// generated articles).
func (d *Deduper) related(ctx context.Context, ids []string, ev []Evidence, candidates []pair, cluster []int, workers int) ([]Relation, error) {
	var pairs []pair
	for _, p := range candidates {
		if cluster[p.i] != cluster[p.j] {
			pairs = append(pairs, p)
		}
	}
	if len(pairs) == 0 {
		return []Relation{}, nil
	}
	pairIndex := make(map[pair]int32, len(pairs))
	for k, p := range pairs {
		pairIndex[p] = int32(k)
	}

	// Sentence shingles, made once per article that needs them, listed by
	// cluster so that a run of one hash meets each cluster in one stretch.
	seen := make(map[int32]bool)
	var need []int32
	for _, p := range pairs {
		for _, i := range [2]int32{p.i, p.j} {
			if !seen[i] {
				seen[i] = true
				need = append(need, i)
			}
		}
	}
	slices.SortFunc(need, func(x, y int32) int { return cmp.Or(cmp.Compare(cluster[x], cluster[y]), cmp.Compare(x, y)) })
	made := make([][]shingle.SentenceShingle, len(need))
	err := parallelCtx(ctx, workers, len(need), func(sc *pairScratch, k int) {
		made[k] = sc.ev.appendSentenceShingles(nil, ev[need[k]], &d.rules.cfg)
	})
	if err != nil {
		return nil, err
	}
	sentences := make([]int, len(need))
	total := 0
	for k, ss := range made {
		sentences[k] = sentenceCount(ss)
		total += len(ss)
	}
	occs := make([]occurrence, 0, total)
	for k, ss := range made {
		for _, s := range ss {
			occs = append(occs, occurrence{hash: s.Hash, doc: int32(k), sent: int32(s.Sentence)})
		}
		made[k] = nil
	}
	// By hash, then article; the order of one article's sentences in a
	// run does not matter (hits are sorted per pair).
	slices.SortFunc(occs, func(x, y occurrence) int {
		if x.hash != y.hash {
			if x.hash < y.hash {
				return -1
			}
			return 1
		}
		return int(x.doc - y.doc)
	})

	// The sentence pairs, per candidate pair, from every run of a hash
	// found in fewer than boilerplateClusters clusters.
	hf := hitFinder{need: need, cluster: cluster, pairIndex: pairIndex}
	hf.init(pairs)
	for lo := 0; lo < len(occs); {
		hi, clusters := lo+1, 1
		for ; hi < len(occs) && occs[hi].hash == occs[lo].hash; hi++ {
			if cluster[need[occs[hi].doc]] != cluster[need[occs[hi-1].doc]] {
				clusters++
			}
		}
		if clusters > 1 && clusters < boilerplateClusters {
			hf.run(occs[lo:hi])
		}
		lo = hi
	}
	occs = nil
	hits := hf.hits

	// Group the hits by candidate pair (a counting sort), then count each
	// pair's near-copy sentences.
	start := make([]int, len(pairs)+1)
	for _, h := range hits {
		start[h.pair+1]++
	}
	for k := range pairs {
		start[k+1] += start[k]
	}
	grouped := make([]uint64, len(hits))
	next := slices.Clone(start[:len(pairs)])
	for _, h := range hits {
		grouped[next[h.pair]] = h.sents
		next[h.pair]++
	}
	hits = nil
	found := make([]*Relation, len(pairs)) // found[k] is written by pair k's goroutine only
	err = parallelCtx(ctx, workers, len(pairs), func(_ *pairScratch, k int) {
		g := grouped[start[k]:start[k+1]]
		if len(g) < minSharedSentences*minSharedShingles {
			return
		}
		p := pairs[k]
		shared := nearCopies(g)
		shorter := min(sentences[hf.place[p.i]], sentences[hf.place[p.j]])
		if shared >= minSharedSentences && shorter > 0 {
			found[k] = &Relation{
				A: ids[p.i], B: ids[p.j], Kind: "partial",
				Score: min(1, float64(shared)/float64(shorter)),
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := []Relation{}
	for _, r := range found {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out, nil
}

// occurrence is a sentence shingle of one of the articles related looks
// at: doc is the article's place in related's list, sent its sentence.
type occurrence struct {
	hash      uint64
	doc, sent int32
}

// hit is one shared shingle of a candidate pair: sents is the sentence of
// the pair's first article << 32 | the sentence of its second.
type hit struct {
	pair  int32
	sents uint64
}

// hitFinder turns runs of occurrences of one hash into hits.
type hitFinder struct {
	need      []int32         // related's articles, by cluster
	place     map[int32]int32 // article -> its place in need
	cluster   []int
	pairIndex map[pair]int32
	hits      []hit

	// For runs with many articles: each article's candidate partners
	// (places in need) and pair numbers, and the run an article was last
	// seen in with its occurrences there.
	partners [][]partner
	stamp    []int32
	span     [][2]int32
	runs     int32
}

type partner struct{ doc, pair int32 }

func (f *hitFinder) init(pairs []pair) {
	f.place = make(map[int32]int32, len(f.need))
	for k, i := range f.need {
		f.place[i] = int32(k)
	}
	f.partners = make([][]partner, len(f.need))
	for k, p := range pairs {
		a, b := f.place[p.i], f.place[p.j]
		f.partners[a] = append(f.partners[a], partner{b, int32(k)})
	}
	f.stamp = make([]int32, len(f.need))
	f.span = make([][2]int32, len(f.need))
}

// run appends a hit for every two occurrences in run (all of one hash,
// sorted by article) that belong to the two articles of a candidate pair.
// It tries every two occurrences of different clusters, or, where that
// is more work, every candidate partner of every article in the run.
func (f *hitFinder) run(run []occurrence) {
	byPartners := 0
	for x, o := range run {
		if x == 0 || o.doc != run[x-1].doc {
			byPartners += len(f.partners[o.doc])
		}
	}
	if hitPath == 1 || hitPath == 0 && len(run)*(len(run)-1)/2 <= 4*byPartners {
		f.byOccurrences(run)
	} else {
		f.byPartners(run)
	}
}

// hitPath, for tests, makes hitFinder.run always try occurrences (1) or
// partners (2).
var hitPath int

// byOccurrences is run trying every two occurrences.
func (f *hitFinder) byOccurrences(run []occurrence) {
	for x, a := range run {
		ia := f.need[a.doc]
		for _, b := range run[x+1:] {
			ib := f.need[b.doc]
			if f.cluster[ia] == f.cluster[ib] {
				continue
			}
			p, sa, sb := pair{ia, ib}, a.sent, b.sent
			if ib < ia {
				p, sa, sb = pair{ib, ia}, b.sent, a.sent
			}
			if k, ok := f.pairIndex[p]; ok {
				f.hits = append(f.hits, hit{pair: k, sents: uint64(sa)<<32 | uint64(uint32(sb))})
			}
		}
	}
}

// byPartners is run trying every candidate partner of every article.
func (f *hitFinder) byPartners(run []occurrence) {
	f.runs++
	for x := 0; x < len(run); {
		y := x + 1
		for y < len(run) && run[y].doc == run[x].doc {
			y++
		}
		f.stamp[run[x].doc] = f.runs
		f.span[run[x].doc] = [2]int32{int32(x), int32(y)}
		x = y
	}
	for x := 0; x < len(run); {
		a := run[x].doc
		sa := f.span[a]
		x = int(sa[1])
		// partners[a] holds the pairs whose first article is a.
		for _, pb := range f.partners[a] {
			if f.stamp[pb.doc] != f.runs {
				continue
			}
			sb := f.span[pb.doc]
			for _, oa := range run[sa[0]:sa[1]] {
				for _, ob := range run[sb[0]:sb[1]] {
					f.hits = append(f.hits, hit{pair: pb.pair, sents: uint64(oa.sent)<<32 | uint64(uint32(ob.sent))})
				}
			}
		}
	}
}

// nearCopies returns how many sentences of each article of a pair have a
// near copy in the other (the smaller of the two counts), given the pair's
// hits (sorted in place).
func nearCopies(hits []uint64) int {
	slices.Sort(hits)
	var matchedA, matchedB []int
	for k := 0; k < len(hits); {
		m := k
		for m < len(hits) && hits[m] == hits[k] {
			m++
		}
		if m-k >= minSharedShingles {
			matchedA = append(matchedA, int(hits[k]>>32))
			matchedB = append(matchedB, int(uint32(hits[k])))
		}
		k = m
	}
	slices.Sort(matchedA)
	slices.Sort(matchedB)
	return min(len(slices.Compact(matchedA)), len(slices.Compact(matchedB)))
}

// sentenceCount returns the number of sentences of an article's sentence
// shingles (listed in sentence order).
func sentenceCount(ss []shingle.SentenceShingle) int {
	n := 0
	for k, x := range ss {
		if k == 0 || x.Sentence != ss[k-1].Sentence {
			n++
		}
	}
	return n
}
