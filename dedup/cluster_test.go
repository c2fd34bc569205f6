package dedup_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// storyGen writes synthetic news text from a vocabulary of made-up words.
type storyGen struct {
	rng   *rand.Rand
	vocab []string
}

func newStoryGen(seed uint64) *storyGen {
	g := &storyGen{rng: rand.New(rand.NewPCG(seed, seed+1))}
	seen := map[string]bool{}
	for len(g.vocab) < 4000 {
		n := 4 + g.rng.IntN(6)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + g.rng.IntN(26))
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	return g
}

func (g *storyGen) word() string { return g.vocab[g.rng.IntN(len(g.vocab))] }

// story returns sentences of 8 to 16 words.
func (g *storyGen) story(sentences int) [][]string {
	s := make([][]string, sentences)
	for i := range s {
		for range 8 + g.rng.IntN(9) {
			s[i] = append(s[i], g.word())
		}
	}
	return s
}

// edit returns a lightly edited copy of a story, as a rewriting desk makes
// it: about rate of the words replaced, one sentence dropped, and a
// dateline and a credit line added.
func (g *storyGen) edit(story [][]string, rate float64) string {
	drop := g.rng.IntN(len(story))
	var b strings.Builder
	b.WriteString("KABUL (Wire) - ")
	for i, sent := range story {
		if i == drop {
			continue
		}
		for j, w := range sent {
			if g.rng.Float64() < rate {
				w = g.word()
			}
			if j == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
			if j < len(sent)-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(". ")
	}
	b.WriteString("Reporting by " + g.word() + " " + g.word() + ".")
	return b.String()
}

func render(story [][]string) string {
	var parts []string
	for _, s := range story {
		parts = append(parts, strings.Join(s, " ")+".")
	}
	return strings.Join(parts, " ")
}

// syntheticBatch returns a shuffled batch of 3 stories with copies copies
// each, plus unrelated articles, and the expected clustering: for each
// article ID, a label naming its story ("" for unrelated articles).
func syntheticBatch(seed uint64, copies, unrelated int) ([]dedup.Article, map[string]string) {
	g := newStoryGen(seed)
	var arts []dedup.Article
	label := map[string]string{}
	for s := range 3 {
		st := g.story(12)
		for c := range copies {
			id := fmt.Sprintf("story%d-copy%d", s, c)
			arts = append(arts, dedup.Article{ID: id, Text: g.edit(st, 0.015)})
			label[id] = fmt.Sprint("story", s)
		}
	}
	for u := range unrelated {
		id := fmt.Sprintf("other%d", u)
		arts = append(arts, dedup.Article{ID: id, Text: render(g.story(10))})
		label[id] = ""
	}
	g.rng.Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	return arts, label
}

// expectedClusters groups articles by label: clusters in order of their
// first member's position, members in input order; unlabelled articles
// are singletons.
func expectedClusters(arts []dedup.Article, label map[string]string) [][]string {
	var out [][]string
	at := map[string]int{}
	for _, a := range arts {
		l := label[a.ID]
		if l == "" {
			out = append(out, []string{a.ID})
			continue
		}
		if i, ok := at[l]; ok {
			out[i] = append(out[i], a.ID)
			continue
		}
		at[l] = len(out)
		out = append(out, []string{a.ID})
	}
	return out
}

func members(c *dedup.Clustering) [][]string {
	var out [][]string
	for _, cl := range c.Clusters {
		out = append(out, cl.Members)
	}
	return out
}

// checkClustering checks the documented invariants of a clustering of
// arts under threshold.
func checkClustering(t *testing.T, arts []dedup.Article, c *dedup.Clustering, threshold float64) {
	t.Helper()
	pos := map[string]int{}
	for i, a := range arts {
		pos[a.ID] = i
	}
	seen := map[string]int{}
	prevFirst := -1
	for ci, cl := range c.Clusters {
		require.NotEmpty(t, cl.Members, "cluster %d", ci)
		// Clusters by their first member's input position; members in
		// input order.
		assert.Greater(t, pos[cl.Members[0]], prevFirst, "cluster %d order", ci)
		prevFirst = pos[cl.Members[0]]
		assert.True(t, slices.IsSortedFunc(cl.Members, func(a, b string) int { return pos[a] - pos[b] }),
			"cluster %d members in input order: %v", ci, cl.Members)
		for _, m := range cl.Members {
			_, known := pos[m]
			assert.True(t, known, "unknown member %q", m)
			seen[m]++
		}
		assert.Contains(t, cl.Members, cl.Representative, "cluster %d", ci)
		assert.NotNil(t, cl.Pairs, "cluster %d: Pairs is [] not null", ci)

		// Pairs join members, in input order of first then second
		// article, at or above the threshold, or (trimmed copies) at
		// or above half of it with containment at least 0.5.
		score := make([]float64, len(cl.Members))
		parent := map[string]string{}
		var find func(string) string
		find = func(x string) string {
			if p, ok := parent[x]; ok && p != x {
				return find(p)
			}
			return x
		}
		for pi, p := range cl.Pairs {
			ia, ib := slices.Index(cl.Members, p.A), slices.Index(cl.Members, p.B)
			assert.True(t, ia >= 0 && ib >= 0, "pair %+v outside cluster %v", p, cl.Members)
			assert.Less(t, pos[p.A], pos[p.B], "pair %+v: A comes first", p)
			assert.True(t, p.Similarity >= threshold || (p.Similarity >= threshold/2 && p.Containment >= 0.5), "pair %+v", p)
			assert.LessOrEqual(t, p.Containment, 1.0, "pair %+v", p)
			assert.LessOrEqual(t, p.Similarity, 1.0, "pair %+v", p)
			if pi > 0 {
				q := cl.Pairs[pi-1]
				assert.True(t, pos[q.A] < pos[p.A] || pos[q.A] == pos[p.A] && pos[q.B] < pos[p.B],
					"pairs in input order: %+v then %+v", q, p)
			}
			if ia >= 0 && ib >= 0 {
				score[ia] += p.Similarity
				score[ib] += p.Similarity
				parent[find(p.A)] = find(p.B)
			}
		}
		// The pairs connect the cluster.
		for _, m := range cl.Members {
			assert.Equal(t, find(cl.Members[0]), find(m), "cluster %v is not connected by its pairs", cl.Members)
		}
		// The representative has the largest sum of pair similarities,
		// ties to the earliest.
		best := 0
		for i, s := range score {
			if s > score[best] {
				best = i
			}
		}
		assert.Equal(t, cl.Members[best], cl.Representative, "cluster %v scores %v", cl.Members, score)
	}
	// Every article in exactly one cluster.
	for _, a := range arts {
		assert.Equal(t, 1, seen[a.ID], "article %q", a.ID)
	}
	assert.Len(t, seen, len(arts))
}

func TestClusterSyntheticBatch(t *testing.T) {
	arts, label := syntheticBatch(42, 5, 12)
	want := expectedClusters(arts, label)
	configs := map[string]dedup.Config{
		"explicit": {NumHashes: 128, Threshold: 0.3, Seed: 1, Shingle: shingle.Config{Size: 3, Language: "english"}},
		"defaults": {},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			d, err := dedup.New(cfg)
			require.NoError(t, err)
			got, err := d.Cluster(arts)
			require.NoError(t, err)
			assert.Equal(t, want, members(got))
			checkClustering(t, arts, got, d.Config().Threshold)
			assert.Len(t, got.Clusters, 3+12)
			// The margins: same-story and cross-story similarities.
			lo, hi := 1.0, 0.0
			for i, a := range arts {
				for _, b := range arts[i+1:] {
					s, err := d.Hasher().Sign(a.Text).Similarity(d.Hasher().Sign(b.Text))
					require.NoError(t, err)
					if label[a.ID] != "" && label[a.ID] == label[b.ID] {
						lo = min(lo, s)
					} else {
						hi = max(hi, s)
					}
				}
			}
			t.Logf("threshold %v: same-story pairs >= %.3f, other pairs <= %.3f", d.Config().Threshold, lo, hi)
			for _, cl := range got.Clusters {
				if len(cl.Members) > 1 {
					t.Logf("%v rep %s, %d pairs", cl.Members, cl.Representative, len(cl.Pairs))
				}
			}
		})
	}
}

func TestClusterDeterministic(t *testing.T) {
	arts, _ := syntheticBatch(7, 4, 30)
	// A chain of near-copies and empty texts in between make more ways
	// for a parallel implementation to vary.
	arts = append(arts, dedup.Article{ID: "empty1", Text: ""}, dedup.Article{ID: "empty2", Text: " . "})
	d, err := dedup.New(dedup.Config{Threshold: 0.3, Seed: 5})
	require.NoError(t, err)
	first, err := d.Cluster(arts)
	require.NoError(t, err)
	checkClustering(t, arts, first, 0.3)
	for range 3 {
		again, err := d.Cluster(arts)
		require.NoError(t, err)
		require.Equal(t, first, again)
	}
	// On one core too.
	prev := runtime.GOMAXPROCS(1)
	one, err := d.Cluster(arts)
	runtime.GOMAXPROCS(prev)
	require.NoError(t, err)
	require.Equal(t, first, one)
	// A fresh Deduper of the same config gives the same result.
	d2, err := dedup.New(dedup.Config{Threshold: 0.3, Seed: 5})
	require.NoError(t, err)
	other, err := d2.Cluster(arts)
	require.NoError(t, err)
	require.Equal(t, first, other)
}

func TestClusterOrderFollowsInput(t *testing.T) {
	arts, label := syntheticBatch(9, 3, 4)
	d, err := dedup.New(dedup.Config{Threshold: 0.3})
	require.NoError(t, err)
	got, err := d.Cluster(arts)
	require.NoError(t, err)
	require.Equal(t, expectedClusters(arts, label), members(got))

	// Reversed input: the same groups, in the new order.
	rev := slices.Clone(arts)
	slices.Reverse(rev)
	got, err = d.Cluster(rev)
	require.NoError(t, err)
	require.Equal(t, expectedClusters(rev, label), members(got))
	checkClustering(t, rev, got, 0.3)
}

func TestClusterRepresentative(t *testing.T) {
	// b is the original; a and c are copies of b with different edits,
	// so a–b and b–c are closer than a–c and b is the representative
	// although a comes first.
	g := newStoryGen(3)
	st := g.story(40)
	b := render(st)
	var aStory, cStory [][]string
	for i, s := range st {
		a, c := slices.Clone(s), slices.Clone(s)
		switch i % 4 {
		case 0, 1:
			a[0] = g.word()
		case 2, 3:
			c[0] = g.word()
		}
		aStory, cStory = append(aStory, a), append(cStory, c)
	}
	arts := []dedup.Article{{ID: "a", Text: render(aStory)}, {ID: "b", Text: b}, {ID: "c", Text: render(cStory)}}
	d, err := dedup.New(dedup.Config{Threshold: 0.3, Seed: 8})
	require.NoError(t, err)
	got, err := d.Cluster(arts)
	require.NoError(t, err)
	require.Len(t, got.Clusters, 1)
	cl := got.Clusters[0]
	t.Logf("%+v", cl)
	assert.Equal(t, []string{"a", "b", "c"}, cl.Members)
	assert.Equal(t, "b", cl.Representative)
	checkClustering(t, arts, got, 0.3)
}

func TestClusterErrors(t *testing.T) {
	d, err := dedup.New(dedup.Config{Threshold: 0.3})
	require.NoError(t, err)

	_, err = d.Cluster([]dedup.Article{{ID: "a", Text: "x y z"}, {ID: "", Text: "x y z"}})
	assert.ErrorIs(t, err, dedup.ErrEmptyID)

	_, err = d.Cluster([]dedup.Article{{ID: "a", Text: "x y z"}, {ID: "b", Text: "p q"}, {ID: "a", Text: "other"}})
	assert.ErrorIs(t, err, dedup.ErrDuplicateID)

	got, err := d.Cluster(nil)
	require.NoError(t, err)
	assert.Empty(t, got.Clusters)
}

func TestClusterEmptyTextsAreSingletons(t *testing.T) {
	d, err := dedup.New(dedup.Config{Threshold: 0.3})
	require.NoError(t, err)
	text := "The Taliban have taken control of another provincial capital, the southern city of Kandahar."
	arts := []dedup.Article{
		{ID: "e1", Text: ""},
		{ID: "t1", Text: text},
		{ID: "e2", Text: "   "},
		{ID: "t2", Text: text},
		{ID: "e3", Text: "-- ... !!"},
		{ID: "e4", Text: ""},
	}
	got, err := d.Cluster(arts)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"e1"}, {"t1", "t2"}, {"e2"}, {"e3"}, {"e4"}}, members(got))
	checkClustering(t, arts, got, 0.3)
	for _, cl := range got.Clusters {
		if len(cl.Members) == 1 {
			assert.Equal(t, cl.Members[0], cl.Representative)
			assert.Empty(t, cl.Pairs)
		}
	}
	assert.Equal(t, []dedup.Pair{{A: "t1", B: "t2", Similarity: 1, Containment: 1}}, got.Clusters[1].Pairs)
}

func TestClusterIgnoresStreamIndex(t *testing.T) {
	d, err := dedup.New(dedup.Config{Threshold: 0.3})
	require.NoError(t, err)
	text := "Kandahar fell on Thursday night, according to officials, and government leaders fled the city."
	_, err = d.Add("streamed", text)
	require.NoError(t, err)
	got, err := d.Cluster([]dedup.Article{{ID: "batch", Text: text}, {ID: "streamed", Text: "unrelated words here"}})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"batch"}, {"streamed"}}, members(got))
	assert.Equal(t, 1, d.Index().Len())
}

func TestDeduperAddErrors(t *testing.T) {
	d, err := dedup.New(dedup.Config{Threshold: 0.3})
	require.NoError(t, err)
	text := "Kandahar fell on Thursday night, according to officials, and government leaders fled the city."
	_, err = d.Add("", text)
	assert.ErrorIs(t, err, dedup.ErrEmptyID)
	_, err = d.Add("empty", " ... ")
	assert.ErrorIs(t, err, dedup.ErrEmpty)
	assert.Equal(t, 0, d.Index().Len())

	r, err := d.Add("a", text)
	require.NoError(t, err)
	assert.True(t, r.New)
	_, err = d.Add("a", "a different text about something else entirely")
	assert.ErrorIs(t, err, dedup.ErrDuplicateID)
	assert.Equal(t, 1, d.Index().Len())

	// A copy reports its original, with every match at or above the
	// threshold, most similar first.
	r, err = d.Add("b", text)
	require.NoError(t, err)
	assert.False(t, r.New)
	assert.Equal(t, "a", r.CopyOf)
	assert.Equal(t, 1.0, r.Similarity)
	r, err = d.Add("c", text+" Witnesses heard gunshots.")
	require.NoError(t, err)
	assert.False(t, r.New)
	require.Len(t, r.Matches, 2)
	assert.Equal(t, []string{"a", "b"}, ids(r.Matches), "equal similarity: by ID")
	assert.Equal(t, r.Matches[0].ID, r.CopyOf)
	for _, m := range r.Matches {
		assert.GreaterOrEqual(t, m.Similarity, 0.3)
	}
	assert.Equal(t, 3, d.Index().Len())
}

// TestDeduperCheck checks that Check answers what Add would, without
// indexing: on a stream of articles made of shared sentences (copies,
// trimmed copies, padded copies and unrelated ones).
func TestDeduperCheck(t *testing.T) {
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(5, 5))
	pool := make([]string, 200)
	for i := range pool {
		var b strings.Builder
		for j := range 12 {
			fmt.Fprintf(&b, "w%dx%d ", r.IntN(400), j%3)
		}
		pool[i] = b.String() + "."
	}
	_, err = d.Check(" ... ")
	assert.ErrorIs(t, err, dedup.ErrEmpty)
	copies := 0
	for i := range 80 {
		start := r.IntN(180)
		text := strings.Join(pool[start:start+5+r.IntN(15)], " ")
		if r.IntN(3) == 0 {
			text += " " + pool[r.IntN(len(pool))]
		}
		n := d.Index().Len()
		want, err := d.Check(text)
		require.NoError(t, err)
		assert.Equal(t, n, d.Index().Len(), "Check indexed the article")
		assert.Empty(t, want.ID)
		got, err := d.Add(fmt.Sprint("a", i), text)
		require.NoError(t, err)
		want.ID = got.ID
		// Check says nothing of clusters; the rest is Add's answer.
		assert.NotEmpty(t, got.Cluster)
		want.Cluster, want.Merged, want.Attached = got.Cluster, got.Merged, got.Attached
		assert.Equal(t, want, got, "article %d", i)
		if !got.New {
			copies++
		}
	}
	assert.True(t, copies > 10 && copies < 75, "the stream should hold copies and new articles: %d copies of 80", copies)
	assert.Equal(t, 80, d.Index().Len())
}
