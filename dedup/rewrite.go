package dedup

import (
	"cmp"
	"context"
	"math/bits"
	"slices"
	"sync"
)

// rewriteText is what the rewrite check needs of one article.
type rewriteText struct {
	union []uint64   // sorted content-word 1..3-grams
	sents [][]uint64 // content words of each long enough sentence
	words int        // content words in sents
}

// u64Set is a hash set of uint64 values, reused from one set to the next,
// made for counting how many values of another set it holds, where most
// are not in it: a bitmap of 16 bits per table slot (32 to 64 per value)
// answers "not in the set" for almost all of those with one load (a
// 1,000-value set has a 4 KB bitmap), and an open-addressing table at
// most half full answers the rest. It is not safe for concurrent use.
type u64Set struct {
	bits    []uint64 // bitmap, indexed by the top bits of v*weylStep
	bshift  uint
	slots   []uint64 // 0: empty
	shift   uint
	hasZero bool
	hit     []uint64 // countDistinct's scratch: a bit per slot
}

// reset makes s the set of vals.
func (s *u64Set) reset(vals []uint64) {
	n := 8
	for n < 2*len(vals) {
		n <<= 1
	}
	s.slots = resize(s.slots, n)
	s.shift = uint(64 - bits.Len(uint(n-1)))
	s.bits = resize(s.bits, 16*n/64)
	s.bshift = uint(64 - bits.Len(uint(64*len(s.bits)-1)))
	s.hasZero = false
	mask := uint64(n - 1)
	for _, v := range vals {
		if v == 0 {
			s.hasZero = true
			continue
		}
		b := (v * weylStep) >> s.bshift
		s.bits[b>>6] |= 1 << (b & 63)
		for h := (v * weylStep) >> s.shift; ; h = (h + 1) & mask {
			if s.slots[h] == 0 {
				s.slots[h] = v
				break
			}
			if s.slots[h] == v {
				break
			}
		}
	}
}

// resize returns buf with length n, cleared, reusing its memory if it can.
func resize(buf []uint64, n int) []uint64 {
	if cap(buf) < n {
		return make([]uint64, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// count returns how many of vals, which must be distinct, are in s.
func (s *u64Set) count(vals []uint64) int {
	n := 0
	for _, v := range vals {
		if v == 0 {
			if s.hasZero {
				n++
			}
			continue
		}
		if _, ok := s.slot(v); ok {
			n++
		}
	}
	return n
}

// countDistinct returns how many distinct values of vals, which may
// repeat, are in s.
func (s *u64Set) countDistinct(vals []uint64) int {
	s.hit = resize(s.hit, (len(s.slots)+63)/64)
	n := 0
	zero := false
	for _, v := range vals {
		if v == 0 {
			if s.hasZero && !zero {
				zero = true
				n++
			}
			continue
		}
		if h, ok := s.slot(v); ok && s.hit[h>>6]&(1<<(h&63)) == 0 {
			s.hit[h>>6] |= 1 << (h & 63)
			n++
		}
	}
	return n
}

// slot returns the table slot that holds v (not 0), and whether s holds
// it: the bitmap answers "no" for most values with one load.
func (s *u64Set) slot(v uint64) (uint64, bool) {
	if b := (v * weylStep) >> s.bshift; s.bits[b>>6]&(1<<(b&63)) == 0 {
		return 0, false
	}
	mask := uint64(len(s.slots) - 1)
	for h := (v * weylStep) >> s.shift; ; h = (h + 1) & mask {
		switch s.slots[h] {
		case v:
			return h, true
		case 0:
			return 0, false
		}
	}
}

// sentenceCoverage returns the share of a's sentences that have at least
// rewriteSentence of their words inside one sentence of b or two
// consecutive ones.
func sentenceCoverage(a, b rewriteText) float64 {
	if len(a.sents) == 0 || len(b.sents) == 0 {
		return 0
	}
	where := make(map[uint64][]int, b.words)
	for t, words := range b.sents {
		for _, w := range words {
			where[w] = append(where[w], t)
		}
	}
	// Window t holds sentences t and t+1 of b; hits[t] counts the words
	// of the current sentence of a found there, last[t] the word that
	// counted last, so a word in both sentences counts once.
	hits := make([]int, len(b.sents))
	last := make([]int, len(b.sents))
	covered := 0
	for _, words := range a.sents {
		clear(hits)
		for t := range last {
			last[t] = -1
		}
		best := 0
		for k, w := range words {
			for _, t := range where[w] {
				for _, win := range [2]int{t - 1, t} {
					if win >= 0 && win < len(hits) && last[win] != k {
						last[win] = k
						hits[win]++
						best = max(best, hits[win])
					}
				}
			}
		}
		if float64(best) >= rewriteSentence*float64(len(words)) {
			covered++
		}
	}
	return float64(covered) / float64(len(a.sents))
}

// rewriteEdges returns, for each article alone in its cluster (single[i]),
// the edge that attaches it as a heavy rewrite to the article it matches
// best, if any (rules.go, rule 3). Candidates are the pairs that share
// enough sampled content-word shingles (rewriteCandidate). Memory: the
// candidate pairs are listed only where one side is alone, each
// candidate article's union of content-word n-grams is kept (8 bytes an
// n-gram), and the sentence views are rebuilt from Evidence only for
// the pairs that pass the union bar.
func (d *Deduper) rewriteEdges(ctx context.Context, docs []batchDoc, single []bool, workers int) ([]edge, error) {
	if !slices.Contains(single, true) {
		return nil, nil
	}
	type info struct{ union, words, sents int }
	samples := make([][]uint32, len(docs))
	infos := make([]info, len(docs))
	err := parallelCtx(ctx, workers, len(docs), func(sc *pairScratch, i int) {
		t := sc.ev.rewriteText(docs[i].Evidence)
		samples[i] = d.ix.rewriteSamples(&t)
		infos[i] = info{len(t.union), t.words, len(t.sents)}
	})
	if err != nil {
		return nil, err
	}
	// short is the side with fewer content words: it must be alone and
	// have enough sentences.
	short := func(i, j int32) int32 {
		if infos[j].words < infos[i].words {
			return j
		}
		return i
	}
	keep := func(i, j int32) bool {
		s := short(i, j)
		return single[s] && infos[s].sents >= rewriteMinSentences &&
			rewriteCandidate(1, infos[i].union, infos[j].union)
	}
	pairs, shared := samplePairsCount(samples, keep)
	samples = nil
	candidates := pairs[:0]
	for k, p := range pairs {
		if rewriteCandidate(int(shared[k]), infos[p.i].union, infos[p.j].union) {
			candidates = append(candidates, p)
		}
	}
	shared = nil
	// The unions of the articles in candidate pairs only.
	need := make([]bool, len(docs))
	for _, p := range candidates {
		need[p.i], need[p.j] = true, true
	}
	unions := make([][]uint64, len(docs))
	err = parallelCtx(ctx, workers, len(docs), func(sc *pairScratch, i int) {
		if need[i] {
			sc.buf = sc.ev.appendUnion(sc.buf[:0], docs[i].Evidence)
			unions[i] = slices.Clone(sortedSet(sc.buf))
		}
	})
	if err != nil {
		return nil, err
	}
	need = nil
	type match struct {
		short, long int
		coverage    float64
		union       float64
	}
	found := make([]*match, len(candidates))
	// Candidates come sorted by first article: each first article's
	// content-word set goes into a hash set once, and the sets of its
	// partners are looked up in it (measured 2-3 times faster than a
	// merge join of the two sorted sets per pair).
	var groups [][2]int
	for k := range candidates {
		if k == 0 || candidates[k].i != candidates[k-1].i {
			groups = append(groups, [2]int{k, k})
		}
		groups[len(groups)-1][1] = k + 1
	}
	var sets sync.Pool
	err = parallelCtx(ctx, workers, len(groups), func(sc *pairScratch, g int) {
		var set *u64Set
		for k := groups[g][0]; k < groups[g][1]; k++ {
			p := candidates[k]
			s := short(p.i, p.j)
			l := p.i + p.j - s
			if set == nil {
				set, _ = sets.Get().(*u64Set)
				if set == nil {
					set = new(u64Set)
				}
				set.reset(unions[p.i])
			}
			if _, ok := rewriteDerived(set.count(unions[p.j]), len(unions[p.i]), len(unions[p.j])); !ok {
				continue // the derivation bar, before the sentence views
			}
			ts, tl := sc.ev.rewriteText(docs[s].Evidence), sc.ev.rewriteText(docs[l].Evidence)
			if c, u, ok := rewriteMatch(&ts, &tl, set, unions[p.j]); ok {
				found[k] = &match{int(s), int(l), c, u}
			}
		}
		if set != nil {
			sets.Put(set)
		}
	})
	if err != nil {
		return nil, err
	}
	best := make(map[int]*match)
	for _, m := range found {
		if m == nil {
			continue
		}
		b := best[m.short]
		if b == nil || cmp.Or(cmp.Compare(m.coverage, b.coverage), cmp.Compare(m.union, b.union), cmp.Compare(b.long, m.long)) > 0 {
			best[m.short] = m
		}
	}
	edges := make([]edge, 0, len(best))
	var sc evScratch
	var buf []uint64
	for _, m := range best {
		var s Score
		s, buf = sc.score(docs[m.short].Evidence, docs[m.long].Evidence, &d.rules.cfg, buf)
		i, j := min(m.short, m.long), max(m.short, m.long)
		edges = append(edges, edge{i: i, j: j, sim: s.Similarity, cont: s.Containment, coverage: m.coverage})
	}
	sortEdges(edges)
	return edges, nil
}
