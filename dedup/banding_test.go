package dedup_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

func TestCandidateProbabilityByHand(t *testing.T) {
	cases := []struct {
		s           float64
		bands, rows int
		want        float64
	}{
		// 1 - (1 - 0.5^2)^2 = 1 - 0.75^2
		{0.5, 2, 2, 1 - 0.5625},
		// One band of one row: the pair is a candidate iff the single
		// value agrees, with probability s.
		{0.3, 1, 1, 0.3},
		// b bands of one row: 1 - (1-s)^b.
		{0.1, 128, 1, 1 - math.Pow(0.9, 128)},
		// 1 - (1 - 0.8^4)^32, 0.8^4 = 0.4096
		{0.8, 32, 4, 1 - math.Pow(0.5904, 32)},
		// 1 - (1 - 0.2^5)^20 = 1 - 0.99968^20
		{0.2, 20, 5, 1 - math.Pow(0.99968, 20)},
		{0, 20, 5, 0},
		{1, 20, 5, 1},
		{0.5, 0, 5, 0},
		{0.5, 5, 0, 0},
	}
	for _, c := range cases {
		got := dedup.CandidateProbability(c.s, c.bands, c.rows)
		assert.InDelta(t, c.want, got, 1e-12, "s=%v b=%d r=%d", c.s, c.bands, c.rows)
	}
	// The S-curve rises with s.
	prev := -1.0
	for s := 0.0; s <= 1; s += 0.01 {
		p := dedup.CandidateProbability(s, 16, 8)
		assert.GreaterOrEqual(t, p, prev, "s=%v", s)
		prev = p
	}
}

// TestCandidateRateMatchesSCurve measures, for pairs of sets with exact
// Jaccard similarity s, how often an index makes the pair a candidate, and
// compares the rate with CandidateProbability(s, bands, rows) within four
// binomial standard deviations.
func TestCandidateRateMatchesSCurve(t *testing.T) {
	t.Parallel()
	const pairs = 1000
	configs := []dedup.Config{
		{NumHashes: 128, Threshold: 0.5, Seed: 11},                     // banding chosen from the threshold
		{NumHashes: 128, Bands: 16, Rows: 8, Threshold: 0.7, Seed: 12}, // a steep curve, set by hand
		{NumHashes: 64, Bands: 10, Rows: 3, Threshold: 0.5, Seed: 13},  // Bands*Rows < NumHashes
	}
	if testing.Short() {
		configs = configs[:1]
	}
	for n, cfg := range configs {
		h, err := dedup.NewHasher(cfg)
		require.NoError(t, err)
		bd := cfg.Banding()
		t.Run(fmt.Sprintf("b%d_r%d", bd.Bands, bd.Rows), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(5, uint64(n)))
			var table strings.Builder
			fmt.Fprintf(&table, "%d bands x %d rows of %d hashes, %d pairs per s\n", bd.Bands, bd.Rows, h.Config().NumHashes, pairs)
			fmt.Fprintf(&table, "%4s  %8s  %8s  %8s\n", "s", "measured", "S-curve", "4 sigma")
			defer func() { t.Log("\n" + table.String()) }()
			for _, s := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
				ix, err := dedup.NewIndex(cfg)
				require.NoError(t, err)
				queries := make([]dedup.Signature, pairs)
				for i := range pairs {
					a, b := exactJaccardSets(rng, s, 40)
					require.NoError(t, ix.Add(fmt.Sprint(i), h.SignShingles(a)))
					queries[i] = h.SignShingles(b)
				}
				hits := 0
				for i, q := range queries {
					ids, err := ix.Candidates(q)
					require.NoError(t, err)
					if slices.Contains(ids, fmt.Sprint(i)) {
						hits++
					}
				}
				rate := float64(hits) / pairs
				p := dedup.CandidateProbability(s, bd.Bands, bd.Rows)
				bound := 4*math.Sqrt(p*(1-p)/pairs) + 1.0/pairs
				fmt.Fprintf(&table, "%4.1f  %8.3f  %8.3f  %8.3f\n", s, rate, p, bound)
				assert.InDelta(t, p, rate, bound, "s=%v", s)
			}
		})
	}
}

// TestCandidateMissesFarAboveThreshold looks at the top of the S-curve,
// where the 4-sigma test above cannot see a miss rate of 1e-3 against a
// theoretical 1e-8: for pairs well above the threshold of a banding, the
// S-curve says a miss practically never happens.
func TestCandidateMissesFarAboveThreshold(t *testing.T) {
	t.Parallel()
	for _, method := range signMethods {
		t.Run(methodName(method), func(t *testing.T) {
			t.Parallel()
			testMissesFarAboveThreshold(t, method)
		})
	}
}

func testMissesFarAboveThreshold(t *testing.T, method string) {
	const pairs = 5000
	cfg := dedup.Config{NumHashes: 128, Threshold: 0.5, Seed: 12, Method: method}
	bd := cfg.Banding()
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	missed, belowThreshold := 0, 0
	expMissed, expBelow := 0.0, 0.0
	for _, s := range []float64{0.7, 0.8} {
		p := dedup.CandidateProbability(s, bd.Bands, bd.Rows)
		require.Greater(t, p, 1-1e-6, "the S-curve at %v", s)
		// Query drops a candidate whose estimate is below the
		// threshold: fewer than threshold*k agreeing values of
		// Binomial(k, s).
		pBelow := 0.0
		for x := 0; float64(x) < cfg.Threshold*128; x++ {
			pBelow += binomialPMF(128, x, s)
		}
		ix, err := dedup.NewIndex(cfg)
		require.NoError(t, err)
		queries := make([]dedup.Signature, pairs)
		for i := range pairs {
			a, b := exactJaccardSets(rng, s, 40)
			require.NoError(t, ix.Add(fmt.Sprint(i), h.SignShingles(a)))
			queries[i] = h.SignShingles(b)
		}
		m, q := 0, 0
		for i, sig := range queries {
			ids, err := ix.Candidates(sig)
			require.NoError(t, err)
			if !slices.Contains(ids, fmt.Sprint(i)) {
				m++
			}
			ms, err := ix.Query(sig)
			require.NoError(t, err)
			if !slices.ContainsFunc(ms, func(m dedup.Match) bool { return m.ID == fmt.Sprint(i) }) {
				q++
			}
		}
		t.Logf("%s s=%.1f, %d bands x %d rows: %d of %d pairs not candidates (S-curve expects %.2g); %d not returned by Query at threshold %v (binomial expects %.2g)",
			methodName(method), s, bd.Bands, bd.Rows, m, pairs, pairs*(1-p), q, cfg.Threshold, pairs*(1-p+pBelow))
		missed += m
		belowThreshold += q
		expMissed += pairs * (1 - p)
		expBelow += pairs * (1 - p + pBelow)
	}
	require.Less(t, expMissed, 0.01)
	assert.Zero(t, missed, "pairs far above the threshold that are not candidates")
	assert.LessOrEqual(t, float64(belowThreshold), expBelow+4*math.Sqrt(expBelow)+1,
		"pairs far above the threshold that Query misses")
}

// usualBanding is the banding "usual optimizer" of ekzhu/minhash-lsh
// (optimalKL) and datasketch (_optimal_param): over every b bands of r rows
// with b*r <= k, minimise the equal-weight sum of the false-positive area
// (the S-curve integrated over [0, t]) and the false-negative area (one
// minus the S-curve integrated over [t, 1]).
func usualBanding(k int, t float64) (bands, rows int) {
	best := math.Inf(1)
	for b := 1; b <= k; b++ {
		for r := 1; r <= k/b; r++ {
			fp := simpson(func(s float64) float64 { return dedup.CandidateProbability(s, b, r) }, 0, t)
			fn := simpson(func(s float64) float64 { return 1 - dedup.CandidateProbability(s, b, r) }, t, 1)
			if e := 0.5*fp + 0.5*fn; e < best {
				best, bands, rows = e, b, r
			}
		}
	}
	return bands, rows
}

// usualBanding128 memoizes usualBanding(128, i/10) for i = 1..9.
var usualBanding128 = sync.OnceValue(func() map[float64][2]int {
	m := make(map[float64][2]int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 1; i <= 9; i++ {
		wg.Go(func() {
			th := float64(i) / 10
			b, r := usualBanding(128, th)
			mu.Lock()
			m[th] = [2]int{b, r}
			mu.Unlock()
		})
	}
	wg.Wait()
	return m
})

// simpson integrates f over [a, b] with Simpson's rule on 200 intervals.
func simpson(f func(float64) float64, a, b float64) float64 {
	const n = 200
	h := (b - a) / n
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return sum * h / 3
}

func TestSimpson(t *testing.T) {
	// Simpson's rule is exact for cubics.
	assert.InDelta(t, 0.25, simpson(func(x float64) float64 { return x * x * x }, 0, 1), 1e-12)
	assert.InDelta(t, 2.0, simpson(math.Sin, 0, math.Pi), 1e-8)
}

func TestUsualBandingKnownValues(t *testing.T) {
	// The bandings that datasketch's _optimal_param picks for
	// num_perm=128 (computed with its pure-Python midpoint integration at
	// precision 0.001; the 0.8 row is also what MinHashLSH(threshold=0.8,
	// num_perm=128).hashranges shows in ekzhu/datasketch issue #209).
	want := map[float64][2]int{
		0.1: {64, 2}, 0.2: {28, 2}, 0.3: {37, 3}, 0.4: {32, 4}, 0.5: {25, 5},
		0.6: {18, 7}, 0.7: {14, 9}, 0.8: {9, 13}, 0.9: {5, 25},
	}
	assert.Equal(t, want, usualBanding128())
}

// TestBandingTable shows the banding chosen for each threshold (k=128)
// next to the usual optimizer's, and checks that ours makes at least 90% of
// pairs at the threshold candidates, and no fewer than the usual one.
func TestBandingTable(t *testing.T) {
	const k = 128
	t.Logf("%5s | %5s %4s %9s | %5s %4s %9s", "t", "bands", "rows", "P(t) ours", "bands", "rows", "P(t) usual")
	for i := 1; i <= 9; i++ {
		th := float64(i) / 10
		bd := dedup.Config{NumHashes: k, Threshold: th}.Banding()
		ub, ur := usualBanding128()[th][0], usualBanding128()[th][1]
		up := dedup.CandidateProbability(th, ub, ur)
		t.Logf("%5.1f | %5d %4d %9.4f | %5d %4d %9.4f", th, bd.Bands, bd.Rows, bd.AtThreshold, ub, ur, up)

		assert.Equal(t, th, bd.Threshold)
		assert.LessOrEqual(t, bd.Bands*bd.Rows, k)
		assert.InDelta(t, dedup.CandidateProbability(th, bd.Bands, bd.Rows), bd.AtThreshold, 1e-15)
		assert.GreaterOrEqual(t, bd.AtThreshold, 0.9, "threshold %v", th)
		assert.GreaterOrEqual(t, bd.AtThreshold, up, "threshold %v", th)
		if bd.Bands != ub || bd.Rows != ur {
			assert.Greater(t, bd.AtThreshold, up, "threshold %v", th)
		}
		// As documented, it is the most selective such banding: one more
		// row per band (with as many bands as fit) drops below 0.9.
		if r := bd.Rows + 1; r <= k {
			assert.Less(t, dedup.CandidateProbability(th, k/r, r), 0.9, "threshold %v", th)
		}
		// It uses as many bands as fit.
		assert.Equal(t, k/bd.Rows, bd.Bands)
	}
}

func TestBandingExplicit(t *testing.T) {
	bd := dedup.Config{NumHashes: 100, Bands: 20, Rows: 5, Threshold: 0.4}.Banding()
	assert.Equal(t, 20, bd.Bands)
	assert.Equal(t, 5, bd.Rows)
	assert.Equal(t, 0.4, bd.Threshold)
	// 0.4^5 = 0.01024; 1 - 0.98976^20
	assert.InDelta(t, 1-math.Pow(0.98976, 20), bd.AtThreshold, 1e-12)

	def := dedup.DefaultConfig()
	assert.Equal(t, dedup.DefaultNumHashes, def.NumHashes)
	assert.Equal(t, dedup.DefaultThreshold, def.Threshold)
	assert.Equal(t, dedup.Config{}.Banding(), def.Banding())
	assert.Equal(t, def.Bands, def.Banding().Bands)
	assert.Equal(t, def.Rows, def.Banding().Rows)

	ix, err := dedup.NewIndex(dedup.Config{Threshold: 0.6})
	require.NoError(t, err)
	assert.Equal(t, dedup.Config{Threshold: 0.6}.Banding(), ix.Banding())
}

func TestConfigValidate(t *testing.T) {
	valid := []dedup.Config{
		{},
		dedup.DefaultConfig(),
		{Threshold: 1},
		{Threshold: 0.05},
		{NumHashes: 1},
		{NumHashes: dedup.MaxNumHashes},
		{NumHashes: 64, Bands: 8, Rows: 8, Threshold: 0.8},
		{NumHashes: 64, Bands: 10, Rows: 6, Threshold: 0.7},
		{Bands: 32, Rows: 4, Threshold: 0.5}, // NumHashes 0 means 128
		{NumHashes: 2, Bands: 2, Rows: 1},    // misses most pairs, but no banding of 2 values does better at 0.2
		{Shingle: shingle.Config{Language: "french", Size: 5}},
	}
	for _, c := range valid {
		assert.NoError(t, c.Validate(), "%+v", c)
	}
	invalid := map[string]dedup.Config{
		"bands without rows":           {Bands: 8},
		"rows without bands":           {Rows: 8},
		"negative bands":               {Bands: -1, Rows: 4},
		"banding misses the threshold": {Bands: 32, Rows: 4},
		"negative rows":                {Bands: 4, Rows: -4},
		"bands*rows > numhashes":       {NumHashes: 64, Bands: 9, Rows: 8},
		"bands*rows > default k":       {Bands: 17, Rows: 8},
		"threshold above 1":            {Threshold: 1.01},
		"negative threshold":           {Threshold: -0.2},
		"NaN threshold":                {Threshold: math.NaN()},
		"+Inf threshold":               {Threshold: math.Inf(1)},
		"-Inf threshold":               {Threshold: math.Inf(-1)},
		"negative hashes":              {NumHashes: -1},
		"too many hashes":              {NumHashes: dedup.MaxNumHashes + 1},
		"unknown language":             {Shingle: shingle.Config{Language: "klingon"}},
		"shingle size out of range":    {Shingle: shingle.Config{Size: shingle.MaxSize + 1}},
		"negative shingle size":        {Shingle: shingle.Config{Size: -1}},
	}
	for name, c := range invalid {
		err := c.Validate()
		require.Error(t, err, name)
		assert.ErrorIs(t, err, dedup.ErrConfig, name)
		// The constructors refuse it too.
		_, err = dedup.New(c)
		assert.ErrorIs(t, err, dedup.ErrConfig, name)
		_, err = dedup.NewIndex(c)
		assert.ErrorIs(t, err, dedup.ErrConfig, name)
		_, err = dedup.NewHasher(c)
		assert.ErrorIs(t, err, dedup.ErrConfig, name)
	}
	// The shingle package's error stays visible.
	err := dedup.Config{Shingle: shingle.Config{Language: "klingon"}}.Validate()
	assert.ErrorIs(t, err, shingle.ErrLanguage)
}
