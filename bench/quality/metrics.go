package main

// Quality metrics for near-duplicate detection. Everything in this file is
// pure and independent of the dedup library.
//
// Clustering comparison (gold labels vs. predicted clusters, one entry per
// document; gold[i] == NoCluster means document i is a copy of nothing and
// forms its own singleton gold cluster; every distinct int in pred is one
// predicted cluster):
//
//	func CountPairs(gold []string, pred []int) (Confusion, error)
//	func AdjustedRandIndex(gold []string, pred []int) (float64, error)
//	func BCubedScores(gold []string, pred []int) (BCubed, error)
//
// Pair classification (score >= threshold means "copy"):
//
//	func Classify(scores []float64, labels []bool, threshold float64) (Confusion, error)
//	func TuneThreshold(scores []float64, labels []bool) (threshold, accuracy float64, err error)
//	func CrossValidate(scores []float64, labels []bool, folds int, seed uint64) (accuracy, f1 float64, err error)
//
// Both CountPairs and Classify return a Confusion, whose methods give the
// derived scores (for CountPairs, Accuracy is the Rand index):
//
//	func (c Confusion) Total() int64
//	func (c Confusion) Accuracy() float64
//	func (c Confusion) Precision() float64
//	func (c Confusion) Recall() float64
//	func (c Confusion) F1() float64
//
// All functions return an error, never panic, on empty or mismatched input.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// NoCluster is the gold label of a document that is a copy of nothing. Each
// such document is treated as its own singleton gold cluster.
const NoCluster = ""

// Confusion holds the four cells of a binary confusion matrix. For
// clustering comparison (CountPairs) the items are unordered document pairs:
// TP = same gold cluster and same predicted cluster, FP = different gold but
// same predicted, FN = same gold but different predicted, TN = different in
// both. For pair classification (Classify) the items are labelled pairs.
type Confusion struct {
	TP, FP, FN, TN int64
}

// Total returns the number of items counted, TP+FP+FN+TN.
func (c Confusion) Total() int64 { return c.TP + c.FP + c.FN + c.TN }

// Accuracy returns (TP+TN)/Total. For pair counts this is the Rand index.
// It is 1 when Total is 0 (nothing was misclassified).
func (c Confusion) Accuracy() float64 {
	if c.Total() == 0 {
		return 1
	}
	return float64(c.TP+c.TN) / float64(c.Total())
}

// Precision returns TP/(TP+FP). It is 1 when nothing was predicted positive
// (TP+FP == 0): no false claims were made.
func (c Confusion) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall returns TP/(TP+FN). It is 1 when there are no actual positives
// (TP+FN == 0): nothing was missed.
func (c Confusion) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 returns the harmonic mean of Precision and Recall (with their 0/0
// conventions), or 0 when both are 0.
func (c Confusion) F1() float64 {
	return harmonic(c.Precision(), c.Recall())
}

// harmonic returns 2pr/(p+r), or 0 when p+r == 0.
func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// cell is one cell of a contingency table: a (gold, predicted) cluster pair.
type cell struct {
	gold, pred int
}

// contingency is the contingency table of two partitions of n documents.
type contingency struct {
	n     int64
	cells map[cell]int64 // documents in gold cluster g and predicted cluster p
	gold  map[int]int64  // gold cluster sizes (row sums)
	pred  map[int]int64  // predicted cluster sizes (column sums)
}

// newContingency validates the input and builds the contingency table.
// Gold labels are mapped to dense ids; each NoCluster document gets an id of
// its own.
func newContingency(gold []string, pred []int) (*contingency, error) {
	if len(gold) != len(pred) {
		return nil, fmt.Errorf("metrics: %d gold labels but %d predicted clusters", len(gold), len(pred))
	}
	if len(gold) == 0 {
		return nil, errors.New("metrics: no documents")
	}
	t := &contingency{
		n:     int64(len(gold)),
		cells: make(map[cell]int64),
		gold:  make(map[int]int64),
		pred:  make(map[int]int64),
	}
	ids := make(map[string]int) // named gold cluster -> dense id
	for i, g := range gold {
		var gid int
		if g == NoCluster {
			gid = -1 - i // negative ids are unique singletons; named clusters get ids >= 0
		} else {
			id, ok := ids[g]
			if !ok {
				id = len(ids)
				ids[g] = id
			}
			gid = id
		}
		t.cells[cell{gid, pred[i]}]++
		t.gold[gid]++
		t.pred[pred[i]]++
	}
	return t, nil
}

// choose2 returns k*(k-1)/2, the number of unordered pairs among k items.
func choose2(k int64) int64 { return k * (k - 1) / 2 }

// sums returns the pair counts of the table: index = sum over cells of
// C(n_ij,2), a = sum over gold clusters of C(a_i,2), b = sum over predicted
// clusters of C(b_j,2), and all = C(n,2).
func (t *contingency) sums() (index, a, b, all int64) {
	for _, v := range t.cells {
		index += choose2(v)
	}
	for _, v := range t.gold {
		a += choose2(v)
	}
	for _, v := range t.pred {
		b += choose2(v)
	}
	return index, a, b, choose2(t.n)
}

// identical reports whether the two partitions are the same up to renaming
// of clusters: every gold cluster maps to exactly one predicted cluster and
// vice versa, i.e. the table has one non-empty cell per row and per column.
func (t *contingency) identical() bool {
	return len(t.cells) == len(t.gold) && len(t.cells) == len(t.pred)
}

// CountPairs compares two clusterings over all n(n-1)/2 unordered document
// pairs and returns the pair confusion counts (see Confusion). gold[i] is the
// gold cluster name of document i (NoCluster for a copy of nothing) and
// pred[i] its predicted cluster. It runs in O(n) via the contingency table.
// It returns an error if the slices differ in length or are empty.
func CountPairs(gold []string, pred []int) (Confusion, error) {
	t, err := newContingency(gold, pred)
	if err != nil {
		return Confusion{}, err
	}
	index, a, b, all := t.sums()
	return Confusion{
		TP: index,
		FP: b - index,
		FN: a - index,
		TN: all - a - b + index,
	}, nil
}

// AdjustedRandIndex returns the adjusted Rand index of Hubert & Arabie
// (1985) between the gold and predicted clusterings:
//
//	ARI = (Index - Expected) / (Max - Expected)
//	Index    = sum_ij C(n_ij, 2)
//	Expected = sum_i C(a_i, 2) * sum_j C(b_j, 2) / C(n, 2)
//	Max      = (sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2
//
// where n_ij are the contingency-table cells and a_i, b_j its row and column
// sums. It is 1 for identical partitions, about 0 for independent ones and
// can be negative. In the degenerate case Max == Expected (which includes
// n == 1, both partitions all-singletons, or both one cluster) it returns 1
// if the partitions are identical and 0 otherwise. It returns an error if
// the slices differ in length or are empty.
func AdjustedRandIndex(gold []string, pred []int) (float64, error) {
	t, err := newContingency(gold, pred)
	if err != nil {
		return 0, err
	}
	index, a, b, all := t.sums()
	// Max == Expected  <=>  all*(a+b) == 2*a*b. With 0 <= a, b <= all this
	// holds only if all == 0, or a == b == 0, or a == b == all; it is tested
	// exactly on integers to avoid overflow and rounding.
	if all == 0 || (a == 0 && b == 0) || (a == all && b == all) {
		if t.identical() {
			return 1, nil
		}
		return 0, nil
	}
	fa, fb := float64(a), float64(b)
	expected := fa * fb / float64(all)
	maxIndex := (fa + fb) / 2
	return (float64(index) - expected) / (maxIndex - expected), nil
}

// BCubed holds B-cubed precision, recall and F1.
type BCubed struct {
	Precision, Recall, F1 float64
}

// BCubedScores returns the B-cubed scores of Bagga & Baldwin (1998). For each
// document d, precision(d) is the fraction of d's predicted cluster that
// shares d's gold cluster, and recall(d) the fraction of d's gold cluster
// that shares d's predicted cluster (d itself included in both). Precision
// and Recall are the averages over all documents; F1 is the harmonic mean of
// those two averages (0 if both are 0). It returns an error if the slices
// differ in length or are empty.
func BCubedScores(gold []string, pred []int) (BCubed, error) {
	t, err := newContingency(gold, pred)
	if err != nil {
		return BCubed{}, err
	}
	// Each of the n_ij documents in cell (i,j) has precision n_ij/b_j and
	// recall n_ij/a_i.
	var p, r float64
	for c, v := range t.cells {
		fv := float64(v)
		p += fv * fv / float64(t.pred[c.pred])
		r += fv * fv / float64(t.gold[c.gold])
	}
	n := float64(t.n)
	p, r = p/n, r/n
	return BCubed{Precision: p, Recall: r, F1: harmonic(p, r)}, nil
}

// checkPairs validates labelled pair scores: equal, non-zero lengths and
// finite scores.
func checkPairs(scores []float64, labels []bool) error {
	if len(scores) != len(labels) {
		return fmt.Errorf("metrics: %d scores but %d labels", len(scores), len(labels))
	}
	if len(scores) == 0 {
		return errors.New("metrics: no pairs")
	}
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return fmt.Errorf("metrics: score %d is %v, want a finite number", i, s)
		}
	}
	return nil
}

// Classify predicts "copy" for every pair whose score is >= threshold and
// returns the confusion counts against labels (true = copy). Use the
// Confusion methods for accuracy, precision, recall and F1. It returns an
// error if the slices differ in length or are empty, if a score is NaN or
// infinite, or if threshold is NaN.
func Classify(scores []float64, labels []bool, threshold float64) (Confusion, error) {
	if err := checkPairs(scores, labels); err != nil {
		return Confusion{}, err
	}
	if math.IsNaN(threshold) {
		return Confusion{}, errors.New("metrics: threshold is NaN")
	}
	var c Confusion
	for i, s := range scores {
		switch copyPred := s >= threshold; {
		case copyPred && labels[i]:
			c.TP++
		case copyPred:
			c.FP++
		case labels[i]:
			c.FN++
		default:
			c.TN++
		}
	}
	return c, nil
}

// TuneThreshold picks the threshold that maximises accuracy of Classify on
// the given training pairs, and returns it with that training accuracy.
//
// With the distinct scores sorted as s_1 < s_2 < ... < s_k, the candidate
// cuts are: everything positive (threshold s_1), "positive iff score >= s_i"
// for i = 2..k (threshold = midpoint (s_{i-1}+s_i)/2, so the cut sits halfway
// between adjacent training scores), and everything negative (threshold just
// above s_k, math.Nextafter(s_k, +Inf)). If several cuts reach the maximal
// accuracy, the one with the lowest threshold wins, so the result is
// deterministic. It returns an error under the same conditions as Classify.
func TuneThreshold(scores []float64, labels []bool) (threshold, accuracy float64, err error) {
	if err := checkPairs(scores, labels); err != nil {
		return 0, 0, err
	}
	n := len(scores)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return scores[order[a]] < scores[order[b]] })

	var positives int
	for _, l := range labels {
		if l {
			positives++
		}
	}
	// Cut before sorted position p: items [0,p) are negative, [p,n) positive.
	// correct = negatives below the cut + positives at or above it.
	best := positives // p = 0: everything positive
	threshold = scores[order[0]]
	correct := positives
	for p := 0; p < n; {
		// Move the whole group of equal scores below the cut.
		q := p
		for q < n && scores[order[q]] == scores[order[p]] {
			if labels[order[q]] {
				correct--
			} else {
				correct++
			}
			q++
		}
		if correct > best {
			best = correct
			lo := scores[order[p]]
			if q < n {
				threshold = midpoint(lo, scores[order[q]])
			} else {
				threshold = math.Nextafter(lo, math.Inf(1))
			}
		}
		p = q
	}
	return threshold, float64(best) / float64(n), nil
}

// midpoint returns a value m with lo < m <= hi, halfway between lo and hi
// when floating point allows it (lo < hi required).
func midpoint(lo, hi float64) float64 {
	m := lo/2 + hi/2 // avoids overflow of lo+hi
	if m <= lo || m > hi {
		return hi
	}
	return m
}

// CrossValidate estimates how a tuned threshold does on pairs it was not
// tuned on: the pairs are shuffled by seed and dealt into folds parts;
// for each part, TuneThreshold picks a threshold on the other parts and
// Classify scores the part at it. It returns the accuracy and F1 of every
// part's pairs counted together (each pair is held out once). It needs at least two parts of at least one pair each, and
// otherwise returns an error under the same conditions as Classify.
func CrossValidate(scores []float64, labels []bool, folds int, seed uint64) (accuracy, f1 float64, err error) {
	if err := checkPairs(scores, labels); err != nil {
		return 0, 0, err
	}
	if folds < 2 || folds > len(scores) {
		return 0, 0, fmt.Errorf("metrics: %d folds of %d pairs: want 2 to %d", folds, len(scores), len(scores))
	}
	fold := assignFolds(len(scores), folds, seed)
	var trainS, testS []float64
	var trainL, testL []bool
	var all Confusion
	for k := range folds {
		trainS, testS, trainL, testL = trainS[:0], testS[:0], trainL[:0], testL[:0]
		for i, f := range fold {
			if f == k {
				testS, testL = append(testS, scores[i]), append(testL, labels[i])
			} else {
				trainS, trainL = append(trainS, scores[i]), append(trainL, labels[i])
			}
		}
		t, _, err := TuneThreshold(trainS, trainL)
		if err != nil {
			return 0, 0, err
		}
		c, err := Classify(testS, testL, t)
		if err != nil {
			return 0, 0, err
		}
		all.TP += c.TP
		all.FP += c.FP
		all.FN += c.FN
		all.TN += c.TN
	}
	return all.Accuracy(), all.F1(), nil
}

// assignFolds deals n items into folds parts of sizes that differ by at
// most one, in an order shuffled by seed, and returns each item's part.
func assignFolds(n, folds int, seed uint64) []int {
	fold := make([]int, n)
	for j, i := range rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)).Perm(n) {
		fold[i] = j % folds
	}
	return fold
}
