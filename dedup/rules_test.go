package dedup

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// devDocs reads a labelled development file from ../shared/eval, or
// returns nil if it is not there.
func devDocs(t *testing.T, name string) (arts []Article, gold []string) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "eval", name))
	if err != nil {
		t.Logf("%s absent: %v", name, err)
		return nil, nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var a struct {
			ID      string `json:"id"`
			Text    string `json:"text"`
			Cluster any    `json:"cluster"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
		arts = append(arts, Article{ID: a.ID, Text: a.Text})
		if a.Cluster == nil {
			gold = append(gold, "")
		} else {
			gold = append(gold, fmt.Sprint(a.Cluster))
		}
	}
	require.NoError(t, sc.Err())
	return arts, gold
}

// TestEvidenceScores checks that the exact scores and rewrite views made
// from Evidence are those of the texts, to the fingerprints' collision
// rate.
func TestEvidenceScores(t *testing.T) {
	arts, _ := devDocs(t, "clough-stevenson-dev.jsonl")
	more, _ := devDocs(t, "spun-news-dev.jsonl")
	arts = append(arts, more...)
	if len(arts) == 0 {
		arts = quotingBatch(1)
	}
	d, err := New(Config{})
	require.NoError(t, err)
	rs, err := newRewriteShinglers(d.Config().Shingle)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	var sc evScratch
	cfg := d.Config()
	worst := 0.0
	for range 300 {
		a, b := arts[rng.IntN(len(arts))], arts[rng.IntN(len(arts))]
		da, db := d.h.Doc(a.Text), d.h.Doc(b.Text)
		want := d.Hasher().Compare(a.Text, b.Text)
		got, _ := sc.score(da.Evidence, db.Evidence, &cfg, nil)
		worst = max(worst, math.Abs(got.Similarity-want.Similarity), math.Abs(got.Containment-want.Containment))

		ta, tb := rs.text(a.Text), rs.text(b.Text)
		ea, eb := sc.rewriteText(da.Evidence), sc.rewriteText(db.Evidence)
		// Two content words share a 14-bit fingerprint about once in
		// 16,384 pairs: the unigrams of a long text lose a few.
		require.InDelta(t, len(ta.union), len(ea.union), 0.01*float64(len(ta.union))+1, "content-word n-grams of %s", a.ID)
		require.InDelta(t, len(ta.sents), len(ea.sents), 0.02*float64(len(ta.sents))+1, "sentences of %s", a.ID)
		// A sentence may fall under rewriteMinWords by one collision.
		assert.InDelta(t, sentenceCoverage(ta, tb), sentenceCoverage(ea, eb), 1/float64(max(1, len(ea.sents)))+0.01, "coverage %s~%s", a.ID, b.ID)
	}
	assert.Less(t, worst, 2e-3, "largest difference from the texts' exact scores")
	t.Logf("largest score difference %.5f", worst)
}

// verdict is whether two articles end in one cluster, on each path.
type verdict struct{ check, query, stream, batch bool }

// decidePaths decides the pair (a, b), b arriving second, on every path.
func decidePaths(t *testing.T, cfg Config, a, b Article) verdict {
	t.Helper()
	var v verdict
	d, err := New(cfg)
	require.NoError(t, err)
	_, err = d.Add(a.ID, a.Text)
	require.NoError(t, err)
	res, err := d.Check(b.Text)
	require.NoError(t, err)
	v.check = !res.New
	ms, err := d.Index().QueryDoc(d.Hasher().Doc(b.Text))
	require.NoError(t, err)
	v.query = len(ms) > 0
	_, err = d.Add(b.ID, b.Text)
	require.NoError(t, err)
	ca, _ := d.ClusterOf(a.ID)
	cb, _ := d.ClusterOf(b.ID)
	v.stream = ca == cb
	cl, err := d.Cluster([]Article{a, b})
	require.NoError(t, err)
	v.batch = len(cl.Clusters) == 1
	return v
}

// TestOneDecisionEveryPath decides pairs of the development data on
// every path (Check, Index.QueryDoc, the stream's clusters, the batch)
// and requires the same answer, over pairs joined at the threshold, by
// containment and as heavy rewrites, and pairs kept apart.
func TestOneDecisionEveryPath(t *testing.T) {
	arts, gold := devDocs(t, "clough-stevenson-dev.jsonl")
	spun, spunGold := devDocs(t, "spun-news-dev.jsonl")
	if arts == nil || spun == nil {
		t.Skip("development data absent")
	}
	type pr struct{ a, b Article }
	var pairs []pr
	// Every Clough pair with a source or of one task, both orders.
	for i := range arts {
		for j := range arts {
			if i != j && (gold[i] != "" && gold[i] == gold[j] || i < j && rand.N(8) == 0) {
				pairs = append(pairs, pr{arts[i], arts[j]})
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 150 {
		i, j := rng.IntN(len(spun)), rng.IntN(len(spun))
		if i == j {
			continue
		}
		if spunGold[i] != spunGold[j] && rng.IntN(2) == 0 {
			// Prefer a partner of the same story half the time.
			for k := range spun {
				if k != i && spunGold[k] == spunGold[i] {
					j = k
					break
				}
			}
		}
		pairs = append(pairs, pr{spun[i], spun[j]})
	}
	d, err := New(Config{})
	require.NoError(t, err)
	joined, apart, rewrites := 0, 0, 0
	for _, p := range pairs {
		v := decidePaths(t, Config{}, p.a, p.b)
		require.Equal(t, verdict{v.batch, v.batch, v.batch, v.batch}, v, "%s ~ %s: check, query, stream, batch", p.a.ID, p.b.ID)
		if v.batch {
			joined++
			if d.Hasher().Compare(p.a.Text, p.b.Text).Similarity < d.Config().Threshold*trimmedFloor {
				rewrites++
			}
		} else {
			apart++
		}
	}
	t.Logf("%d pairs: %d joined (%d as heavy rewrites), %d apart", len(pairs), joined, rewrites, apart)
	require.Positive(t, rewrites, "no heavy rewrite among the pairs")
	require.Positive(t, apart)
}

// TestThresholdIsAFloor: with the extra rules off, no pair below the
// threshold is joined, on the batch or the stream.
func TestThresholdIsAFloor(t *testing.T) {
	arts, _ := devDocs(t, "spun-news-dev.jsonl")
	// Near copies at every similarity, whatever the data at hand.
	rng := rand.New(rand.NewPCG(9, 9))
	words := strings.Fields(rwSource + " " + rwTopic + " " + rwPartial)
	for i := range 60 {
		base := make([]string, 200)
		for k := range base {
			base[k] = words[rng.IntN(len(words))] + fmt.Sprint(k%7)
		}
		arts = append(arts, Article{ID: fmt.Sprint("s", i), Text: strings.Join(base, " ")})
		for c := range 3 {
			cp := append([]string(nil), base...)
			for k := range cp {
				if rng.IntN(100) < 2+c*2 {
					cp[k] = "edit" + fmt.Sprint(rng.IntN(1000))
				}
			}
			arts = append(arts, Article{ID: fmt.Sprint("s", i, "c", c), Text: strings.Join(cp, " ")})
		}
	}
	text := make(map[string]string)
	for _, a := range arts {
		text[a.ID] = a.Text
	}
	for _, cfg := range []Config{{Threshold: 0.9, NoContainment: true, NoRewrites: true}, {Threshold: 0.9}} {
		d, err := New(cfg)
		require.NoError(t, err)
		res, err := d.Cluster(arts)
		require.NoError(t, err)
		below := 0
		for _, c := range res.Clusters {
			for _, p := range c.Pairs {
				if d.Hasher().Compare(text[p.A], text[p.B]).Similarity < 0.9 {
					below++
				}
			}
		}
		for _, a := range arts {
			r, err := d.Add(a.ID, a.Text)
			if errors.Is(err, ErrEmpty) {
				continue
			}
			require.NoError(t, err)
			for _, m := range r.Matches {
				if d.Hasher().Compare(a.Text, text[m.ID]).Similarity < 0.9 {
					below++
				}
			}
		}
		if cfg.NoContainment {
			assert.Zero(t, below, "pairs under 0.9 joined with the rules off")
		} else {
			assert.Positive(t, below, "the containment and rewrite rules join nothing under 0.9: the test proves nothing")
		}
	}
}

// TestClusterSeqCancel: a cancelled run returns context.Canceled and no
// Clustering, promptly, from every stage.
func TestClusterSeqCancel(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	arts := quotingBatch(2)
	for _, stage := range []string{"read", "pairs", "rewrites", "relations"} {
		ctx, cancel := context.WithCancel(context.Background())
		seen := false
		res, err := d.ClusterSeq(ctx, func(yield func(Article, error) bool) {
			for _, a := range arts {
				if !yield(a, nil) {
					return
				}
			}
		}, BatchOptions{Progress: func(p Progress) {
			if p.Stage == stage {
				seen = true
				cancel()
			}
		}})
		cancel()
		require.True(t, seen, "stage %s never reported", stage)
		require.ErrorIs(t, err, context.Canceled, stage)
		require.Nil(t, res, stage)
	}
	// An iterator that never ends is stopped by the context.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = d.ClusterSeq(ctx, func(yield func(Article, error) bool) {
		for i := 0; ; i++ {
			if !yield(Article{ID: fmt.Sprint(i), Text: "a few words here"}, nil) {
				return
			}
		}
	}, BatchOptions{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// The iterator's own error ends the run with it.
	boom := errors.New("boom")
	_, err = d.ClusterSeq(context.Background(), func(yield func(Article, error) bool) {
		if yield(arts[0], nil) {
			yield(Article{}, boom)
		}
	}, BatchOptions{})
	require.ErrorIs(t, err, boom)
}

// TestClusterSeqMatchesCluster: the bounded-memory path with one worker
// and with several gives Cluster's answer.
func TestClusterSeqMatchesCluster(t *testing.T) {
	arts, _ := devDocs(t, "clough-stevenson-dev.jsonl")
	arts = append(arts, quotingBatch(1)...)
	d, err := New(Config{})
	require.NoError(t, err)
	want, err := d.Cluster(arts)
	require.NoError(t, err)
	for _, w := range []int{1, 3} {
		var last Progress
		got, err := d.ClusterSeq(context.Background(), func(yield func(Article, error) bool) {
			for _, a := range arts {
				if !yield(a, nil) {
					return
				}
			}
		}, BatchOptions{Workers: w, Progress: func(p Progress) { last = p }})
		require.NoError(t, err)
		require.Equal(t, want, got, "workers %d", w)
		require.Equal(t, Progress{Stage: "done", Done: len(arts), Total: len(arts)}, last)
	}
}

// TestStreamClustersSurviveSaveLoad: cluster names, times and the
// trimmed-copy flags come back from an index file, and a copy added after
// loading joins its story's cluster.
func TestStreamClustersSurviveSaveLoad(t *testing.T) {
	arts, _ := devDocs(t, "spun-news-dev.jsonl")
	if arts == nil {
		arts = quotingBatch(1)
	}
	half := len(arts) / 2
	d, err := New(Config{})
	require.NoError(t, err)
	for _, a := range arts[:half] {
		_, err := d.Add(a.ID, a.Text)
		require.NoError(t, err)
	}
	path := filepath.Join(t.TempDir(), "ix")
	require.NoError(t, d.Index().Save(path))
	ix, err := LoadIndex(path, nil)
	require.NoError(t, err)
	d2, err := NewWithIndex(Config{}, ix)
	require.NoError(t, err)
	multi := 0
	names := map[string]int{}
	for _, a := range arts[:half] {
		want, ok := d.ClusterOf(a.ID)
		require.True(t, ok)
		got, ok := d2.ClusterOf(a.ID)
		require.True(t, ok)
		require.Equal(t, want, got, a.ID)
		names[got]++
		if names[got] == 2 {
			multi++
		}
	}
	require.Positive(t, multi, "no cluster of two: the test proves nothing")
	// The rest of the stream, on both: the same clusters.
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range arts[half:] {
		r1, err1 := d.AddAt(a.ID, a.Text, at)
		r2, err2 := d2.AddAt(a.ID, a.Text, at)
		require.Equal(t, err1, err2)
		require.Equal(t, r1, r2, a.ID)
	}
	// Saved twice, byte for byte.
	var b1, b2 strings.Builder
	_, err = d.Index().WriteTo(&b1)
	require.NoError(t, err)
	_, err = d2.Index().WriteTo(&b2)
	require.NoError(t, err)
	require.True(t, b1.String() == b2.String(), "the two indexes save differently")
}

// TestVersion1FileLoads: an index file of format 1 (before Evidence and
// clusters) loads, each document alone, and answers queries.
func TestVersion1FileLoads(t *testing.T) {
	ix, err := LoadIndex(filepath.Join("testdata", "v1-kandahar.idx"), nil)
	require.NoError(t, err)
	require.Equal(t, 5, ix.Len())
	d, err := NewWithIndex(Config{}, ix)
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join("..", "testdata", "kandahar", "*.txt"))
	require.NoError(t, err)
	require.Len(t, files, 5)
	for _, f := range files {
		name, ok := d.ClusterOf(filepath.Base(f))
		require.True(t, ok)
		require.Equal(t, filepath.Base(f), name)
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		r, err := d.Check(string(b))
		require.NoError(t, err)
		require.False(t, r.New)
		require.Equal(t, filepath.Base(f), r.CopyOf)
	}
}

// TestExpireByArticleTime: articles expire by their own time, not the
// time they were added, and clusters shrink and keep their names.
func TestExpireByArticleTime(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	old := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)
	story := rwSource + " " + rwTopic
	_, err = d.AddAt("old", story, old)
	require.NoError(t, err)
	r, err := d.AddAt("old-copy", story+" An update.", old.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, "old", r.Cluster)
	r, err = d.Add("new-copy", story+" Another update, later.")
	require.NoError(t, err)
	require.Equal(t, "old", r.Cluster)
	other, err := d.Add("other", rwPartial)
	require.NoError(t, err)
	require.Equal(t, "other", other.Cluster)

	n, err := d.Expire(time.Now().Add(-24 * time.Hour))
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, ok := d.ClusterOf("old")
	require.False(t, ok)
	name, ok := d.ClusterOf("new-copy")
	require.True(t, ok)
	require.Equal(t, "old", name, "a cluster keeps its name when its first article expires")
	require.Equal(t, 2, d.Index().Len())
	// A copy of the expired story finds the member left, not the
	// expired ones.
	r, err = d.Check(story)
	require.NoError(t, err)
	require.False(t, r.New)
	for _, m := range r.Matches {
		require.NotContains(t, []string{"old", "old-copy"}, m.ID)
	}
	// Expired articles can be added again.
	_, err = d.Add("old", story)
	require.NoError(t, err)
	// Saved and loaded, the times still decide.
	path := filepath.Join(t.TempDir(), "ix")
	require.NoError(t, d.Index().Save(path))
	ix, err := LoadIndex(path, nil)
	require.NoError(t, err)
	n, err = ix.Expire(time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Zero(t, ix.Len())
}

// TestMinRewriteSamples checks the candidate bar against the Poisson
// probabilities it stands for, computed another way (log space), and
// that rewriteCandidate applies it and the size bound.
func TestMinRewriteSamples(t *testing.T) {
	cdf := func(lambda float64, k int) float64 { // P(X < k)
		s := 0.0
		for i := range k {
			lg, _ := math.Lgamma(float64(i + 1))
			s += math.Exp(-lambda + float64(i)*math.Log(lambda) - lg)
		}
		return s
	}
	prev := 0
	for n := 1; n <= 20000; n = n*5/4 + 1 {
		k := minRewriteSamples(n)
		require.GreaterOrEqual(t, k, prev, "n=%d: the bar never falls as n grows", n)
		prev = k
		lambda := rewriteSampleShare * rewriteUnion / (1 + rewriteUnion) * float64(n) / (1 << relatedSampleBits)
		if lambda > 400 {
			continue
		}
		// One shared sample is the least any candidate has: a bar of one
		// may miss more than rewriteSampleMiss (short articles).
		if k > 1 {
			require.LessOrEqual(t, cdf(lambda, k), rewriteSampleMiss*1.0001, "n=%d k=%d: misses too many", n, k)
		}
		require.Greater(t, cdf(lambda, k+1), rewriteSampleMiss, "n=%d k=%d: could ask one more", n, k)
	}
	require.Equal(t, 1, minRewriteSamples(400), "short articles keep a pair that shares one sample")
	require.Greater(t, minRewriteSamples(20000), 20)
	require.True(t, rewriteCandidate(1, 200, 200))
	require.False(t, rewriteCandidate(0, 200, 200))
	require.False(t, rewriteCandidate(50, 10, 1000), "too unequal for the union bar")
	require.False(t, rewriteCandidate(minRewriteSamples(6000)-1, 3000, 3000))
	require.True(t, rewriteCandidate(minRewriteSamples(6000), 3000, 3000))
}
