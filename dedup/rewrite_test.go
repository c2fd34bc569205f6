package dedup

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestU64Set(t *testing.T) {
	var s u64Set
	s.reset([]uint64{1, 2, 3, 7})
	assert.Equal(t, 2, s.count([]uint64{2, 3, 9}))
	assert.Equal(t, 0, s.count(nil))
	// Zero is a value like any other; a reused set forgets the last one.
	s.reset([]uint64{0, 5})
	assert.Equal(t, 1, s.count([]uint64{0, 1, 2, 3, 7}))
	assert.Equal(t, 2, s.count([]uint64{5, 0}))
	s.reset(nil)
	assert.Equal(t, 0, s.count([]uint64{0, 5}))
	// Against the sorted merge, on random sets that grow and shrink (so
	// that the table is reused at other sizes) and share a random part.
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		var a, b []uint64
		for range rng.IntN(3000) {
			v := rng.Uint64() >> rng.IntN(64) // small values and zero too
			a = append(a, v)
			if rng.IntN(3) == 0 {
				b = append(b, v)
			}
		}
		for range rng.IntN(2000) {
			b = append(b, rng.Uint64()>>rng.IntN(64))
		}
		slices.Sort(a)
		slices.Sort(b)
		a, b = slices.Compact(a), slices.Compact(b)
		s.reset(a)
		if got, want := s.count(b), intersectSorted(a, b); got != want {
			t.Fatalf("trial %d: %d shared, the merge says %d", trial, got, want)
		}
	}
}

func TestSentenceCoverage(t *testing.T) {
	b := rewriteText{sents: [][]uint64{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}}
	b.words = 12
	a := rewriteText{sents: [][]uint64{
		{1, 2, 30, 40},       // half inside b's sentence 0: covered
		{3, 5, 6, 50, 60},    // 3 of 5 inside sentences 0 and 1 together: covered
		{4, 9, 70, 80, 90},   // 2 of 5, and 4 and 9 are two sentences apart: not covered
		{100, 101, 102, 103}, // nothing
	}}
	assert.InDelta(t, 0.5, sentenceCoverage(a, b), 1e-12)
	// A word in both sentences of a window counts once.
	b2 := rewriteText{sents: [][]uint64{{1, 2, 3, 4}, {1, 2, 3, 5}}, words: 8}
	a2 := rewriteText{sents: [][]uint64{{1, 2, 20, 21, 22, 23}}}
	assert.Equal(t, 0.0, sentenceCoverage(a2, b2))
	assert.Equal(t, 0.0, sentenceCoverage(rewriteText{}, b))
}

// The heavy-rewrite stage: a sentence-by-sentence rewording joins its
// source; an independent text on the same topic and a story that reuses
// two of the source's sentences do not.
const (
	rwSource = "The regional water authority announced on Monday that reservoir levels have fallen to their lowest point in thirty years. " +
		"Officials blamed a dry winter and rising demand from new housing developments along the coast. " +
		"Residents will face mandatory limits on garden watering starting next month. " +
		"Farmers in the valley warned that crop yields could drop sharply without emergency supplies. " +
		"The authority plans to open talks with neighbouring districts about temporary transfers of water."
	rwRewrite = "On Monday the regional water authority said reservoir levels had dropped to the lowest point seen in thirty years. " +
		"A dry winter and growing demand from coastal housing developments were blamed by officials. " +
		"Starting next month, residents face mandatory garden watering limits. " +
		"Valley farmers warned crop yields might fall sharply unless emergency supplies arrive. " +
		"Talks about temporary water transfers with neighbouring districts will be opened by the authority."
	rwTopic = "Drought conditions are worsening across the country, meteorologists said on Monday. " +
		"Many towns have asked people to take shorter showers and to fix leaking pipes at home. " +
		"Some experts believe desalination plants offer a long-term answer to water shortages. " +
		"Others argue that better pricing would reduce waste by households and by industry."
	rwPartial = "Voters in the northern county will choose a new council next week after a bitter campaign. " +
		"The incumbent promised lower taxes and more bus routes for rural villages. " +
		"His challenger, a former teacher, has focused on school repairs and library hours. " +
		"The regional water authority announced on Monday that reservoir levels have fallen to their lowest point in thirty years. " +
		"Officials blamed a dry winter and rising demand from new housing developments along the coast. " +
		"Turnout is expected to be low, polling stations will open at seven in the morning. " +
		"Results should be known by midnight, the electoral office said. " +
		"Both candidates spent the final weekend knocking on doors in the market towns. " +
		"A debate on local radio drew more callers than any programme this year. " +
		"Observers say the result could decide whether the new ring road is built. " +
		"The losing side has already hinted that it may ask for a recount if the margin is narrow."
)

func TestClusterHeavyRewrite(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	// The rewrite shares few word 3-grams: the copy rule alone misses it.
	s := d.Hasher().Compare(rwSource, rwRewrite)
	require.Less(t, s.Similarity, d.Config().Threshold*trimmedFloor)

	// The partial reuse is no copy either.
	require.False(t, d.rules.isCopy(d.Hasher().Compare(rwSource, rwPartial).Similarity, d.Hasher().Compare(rwSource, rwPartial).Containment))

	res, err := d.Cluster([]Article{
		{ID: "source", Text: rwSource},
		{ID: "topic", Text: rwTopic},
		{ID: "rewrite", Text: rwRewrite},
		{ID: "partial", Text: rwPartial},
	})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"source", "rewrite"}, {"topic"}, {"partial"}}, members(res))
	require.Len(t, res.Clusters[0].Pairs, 1)
	p := res.Clusters[0].Pairs[0]
	assert.Greater(t, p.Coverage, rewriteCoverage)
	assert.InDelta(t, s.Similarity, p.Similarity, 1e-12)
}

// An article already in a cluster is not attached as a rewrite: a
// rewrite never chains two clusters.
func TestClusterRewriteOnlyAttachesSingletons(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	res, err := d.Cluster([]Article{
		{ID: "source", Text: rwSource},
		{ID: "rewrite", Text: rwRewrite},
		{ID: "rewrite-copy", Text: strings.ToUpper(rwRewrite)},
	})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"source"}, {"rewrite", "rewrite-copy"}}, members(res))
}

func members(res *Clustering) [][]string {
	var out [][]string
	for _, c := range res.Clusters {
		out = append(out, c.Members)
	}
	return out
}

// TestClusterPairsOnceAfterRewrite: when the heavy-rewrite stage adds a
// link and a weak (containment) edge was turned down, every pair is listed
// once and the Representative follows its rule (the largest sum of pair
// similarities, ties to the earliest), for every rotation of the input.
// (The edge order this fixture produces does not reach the bug where the
// second clustering saw edges twice; TestComponentsKeepsItsInput guards
// that one.)
func TestClusterPairsOnceAfterRewrite(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = "w" + strconv.Itoa(rng.IntN(5000))
		}
		return strings.Join(w, " ") + "."
	}
	// short sits inside two longer articles of other stories: two weak
	// (containment) edges, of which only one may attach it.
	short, long1, long2, ab := words(45), words(260), words(260), words(150)
	d, err := New(Config{})
	require.NoError(t, err)
	for _, l := range []string{short + " " + long1, long2 + " " + short} {
		sc := d.Hasher().Compare(short, l)
		require.True(t, sc.Similarity < d.Config().Threshold && d.rules.isCopy(sc.Similarity, sc.Containment), "fixture: %+v", sc)
	}
	arts := []Article{
		{ID: "short", Text: short}, {ID: "long1", Text: short + " " + long1}, {ID: "long2", Text: long2 + " " + short},
		{ID: "source", Text: rwSource}, {ID: "rewrite", Text: rwRewrite},
		{ID: "A", Text: ab}, {ID: "B", Text: strings.ToUpper(ab)},
	}
	rewrites, pairs := 0, 0
	// Every rotation of the input: which edges the first clustering
	// overwrote depended on their order.
	for rot := range arts {
		res, err := d.Cluster(append(slices.Clone(arts[rot:]), arts[:rot]...))
		require.NoError(t, err)
		for _, c := range res.Clusters {
			seen := map[[2]string]bool{}
			score := map[string]float64{}
			for _, p := range c.Pairs {
				require.False(t, seen[[2]string{p.A, p.B}], "rotation %d: pair %s~%s listed twice in %v", rot, p.A, p.B, c.Members)
				seen[[2]string{p.A, p.B}] = true
				score[p.A] += p.Similarity
				score[p.B] += p.Similarity
				if p.Coverage > 0 {
					rewrites++
				}
				pairs++
			}
			best := c.Members[0]
			for _, m := range c.Members[1:] {
				if score[m] > score[best] {
					best = m
				}
			}
			assert.Equal(t, best, c.Representative, "rotation %d, cluster %v", rot, c.Members)
		}
	}
	require.Positive(t, rewrites, "the fixture must go through the rewrite stage")
	require.GreaterOrEqual(t, pairs, 3*len(arts))
}

// TestComponentsKeepsItsInput: Cluster passes the same edges to components
// twice (the second time with the rewrite edges added), so components must
// leave them as they were. It once kept its edges in the caller's slice,
// and the second call saw a strong edge twice: a pair listed twice and its
// similarity counted twice for the Representative.
func TestComponentsKeepsItsInput(t *testing.T) {
	ids := []string{"short", "long1", "long2", "a", "b"}
	size := []int{40, 300, 300, 100, 100}
	edges := []edge{
		{i: 0, j: 1, sim: 0.13, cont: 1}, // weak: attaches short
		{i: 0, j: 2, sim: 0.13, cont: 1}, // weak: turned down
		{i: 3, j: 4, sim: 1, cont: 1},
	}
	orig := slices.Clone(edges)
	first := components(ids, edges, size, 0.2)
	require.Equal(t, orig, edges, "components changed its input")
	second := components(ids, append(edges, edge{i: 1, j: 2, sim: 0.05, cont: 0.1, coverage: 0.8}), size, 0.2)
	for _, cl := range [][]Cluster{first, second} {
		for _, c := range cl {
			seen := map[[2]string]bool{}
			for _, p := range c.Pairs {
				require.False(t, seen[[2]string{p.A, p.B}], "pair %s~%s listed twice", p.A, p.B)
				seen[[2]string{p.A, p.B}] = true
			}
		}
	}
}

// TestU64SetCountDistinct checks countDistinct against a map.
func TestU64SetCountDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var a u64Set
	for trial := range 200 {
		var x, y []uint64
		for range rng.IntN(500) {
			v := rng.Uint64() >> rng.IntN(64)
			x = append(x, v, v) // repeats count once
			if rng.IntN(2) == 0 {
				y = append(y, v)
			}
		}
		for range rng.IntN(300) {
			y = append(y, rng.Uint64()>>rng.IntN(64))
		}
		a.reset(x)
		mx := map[uint64]bool{}
		for _, v := range x {
			mx[v] = true
		}
		my := map[uint64]bool{}
		want := 0
		for _, v := range y {
			if !my[v] && mx[v] {
				want++
			}
			my[v] = true
		}
		require.Equal(t, want, a.countDistinct(y), "trial %d", trial)
		y = append(y, y...) // repeats count once
		require.Equal(t, want, a.countDistinct(y), "trial %d, repeated", trial)
	}
}
