package dedup

import (
	"math"
)

// The decision rules. Whether two articles are copies of one story is
// decided here, for every path: Deduper.Add and Check (the stream),
// Index.Query, Deduper.Cluster and ClusterDocs (the batch). Each path
// finds candidate pairs its own way (LSH bands, shared sampled
// shingles); what it does with a pair comes from this file, on what the
// index keeps of each article (its Signature and Evidence), never on a
// private copy of a rule.
//
// A pair is a copy when
//
//  1. (threshold) its Jaccard similarity reaches Config.Threshold; or
//  2. (trimmed and padded copies, unless Config.NoContainment) its
//     Jaccard similarity reaches trimmedFloor times the threshold and
//     the shorter article's shingles are at least trimmedContainment
//     inside the other. Such a link attaches the shorter article only:
//     an article that sits inside two stories joins one of them; or
//  3. (heavy rewrites, unless Config.NoRewrites) the shorter article has
//     no other link and both pieces of rewrite evidence hold (see
//     rewriteMatch).
//
// The Jaccard similarity and containment are the signature's estimates,
// measured exactly from Evidence when the estimate is within three
// standard deviations of the threshold (rules.measure). With
// NoContainment and NoRewrites, Threshold is a floor: no pair below it is
// joined.
const (
	trimmedFloor       = 0.5
	trimmedContainment = 0.5
)

// Heavy rewrites. A copy reworded sentence by sentence keeps the order and
// most content words of its source but few word 3-grams, so neither
// Jaccard nor containment of 3-grams finds it. Two pieces of evidence must
// both hold:
//
//   - derivation: the Jaccard similarity of the two texts' content-word
//     1-, 2- and 3-grams together (stop words removed) reaches
//     rewriteUnion. Independent texts on one topic share topic words but
//     few word pairs and triples;
//   - correspondence: at least rewriteCoverage of the shorter text's
//     sentences (of rewriteMinWords content words or more) have at least
//     rewriteSentence of their content words inside one or two consecutive
//     sentences of the other. A text that reuses a paragraph or two of
//     another story shares long runs with it but leaves most of its
//     sentences unmatched.
//
// Only an article with no other link is attached this way, as the
// shorter side, to the article it matches best, and only if it has at
// least rewriteMinSentences such sentences. Measured on the development
// data (README, Quality).
const (
	rewriteUnion        = 0.06
	rewriteCoverage     = 0.5
	rewriteSentence     = 0.5
	rewriteMinWords     = 4
	rewriteMinSentences = 3
)

// Heavy-rewrite candidates. Every path proposes them the same way: two
// articles are candidates when they share enough of a 1-in-
// 2^relatedSampleBits sample of their content-word n-grams (counting only
// sampled n-grams found in at most maxPostings articles). A pair at rule
// 3's derivation bar shares at least rewriteUnion/(1+rewriteUnion) of
// its nu+nl n-grams, one in 2^relatedSampleBits of them sampled; a pair
// that shares too few samples is dropped when, even if only
// rewriteSampleShare of its shared n-grams were counted (the others lost
// to common ones), a pair at the bar would share so few with probability
// under rewriteSampleMiss (Poisson). Short articles keep every pair that
// shares one sample; long ones need several, which removes most of the
// pairs that merely share topic words.
const (
	rewriteSampleMiss  = 1e-3
	rewriteSampleShare = 0.5
)

// rewriteDerived applies the derivation evidence of rule 3 to two
// unions of nu and nl content-word n-grams that share inter: it returns
// their Jaccard similarity and whether it reaches rewriteUnion.
func rewriteDerived(inter, nu, nl int) (float64, bool) {
	if nu+nl-inter <= 0 {
		return 0, false
	}
	u := float64(inter) / float64(nu+nl-inter)
	return u, u >= rewriteUnion
}

// rewriteCandidate reports whether two articles whose rewrite unions
// hold nu and nl n-grams, and which share shared sampled n-grams, are
// heavy-rewrite candidates. It also applies the size bound of rule 3's
// derivation evidence: Jaccard is at most the ratio of the set sizes.
func rewriteCandidate(shared, nu, nl int) bool {
	return rewriteSizes(nu, nl) && shared >= minRewriteSamples(nu+nl)
}

// rewriteSizes reports whether unions of nu and nl n-grams can reach the
// derivation bar at all: Jaccard is at most the ratio of the set sizes,
// so a pair too unequal cannot, and a huge article would otherwise cost a
// full pass per candidate.
func rewriteSizes(nu, nl int) bool {
	return nu > 0 && nl > 0 && float64(min(nu, nl)) >= rewriteUnion*float64(max(nu, nl))
}

// minRewriteSamples returns the fewest shared samples a rewrite candidate
// of n n-grams in all must have: the largest k such that a Poisson count
// of mean rewriteSampleShare times the samples a pair at the bar shares
// is below k with probability at most rewriteSampleMiss.
func minRewriteSamples(n int) int {
	lambda := rewriteSampleShare * rewriteUnion / (1 + rewriteUnion) * float64(n) / (1 << relatedSampleBits)
	if lambda > 400 {
		// exp(-lambda) nears underflow: the normal approximation, which
		// is close there (z = 3.09 for 1e-3).
		return max(1, int(lambda-3.09*math.Sqrt(lambda)))
	}
	p, cdf := math.Exp(-lambda), 0.0 // P(X = k), P(X < k)
	k := 0
	for cdf+p <= rewriteSampleMiss {
		cdf += p
		k++
		p *= lambda / float64(k)
	}
	return max(1, k)
}

// rules is the decision rules under one Config.
type rules struct {
	cfg         Config // with defaults
	threshold   float64
	floor       float64 // lowest estimate worth measuring
	sure        float64 // estimate at or above which no exact check is made
	containment bool
	rewrites    bool
}

func newRules(cfg Config) rules {
	cfg = cfg.WithDefaults()
	t := cfg.Threshold
	r := rules{
		cfg: cfg, threshold: t, floor: t,
		sure:        t + 3*math.Sqrt(t*(1-t)/float64(cfg.NumHashes)),
		containment: !cfg.NoContainment,
		rewrites:    !cfg.NoRewrites,
	}
	if r.containment {
		r.floor = t * trimmedFloor
	} else {
		// Pairs estimated below the threshold are measured if they
		// may reach it.
		r.floor = max(0, t-3*math.Sqrt(t*(1-t)/float64(cfg.NumHashes)))
	}
	return r
}

// strong reports whether a pair of this similarity is a copy by the
// threshold alone.
func (r *rules) strong(sim float64) bool { return sim >= r.threshold }

// isCopy applies rules 1 and 2 to a pair's similarity and containment.
func (r *rules) isCopy(sim, cont float64) bool {
	return sim >= r.threshold || (r.containment && sim >= r.threshold*trimmedFloor && cont >= trimmedContainment)
}

// measure returns a pair's similarity and containment: est (the
// signatures' estimate) when it is sure, else the exact figures from the
// two articles' Evidence when both have one.
func (r *rules) measure(sc *evScratch, buf []uint64, est Score, a, b Evidence) (Score, []uint64) {
	if est.Similarity >= r.sure || !a.valid() || !b.valid() {
		return est, buf
	}
	return sc.score(a, b, &r.cfg, buf)
}

// rewriteMatch applies rule 3's evidence to a pair: short is the article
// with fewer content words, set holds either article's union (set.reset)
// and other the other's. It returns the coverage and the union Jaccard, and
// whether the pair is a heavy rewrite.
func rewriteMatch(short, long *rewriteText, set *u64Set, other []uint64) (coverage, union float64, ok bool) {
	if len(short.sents) < rewriteMinSentences {
		return 0, 0, false
	}
	nu, nl := len(short.union), len(long.union)
	if !rewriteSizes(nu, nl) {
		return 0, 0, false
	}
	u, ok := rewriteDerived(set.count(other), nu, nl)
	if !ok {
		return 0, u, false
	}
	c := sentenceCoverage(*short, *long)
	return c, u, c >= rewriteCoverage
}
