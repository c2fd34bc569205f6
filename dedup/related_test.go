package dedup_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
)

// TestKandaharRelated: 003 reuses a few AP sentences of the story that 000
// and 001 carry. It must be reported as a partial relation of both, stay
// out of their cluster, and 002 and 004 must be related to nothing.
func TestKandaharRelated(t *testing.T) {
	arts := readKandahar(t)
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	res, err := d.Cluster(arts)
	require.NoError(t, err)
	id := func(p string) string { return kandaharID(t, arts, p) }

	assert.NotContains(t, clusterOf(res, id("000")), id("003"))
	got := map[[2]string]bool{}
	for _, r := range res.Related {
		assert.Equal(t, "partial", r.Kind)
		assert.Greater(t, r.Score, 0.0)
		assert.LessOrEqual(t, r.Score, 1.0)
		got[[2]string{r.A[:3], r.B[:3]}] = true
	}
	assert.Equal(t, map[[2]string]bool{{"000", "003"}: true, {"001", "003"}: true}, got)
}

// story returns n sentences of words unique to the story name.
func story(name string, n int) []string {
	var out []string
	for i := range n {
		var w []string
		for j := range 9 {
			w = append(w, fmt.Sprintf("%s%dw%d", name, i, j))
		}
		out = append(out, strings.Join(w, " ")+".")
	}
	return out
}

func TestRelatedPartialReuse(t *testing.T) {
	base := story("alpha", 12)
	host := story("beta", 12)
	// The partial article: the host story with two sentences of the
	// base story inserted, so it shares 2 of its 14 sentences.
	partial := append(append(append([]string{}, host[:6]...), base[3:5]...), host[6:]...)
	// One shared sentence only is no relation.
	single := append(append([]string{}, story("gamma", 12)...), base[7])
	arts := []dedup.Article{
		{ID: "base", Text: strings.Join(base, " ")},
		{ID: "partial", Text: strings.Join(partial, " ")},
		{ID: "single", Text: strings.Join(single, " ")},
	}
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	res, err := d.Cluster(arts)
	require.NoError(t, err)
	require.Len(t, res.Clusters, 3, "a partial reuse is not a copy")
	require.Len(t, res.Related, 1)
	r := res.Related[0]
	assert.Equal(t, [2]string{"base", "partial"}, [2]string{r.A, r.B})
	assert.InDelta(t, 2.0/12, r.Score, 1e-9, "2 shared sentences of the shorter article's 12")
}

// TestRelatedIgnoresBoilerplate: a copyright trailer shared by stories of
// many clusters is no evidence of reuse.
func TestRelatedIgnoresBoilerplate(t *testing.T) {
	trailer := " Copyright 1961 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."
	var arts []dedup.Article
	for i := range 6 {
		arts = append(arts, dedup.Article{ID: fmt.Sprint("s", i), Text: strings.Join(story(fmt.Sprint("s", i, "x"), 10), " ") + trailer})
	}
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	res, err := d.Cluster(arts)
	require.NoError(t, err)
	assert.Len(t, res.Clusters, 6)
	assert.Empty(t, res.Related)
	assert.NotNil(t, res.Related, "Related is never nil, so JSON shows []")
}

// TestTrimmedCopy: a copy cut to its first 7 of 40 sentences has Jaccard
// 0.175, below the 0.2 threshold, but lies wholly inside the original: it
// is a copy. An article that carries the same 7 sentences inside 70 of
// its own (Jaccard 0.05 with the original, 0.09 with the trimmed copy:
// far enough below the threshold that the streaming estimates, which
// spread by about 0.025 there, do not reach it) is not a copy but a
// partial relation.
func TestTrimmedCopy(t *testing.T) {
	base := story("delta", 40)
	trimmed := base[:7]
	host := append(append([]string{}, story("epsilon", 70)...), base[:7]...)
	arts := []dedup.Article{
		{ID: "base", Text: strings.Join(base, " ")},
		{ID: "trimmed", Text: strings.Join(trimmed, " ")},
		{ID: "host", Text: strings.Join(host, " ")},
	}
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	exact := d.Hasher().Compare(arts[0].Text, arts[1].Text)
	require.Less(t, exact.Similarity, d.Config().Threshold, "the trimmed copy is below the Jaccard threshold")
	require.InDelta(t, 1.0, exact.Containment, 1e-9)
	require.Less(t, d.Hasher().Compare(arts[2].Text, arts[1].Text).Similarity, 0.1, "the host is far below the threshold")

	res, err := d.Cluster(arts)
	require.NoError(t, err)
	require.Len(t, res.Clusters, 2)
	assert.Equal(t, []string{"base", "trimmed"}, res.Clusters[0].Members)
	require.Len(t, res.Clusters[0].Pairs, 1)
	assert.InDelta(t, exact.Similarity, res.Clusters[0].Pairs[0].Similarity, 1e-9, "near the threshold the pair is measured exactly")
	assert.InDelta(t, 1.0, res.Clusters[0].Pairs[0].Containment, 1e-9)
	assert.Equal(t, []string{"host"}, res.Clusters[1].Members)
	var related []string
	for _, r := range res.Related {
		related = append(related, r.A+"~"+r.B)
	}
	assert.Contains(t, related, "base~host")

	// Streaming sees the trimmed copy too, from the estimates, when LSH
	// makes it a candidate: with the default banding a pair at 0.17 is a
	// candidate with probability 0.85 only, so this part bands 128 x 1.
	s, err := dedup.New(dedup.Config{Bands: 128, Rows: 1})
	require.NoError(t, err)
	_, err = s.Add("base", arts[0].Text)
	require.NoError(t, err)
	r, err := s.Add("trimmed", arts[1].Text)
	require.NoError(t, err)
	assert.False(t, r.New)
	assert.Equal(t, "base", r.CopyOf)
	r, err = s.Add("host", arts[2].Text)
	require.NoError(t, err)
	assert.True(t, r.New, "a partial reuse is no copy")
}
