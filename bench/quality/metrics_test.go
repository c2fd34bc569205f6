package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const eps = 1e-12

// classicGold and classicPred are the worked example used below.
//
// Documents d1..d6, gold {a,a,a,b,b,b}, predicted {1,1,2,2,3,3}.
// Contingency table (rows gold, columns predicted):
//
//	      1  2  3 | a_i
//	a     2  1  0 |  3
//	b     0  1  2 |  3
//	-------------
//	b_j   2  2  2 | n = 6
//
// Index    = C(2,2)+C(1,2)+C(1,2)+C(2,2) = 1+0+0+1 = 2
// sum_i C(a_i,2) = 3+3 = 6;  sum_j C(b_j,2) = 1+1+1 = 3;  C(6,2) = 15
// Expected = 6*3/15 = 1.2;  Max = (6+3)/2 = 4.5
// ARI      = (2-1.2)/(4.5-1.2) = 0.8/3.3 = 8/33
//
// Pair counts: TP = 2, FP = 3-2 = 1, FN = 6-2 = 4, TN = 15-2-1-4 = 8,
// so precision 2/3, recall 1/3, F1 = 2*(2/9)/(1) = 4/9, Rand index 10/15.
//
// B-cubed, per document (precision | recall):
//
//	d1,d2 (a, pred 1 = {d1,d2}): 1   | 2/3
//	d3    (a, pred 2 = {d3,d4}): 1/2 | 1/3
//	d4    (b, pred 2 = {d3,d4}): 1/2 | 1/3
//	d5,d6 (b, pred 3 = {d5,d6}): 1   | 2/3
//
// P = 5/6, R = (4*2/3 + 2*1/3)/6 = 5/9, F1 = 2PR/(P+R) = (50/54)/(25/18) = 2/3.
var (
	classicGold = []string{"a", "a", "a", "b", "b", "b"}
	classicPred = []int{1, 1, 2, 2, 3, 3}
)

func TestCountPairsClassic(t *testing.T) {
	c, err := CountPairs(classicGold, classicPred)
	require.NoError(t, err)
	assert.Equal(t, Confusion{TP: 2, FP: 1, FN: 4, TN: 8}, c)
	assert.Equal(t, int64(15), c.Total())
	assert.InDelta(t, 2.0/3, c.Precision(), eps)
	assert.InDelta(t, 1.0/3, c.Recall(), eps)
	assert.InDelta(t, 4.0/9, c.F1(), eps)
	assert.InDelta(t, 10.0/15, c.Accuracy(), eps)
}

func TestAdjustedRandIndexClassic(t *testing.T) {
	ari, err := AdjustedRandIndex(classicGold, classicPred)
	require.NoError(t, err)
	assert.InDelta(t, 8.0/33, ari, eps)
}

func TestBCubedClassic(t *testing.T) {
	b, err := BCubedScores(classicGold, classicPred)
	require.NoError(t, err)
	assert.InDelta(t, 5.0/6, b.Precision, eps)
	assert.InDelta(t, 5.0/9, b.Recall, eps)
	assert.InDelta(t, 2.0/3, b.F1, eps)
}

func TestIdenticalAndPermuted(t *testing.T) {
	gold := []string{"x", "x", "y", NoCluster, "z", "z", NoCluster}
	for name, pred := range map[string][]int{
		"identical": {0, 0, 1, 2, 3, 3, 4},
		"permuted":  {7, 7, -1, 42, 3, 3, 0},
	} {
		t.Run(name, func(t *testing.T) {
			ari, err := AdjustedRandIndex(gold, pred)
			require.NoError(t, err)
			assert.InDelta(t, 1.0, ari, eps)

			c, err := CountPairs(gold, pred)
			require.NoError(t, err)
			assert.Equal(t, Confusion{TP: 2, FP: 0, FN: 0, TN: 19}, c)
			assert.InDelta(t, 1.0, c.F1(), eps)

			b, err := BCubedScores(gold, pred)
			require.NoError(t, err)
			assert.Equal(t, BCubed{Precision: 1, Recall: 1, F1: 1}, b)
		})
	}
}

func TestAllSingletonsPredicted(t *testing.T) {
	// gold {a,a,b,-}: one gold pair (d1,d2); predicted all singletons.
	// Index 0, sum C(a_i,2) = 1, sum C(b_j,2) = 0, C(4,2) = 6:
	// Expected = 0, Max = 0.5, ARI = (0-0)/(0.5-0) = 0.
	gold := []string{"a", "a", "b", NoCluster}
	pred := []int{0, 1, 2, 3}
	ari, err := AdjustedRandIndex(gold, pred)
	require.NoError(t, err)
	assert.InDelta(t, 0.0, ari, eps)

	c, err := CountPairs(gold, pred)
	require.NoError(t, err)
	assert.Equal(t, Confusion{TP: 0, FP: 0, FN: 1, TN: 5}, c)
	assert.InDelta(t, 1.0, c.Precision(), eps) // no predicted pairs
	assert.InDelta(t, 0.0, c.Recall(), eps)
	assert.InDelta(t, 0.0, c.F1(), eps)

	// B-cubed: every precision is 1; recall 1/2 for d1,d2 and 1 for d3,d4.
	// R = 3/4, F1 = 2*(3/4)/(7/4) = 6/7.
	b, err := BCubedScores(gold, pred)
	require.NoError(t, err)
	assert.InDelta(t, 1.0, b.Precision, eps)
	assert.InDelta(t, 0.75, b.Recall, eps)
	assert.InDelta(t, 6.0/7, b.F1, eps)
}

func TestAdjustedRandIndexNegative(t *testing.T) {
	// gold {a,a,b,b}, pred {0,1,0,1}: Index 0, sums 2 and 2, C(4,2) = 6.
	// Expected = 4/6, Max = 2, ARI = (-2/3)/(4/3) = -1/2.
	ari, err := AdjustedRandIndex([]string{"a", "a", "b", "b"}, []int{0, 1, 0, 1})
	require.NoError(t, err)
	assert.InDelta(t, -0.5, ari, eps)
}

func TestAdjustedRandIndexDegenerate(t *testing.T) {
	tests := []struct {
		name string
		gold []string
		pred []int
		want float64
	}{
		{"one document", []string{"a"}, []int{5}, 1},
		{"one document no cluster", []string{NoCluster}, []int{0}, 1},
		{"both all singletons", []string{NoCluster, NoCluster, "a"}, []int{0, 1, 2}, 1},
		{"both one cluster", []string{"a", "a", "a"}, []int{9, 9, 9}, 1},
		// Not degenerate (sum C(b_j,2) = 2 != 0), checked here to make sure
		// NoCluster documents are not merged into one gold cluster:
		// Expected 0, Max 1, Index 0 -> 0.
		{"no-cluster docs predicted together", []string{NoCluster, NoCluster, NoCluster, NoCluster}, []int{0, 0, 1, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ari, err := AdjustedRandIndex(tt.gold, tt.pred)
			require.NoError(t, err)
			assert.InDelta(t, tt.want, ari, eps)
		})
	}
}

func TestNoClusterIsSingleton(t *testing.T) {
	// Two no-cluster documents predicted together: one false-positive pair.
	c, err := CountPairs([]string{NoCluster, NoCluster}, []int{0, 0})
	require.NoError(t, err)
	assert.Equal(t, Confusion{FP: 1}, c)
	assert.InDelta(t, 0.0, c.Precision(), eps)
	assert.InDelta(t, 1.0, c.Recall(), eps) // no gold pairs
	assert.InDelta(t, 0.0, c.F1(), eps)

	// B-cubed: precision 1/2 each, recall 1 each; F1 = 2*(1/2)/(3/2) = 2/3.
	b, err := BCubedScores([]string{NoCluster, NoCluster}, []int{0, 0})
	require.NoError(t, err)
	assert.InDelta(t, 0.5, b.Precision, eps)
	assert.InDelta(t, 1.0, b.Recall, eps)
	assert.InDelta(t, 2.0/3, b.F1, eps)
}

func TestClusteringMetricsErrors(t *testing.T) {
	for name, in := range map[string]struct {
		gold []string
		pred []int
	}{
		"length mismatch": {[]string{"a", "b"}, []int{0}},
		"empty":           {nil, nil},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := CountPairs(in.gold, in.pred)
			assert.Error(t, err)
			_, err = AdjustedRandIndex(in.gold, in.pred)
			assert.Error(t, err)
			_, err = BCubedScores(in.gold, in.pred)
			assert.Error(t, err)
		})
	}
}

// TestClusteringMetricsRandom cross-checks the contingency-table code against
// brute force over all pairs, and the ARI against the pair-count form
// ARI = 2(TP*TN - FN*FP) / ((TP+FN)(FN+TN) + (TP+FP)(FP+TN)).
func TestClusteringMetricsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 200; iter++ {
		n := 2 + rng.IntN(30)
		gold := make([]string, n)
		pred := make([]int, n)
		for i := range gold {
			if g := rng.IntN(6); g > 0 {
				gold[i] = strconv.Itoa(g)
			}
			pred[i] = rng.IntN(5) - 1
		}
		sameGold := func(i, j int) bool { return gold[i] != NoCluster && gold[i] == gold[j] }

		var want Confusion
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				sg, sp := sameGold(i, j), pred[i] == pred[j]
				switch {
				case sg && sp:
					want.TP++
				case sp:
					want.FP++
				case sg:
					want.FN++
				default:
					want.TN++
				}
			}
		}
		got, err := CountPairs(gold, pred)
		require.NoError(t, err)
		require.Equal(t, want, got)

		ari, err := AdjustedRandIndex(gold, pred)
		require.NoError(t, err)
		tp, fp, fn, tn := float64(want.TP), float64(want.FP), float64(want.FN), float64(want.TN)
		if den := (tp+fn)*(fn+tn) + (tp+fp)*(fp+tn); den != 0 {
			assert.InDelta(t, 2*(tp*tn-fn*fp)/den, ari, 1e-9)
		}

		var p, r float64
		for i := 0; i < n; i++ {
			var inPred, inGold, inBoth float64
			for j := 0; j < n; j++ {
				sg := i == j || sameGold(i, j)
				sp := pred[i] == pred[j]
				if sp {
					inPred++
				}
				if sg {
					inGold++
				}
				if sg && sp {
					inBoth++
				}
			}
			p += inBoth / inPred
			r += inBoth / inGold
		}
		b, err := BCubedScores(gold, pred)
		require.NoError(t, err)
		assert.InDelta(t, p/float64(n), b.Precision, 1e-9)
		assert.InDelta(t, r/float64(n), b.Recall, 1e-9)
	}
}

func TestConfusionZeroCases(t *testing.T) {
	var zero Confusion
	assert.InDelta(t, 1.0, zero.Accuracy(), eps)
	assert.InDelta(t, 1.0, zero.Precision(), eps)
	assert.InDelta(t, 1.0, zero.Recall(), eps)
	assert.InDelta(t, 1.0, zero.F1(), eps)

	onlyFN := Confusion{FN: 2}
	assert.InDelta(t, 1.0, onlyFN.Precision(), eps)
	assert.InDelta(t, 0.0, onlyFN.Recall(), eps)
	assert.InDelta(t, 0.0, onlyFN.F1(), eps)
	assert.InDelta(t, 0.0, onlyFN.Accuracy(), eps)
}

// pairScores and pairLabels: sorted by score they are
// 0.2 F, 0.3 F, 0.4 T, 0.7 F, 0.8 T, 0.9 T.
var (
	pairScores = []float64{0.9, 0.8, 0.7, 0.4, 0.3, 0.2}
	pairLabels = []bool{true, true, false, true, false, false}
)

func TestClassify(t *testing.T) {
	// Threshold 0.5: predicted copies 0.9 T, 0.8 T, 0.7 F -> TP 2, FP 1;
	// 0.4 T -> FN 1; 0.3 F, 0.2 F -> TN 2.
	c, err := Classify(pairScores, pairLabels, 0.5)
	require.NoError(t, err)
	assert.Equal(t, Confusion{TP: 2, FP: 1, FN: 1, TN: 2}, c)
	assert.InDelta(t, 4.0/6, c.Accuracy(), eps)
	assert.InDelta(t, 2.0/3, c.Precision(), eps)
	assert.InDelta(t, 2.0/3, c.Recall(), eps)
	assert.InDelta(t, 2.0/3, c.F1(), eps)

	// score >= threshold is a copy: at exactly 0.4 the 0.4 pair is a copy.
	c, err = Classify(pairScores, pairLabels, 0.4)
	require.NoError(t, err)
	assert.Equal(t, Confusion{TP: 3, FP: 1, FN: 0, TN: 2}, c)
	assert.InDelta(t, 5.0/6, c.Accuracy(), eps)
	assert.InDelta(t, 0.75, c.Precision(), eps)
	assert.InDelta(t, 1.0, c.Recall(), eps)
	assert.InDelta(t, 6.0/7, c.F1(), eps)

	// Above every score: nothing predicted, precision 1 by convention.
	c, err = Classify(pairScores, pairLabels, 1)
	require.NoError(t, err)
	assert.Equal(t, Confusion{FN: 3, TN: 3}, c)
	assert.InDelta(t, 1.0, c.Precision(), eps)
	assert.InDelta(t, 0.0, c.Recall(), eps)
	assert.InDelta(t, 0.0, c.F1(), eps)
}

func TestClassifyErrors(t *testing.T) {
	_, err := Classify([]float64{0.1}, []bool{true, false}, 0.5)
	assert.Error(t, err)
	_, err = Classify(nil, nil, 0.5)
	assert.Error(t, err)
	_, err = Classify([]float64{math.NaN()}, []bool{true}, 0.5)
	assert.Error(t, err)
	_, err = Classify([]float64{math.Inf(1)}, []bool{true}, 0.5)
	assert.Error(t, err)
	_, err = Classify([]float64{0.1}, []bool{true}, math.NaN())
	assert.Error(t, err)
	_, _, err = TuneThreshold([]float64{0.1, math.NaN()}, []bool{true, false})
	assert.Error(t, err)
	_, _, err = TuneThreshold(nil, nil)
	assert.Error(t, err)
}

func TestTuneThreshold(t *testing.T) {
	// Correct predictions per cut over the sorted scores
	// 0.2 F, 0.3 F, 0.4 T, 0.7 F, 0.8 T, 0.9 T:
	//   all copies 3; cut 0.25 -> 4; cut 0.35 -> 5; cut 0.55 -> 4;
	//   cut 0.75 -> 5; cut 0.85 -> 4; none 3.
	// Best accuracy 5/6, tied between 0.35 and 0.75: the lower one wins.
	th, acc, err := TuneThreshold(pairScores, pairLabels)
	require.NoError(t, err)
	assert.InDelta(t, 0.35, th, eps)
	assert.InDelta(t, 5.0/6, acc, eps)
	c, err := Classify(pairScores, pairLabels, th)
	require.NoError(t, err)
	assert.InDelta(t, acc, c.Accuracy(), eps)

	// The "nothing is a copy" cut lies strictly above the maximum score.
	th, _, err = TuneThreshold([]float64{0.5, 0.3}, []bool{false, false})
	require.NoError(t, err)
	assert.Greater(t, th, 0.5)

	tests := []struct {
		name    string
		scores  []float64
		labels  []bool
		wantTh  float64
		wantAcc float64
	}{
		{"separable", []float64{0.8, 0.1, 0.9, 0.2}, []bool{true, false, true, false}, 0.5, 1},
		{"all copies", []float64{0.5, 0.3}, []bool{true, true}, 0.3, 1},
		{"no copies", []float64{0.5, 0.3}, []bool{false, false}, math.Nextafter(0.5, 2), 1},
		{"tied scores", []float64{0.5, 0.5, 0.5}, []bool{true, true, false}, 0.5, 2.0 / 3},
		// 0.2 {F,F,T} and 0.6 {T,T,F}: all copies 3/6, cut 0.4 4/6, none 3/6.
		{"tied groups", []float64{0.6, 0.2, 0.6, 0.2, 0.6, 0.2}, []bool{true, false, true, true, false, false}, 0.4, 4.0 / 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th, acc, err := TuneThreshold(tt.scores, tt.labels)
			require.NoError(t, err)
			assert.InDelta(t, tt.wantTh, th, eps)
			assert.InDelta(t, tt.wantAcc, acc, eps)
			c, err := Classify(tt.scores, tt.labels, th)
			require.NoError(t, err)
			assert.InDelta(t, tt.wantAcc, c.Accuracy(), eps)
		})
	}
}

func TestMidpoint(t *testing.T) {
	assert.Equal(t, 0.5, midpoint(0, 1))
	// Adjacent floats: no value strictly between, so hi is used.
	lo := 1.0
	hi := math.Nextafter(lo, 2)
	assert.Equal(t, hi, midpoint(lo, hi))
	// No overflow at the extremes.
	assert.Equal(t, 0.0, midpoint(-math.MaxFloat64, math.MaxFloat64))
}

func TestCrossValidate(t *testing.T) {
	// Separable: every held-out pair is classified right.
	scores := []float64{0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9, 0.15, 0.75, 0.05}
	labels := []bool{false, false, false, true, true, true, true, false, true, false}
	for _, folds := range []int{2, 5, 10} {
		acc, f1, err := CrossValidate(scores, labels, folds, 1)
		require.NoError(t, err)
		assert.Equal(t, 1.0, acc, "folds %d", folds)
		assert.Equal(t, 1.0, f1, "folds %d", folds)
	}

	// Two pairs, two folds: each is held out alone and tuned on the other.
	// Higher score, copy: held out, each is classified right.
	acc, _, err := CrossValidate([]float64{1, 2}, []bool{false, true}, 2, 7)
	require.NoError(t, err)
	assert.Equal(t, 1.0, acc)
	// Inverted: tuned on (2, not a copy) the cut says nothing is a copy,
	// so (1, copy) is missed; tuned on (1, copy) everything is, so
	// (2, not a copy) is taken. Both wrong, though training accuracy is 1.
	acc, f1, err := CrossValidate([]float64{1, 2}, []bool{true, false}, 2, 7)
	require.NoError(t, err)
	assert.Zero(t, acc)
	assert.Zero(t, f1)

}

func TestAssignFolds(t *testing.T) {
	for _, c := range []struct{ n, folds int }{{10, 2}, {101, 5}, {7, 7}, {4076, 5}} {
		f := assignFolds(c.n, c.folds, 1)
		require.Len(t, f, c.n)
		size := make([]int, c.folds)
		for _, k := range f {
			require.True(t, k >= 0 && k < c.folds)
			size[k]++
		}
		for _, sz := range size {
			assert.True(t, sz == c.n/c.folds || sz == c.n/c.folds+1, "%d items, %d folds: sizes %v", c.n, c.folds, size)
		}
		assert.Equal(t, f, assignFolds(c.n, c.folds, 1), "same seed, same folds")
	}
	assert.NotEqual(t, assignFolds(100, 5, 1), assignFolds(100, 5, 2), "the seed shuffles")
}

func TestCrossValidateErrors(t *testing.T) {
	s, l := []float64{1, 2, 3}, []bool{true, false, true}
	for _, folds := range []int{-1, 0, 1, 4} {
		_, _, err := CrossValidate(s, l, folds, 1)
		assert.Error(t, err, "folds %d", folds)
	}
	_, _, err := CrossValidate(s, l[:2], 2, 1)
	assert.Error(t, err)
	_, _, err = CrossValidate(nil, nil, 2, 1)
	assert.Error(t, err)
	_, _, err = CrossValidate([]float64{1, math.NaN()}, []bool{true, false}, 2, 1)
	assert.Error(t, err)
}
