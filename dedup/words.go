package dedup

import (
	"math"
	"slices"

	"github.com/neardup/neardup/shingle/synonym"
)

// DefaultWordThreshold is a cutoff for WordSimilarity between two
// sentences that say the same thing and two that do not: the threshold
// that classifies the training pairs of the Microsoft Research Paraphrase
// Corpus best (0.338), rounded. On other text, choose yours on pairs
// labelled for your task: the cutoff that classifies them best.
const DefaultWordThreshold = 0.34

// WordSimilarity returns how closely two short texts (sentences,
// headlines, ledes, captions) say the same thing, from 0 to 1. Word
// n-grams are too few in a sentence, and a reworded sentence shares
// almost none of them, so this measure works on single words:
//
//   - the terms of each text (the stems of the Config's shingler, stop
//     words removed if the Config says so) are taken as a set;
//   - a term of one text matches the same term in the other; then, for
//     English with stemming on, the terms left unmatched are paired with
//     terms of the other text that share a WordNet synset with them
//     ("bought" and "purchased"; see package synonym), each term in at
//     most one pair, as many pairs as possible;
//   - the score is matches / (|A| + |B| - matches), a Jaccard similarity
//     that counts synonyms as shared, times the square root of the
//     shorter text's share of the longer's terms: a sentence that adds a
//     clause says something more.
//
// Two texts with the same terms score 1; a text with no terms (no words,
// or only stop words when the Config removes them) scores 0. The score is
// symmetric and does not depend on the order of words. Unlike Compare,
// this is not what signatures estimate and it does not use the shingle
// size; articles are compared and clustered by their shingles (Compare,
// Cluster), where a trimmed copy is still a copy. DefaultWordThreshold separates paraphrases from
// other sentences on MSRP. Safe for concurrent use.
func (h *Hasher) WordSimilarity(a, b string) float64 {
	s := h.get()
	defer h.put(s)
	defer s.trimWordScratch()
	s.terms = s.sh.AppendTerms(s.terms[:0], a)
	na := len(s.terms)
	s.terms = s.sh.AppendTerms(s.terms, b)
	x, y := distinctTerms(s.terms[:na]), distinctTerms(s.terms[na:])
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	// Exact matches, and the terms of each side left without one.
	s.restA, s.restB = s.restA[:0], s.restB[:0]
	exact := 0
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case j == len(y) || (i < len(x) && x[i] < y[j]):
			s.restA = append(s.restA, x[i])
			i++
		case i == len(x) || x[i] > y[j]:
			s.restB = append(s.restB, y[j])
			j++
		default:
			exact++
			i++
			j++
		}
	}
	m := float64(exact + h.synonymMatches(s))
	union := float64(len(x)+len(y)) - m
	short, long := float64(min(len(x), len(y))), float64(max(len(x), len(y)))
	return m / union * math.Sqrt(short/long)
}

// synonymMatches returns the largest number of pairs of an unmatched term
// of s.restA and one of s.restB that share a synset, each term in at most
// one pair: a maximum bipartite matching (augmenting paths), so the count
// does not depend on the order of terms or of the two texts.
func (h *Hasher) synonymMatches(s *signer) int {
	sc := h.cfg.Shingle
	if sc.Language != "english" || sc.NoStem || len(s.restA) == 0 || len(s.restB) == 0 {
		return 0
	}
	// keyed lists each synset of restB's terms with the term: synset<<32 |
	// index, sorted, so that the terms sharing a synset with one of restA
	// are found by binary search (linear in the edges, where testing every
	// pair of terms took seconds for two texts of 17,000 distinct words).
	s.keyed = s.keyed[:0]
	for k, t := range s.restB {
		for _, g := range synonym.Groups(t) {
			s.keyed = append(s.keyed, uint64(g)<<32|uint64(k))
		}
	}
	if len(s.keyed) == 0 {
		return 0
	}
	slices.Sort(s.keyed)
	// Edges: s.adj[s.adjStart[a]:s.adjStart[a+1]] are the terms of restB
	// that term a of restA shares a synset with, each once (s.last[k] is
	// 1 + the last term of restA given an edge to k).
	s.last = slices.Grow(s.last[:0], len(s.restB))[:len(s.restB)]
	clear(s.last)
	s.adj, s.adjStart = s.adj[:0], append(s.adjStart[:0], 0)
	for a, t := range s.restA {
		for _, g := range synonym.Groups(t) {
			lo := uint64(g) << 32
			i, _ := slices.BinarySearch(s.keyed, lo)
			for ; i < len(s.keyed) && s.keyed[i]>>32 == uint64(g); i++ {
				k := int32(s.keyed[i])
				if s.last[k] != int32(a)+1 {
					s.last[k] = int32(a) + 1
					s.adj = append(s.adj, k)
				}
			}
		}
		s.adjStart = append(s.adjStart, int32(len(s.adj)))
	}
	if len(s.adj) == 0 {
		return 0
	}
	s.mate = slices.Grow(s.mate[:0], len(s.restB))[:len(s.restB)]
	s.seen = slices.Grow(s.seen[:0], len(s.restB))[:len(s.restB)]
	for k := range s.mate {
		s.mate[k] = -1
	}
	n := 0
	for a := range s.restA {
		if s.adjStart[a] == s.adjStart[a+1] {
			continue
		}
		clear(s.seen)
		if s.augment(int32(a)) {
			n++
		}
	}
	return n
}

// augment looks for an augmenting path from term a of restA and applies it
// (Kuhn's algorithm).
func (s *signer) augment(a int32) bool {
	for _, b := range s.adj[s.adjStart[a]:s.adjStart[a+1]] {
		if s.seen[b] {
			continue
		}
		s.seen[b] = true
		if s.mate[b] < 0 || s.augment(s.mate[b]) {
			s.mate[b] = a
			return true
		}
	}
	return false
}

// maxKeptScratch is the most elements a pooled signer keeps in each of
// WordSimilarity's scratch slices between calls: one pair of huge texts
// does not pin its buffers for the Hasher's lifetime.
const maxKeptScratch = 1 << 14

// trimWordScratch drops the WordSimilarity scratch slices that grew past
// maxKeptScratch.
func (s *signer) trimWordScratch() {
	s.terms, s.restA, s.restB = trimmed(s.terms), trimmed(s.restA), trimmed(s.restB)
	s.keyed = trimmed(s.keyed)
	s.adj, s.adjStart, s.mate, s.last = trimmed(s.adj), trimmed(s.adjStart), trimmed(s.mate), trimmed(s.last)
	s.seen = trimmed(s.seen)
}

// trimmed returns x, or nil if its capacity is past maxKeptScratch.
func trimmed[T any](x []T) []T {
	if cap(x) > maxKeptScratch {
		return nil
	}
	return x
}

// distinctTerms sorts terms and removes repeats, in place.
func distinctTerms(terms []string) []string {
	slices.Sort(terms)
	return slices.Compact(terms)
}
