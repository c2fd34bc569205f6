package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	wordnetOnce sync.Once
	wordnet     *Source
	wordnetErr  error
)

// installed returns the real WordNet source, skipping the test when it is
// not installed.
func installed(t testing.TB) *Source {
	t.Helper()
	wordnetOnce.Do(func() { wordnet, wordnetErr = Load("") })
	if errors.Is(wordnetErr, ErrNotInstalled) {
		t.Skipf("WordNet source text not installed (%v); run: %s", wordnetErr, InstallCommand)
	}
	require.NoError(t, wordnetErr)
	return wordnet
}

func fixture(t testing.TB) *Source {
	t.Helper()
	s, err := Load("testdata/wordnet")
	require.NoError(t, err)
	return s
}

func config(src *Source, n int, seed int64) Config {
	c := DefaultConfig(n, seed)
	c.Source = src
	return c
}

func wordSetOf(text string) map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		m[strings.Trim(w, `.,;:!?"'()`)] = struct{}{}
	}
	return m
}

func jaccard(a, b map[string]struct{}) float64 {
	inter := 0
	for w := range a {
		if _, ok := b[w]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func TestLoadNotInstalled(t *testing.T) {
	_, err := Load(t.TempDir())
	require.ErrorIs(t, err, ErrNotInstalled)
	assert.True(t, strings.HasPrefix(err.Error(), "corpus: "), err.Error())
	assert.Contains(t, err.Error(), "wordnet-base")
}

func TestLoadFixture(t *testing.T) {
	s := fixture(t)
	assert.Equal(t, "testdata/wordnet", s.Dir())
	assert.GreaterOrEqual(t, s.Sentences(), 8)
	assert.Positive(t, s.Glosses())
	assert.Positive(t, s.SynonymWords())

	arts, err := Generate(config(s, 50, 3))
	require.NoError(t, err)
	require.Len(t, arts, 50)
	for _, a := range arts {
		assert.NotEmpty(t, a.Text)
		assert.NotContains(t, a.Text, "{", "unfilled template slot in %s", a.ID)
	}
}

func TestConfigErrors(t *testing.T) {
	s := fixture(t)
	for _, c := range []Config{
		{N: -1, Source: s},
		{N: 10, CopyRate: 1, Source: s},
		{N: 10, CopyRate: -0.1, Source: s},
		{N: 10, CopyRate: math.NaN(), Source: s},
		{N: 10, MeanWords: 5, Source: s},
		{N: 10, SwapMin: 0.5, SwapMax: 0.2, Source: s},
	} {
		_, err := NewGenerator(c)
		assert.Error(t, err, "%+v", c)
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "corpus: "), err.Error())
		}
	}
}

func TestDeterministic(t *testing.T) {
	s := installed(t)
	a, err := Generate(config(s, 300, 42))
	require.NoError(t, err)
	b, err := Generate(config(s, 300, 42))
	require.NoError(t, err)
	assert.Equal(t, a, b)

	// A prefix of a longer corpus is not required to match, but the same
	// corpus written twice as JSON Lines must be byte-identical.
	var w1, w2 bytes.Buffer
	_, err = Write(&w1, config(s, 200, 7))
	require.NoError(t, err)
	_, err = Write(&w2, config(s, 200, 7))
	require.NoError(t, err)
	assert.Equal(t, w1.Bytes(), w2.Bytes())
}

func TestSeedsDiffer(t *testing.T) {
	s := installed(t)
	a, err := Generate(config(s, 50, 1))
	require.NoError(t, err)
	b, err := Generate(config(s, 50, 2))
	require.NoError(t, err)
	same := 0
	for i := range a {
		if a[i].Text == b[i].Text {
			same++
		}
		assert.Less(t, jaccard(wordSetOf(a[i].Text), wordSetOf(b[i].Text)), 0.5)
	}
	assert.Zero(t, same)
}

func TestSizeAndClusters(t *testing.T) {
	s := installed(t)
	for _, n := range []int{0, 1, 2, 137, 1000} {
		cfg := config(s, n, 5)
		arts, err := Generate(cfg)
		require.NoError(t, err)
		require.Len(t, arts, n)
		index := map[string]int{}
		copies := 0
		for i, a := range arts {
			_, dup := index[a.ID]
			require.False(t, dup, "duplicate id %s", a.ID)
			index[a.ID] = i
			if a.Cluster == "" || a.Cluster == a.ID {
				continue
			}
			copies++
			bi, ok := index[a.Cluster]
			require.True(t, ok, "copy %s refers to %s, which is not earlier", a.ID, a.Cluster)
			assert.Equal(t, a.Cluster, arts[bi].Cluster, "base of %s must carry its own cluster id", a.ID)
		}
		want := int(math.Round(cfg.CopyRate * float64(n)))
		assert.Equal(t, min(want, max(n-1, 0)), copies, "n=%d", n)
		for _, a := range arts {
			if a.Cluster == a.ID {
				found := false
				for _, b := range arts {
					found = found || (b.Cluster == a.ID && b.ID != a.ID)
				}
				assert.True(t, found, "base %s is marked as a cluster but has no copies", a.ID)
			}
		}
	}
}

func TestNoCopies(t *testing.T) {
	s := installed(t)
	cfg := config(s, 100, 9)
	cfg.CopyRate = 0
	arts, err := Generate(cfg)
	require.NoError(t, err)
	for _, a := range arts {
		assert.Empty(t, a.Cluster)
	}
}

func TestCopiesShareContent(t *testing.T) {
	s := installed(t)
	arts, err := Generate(config(s, 600, 11))
	require.NoError(t, err)
	byID := map[string]Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	var copyJ, otherJ []float64
	for i, a := range arts {
		if a.Cluster != "" && a.Cluster != a.ID {
			copyJ = append(copyJ, jaccard(wordSetOf(a.Text), wordSetOf(byID[a.Cluster].Text)))
			assert.NotEqual(t, byID[a.Cluster].Text, a.Text, "copy %s is verbatim", a.ID)
		}
		if i > 0 && a.Cluster == "" && arts[i-1].Cluster == "" {
			otherJ = append(otherJ, jaccard(wordSetOf(a.Text), wordSetOf(arts[i-1].Text)))
		}
	}
	require.NotEmpty(t, copyJ)
	require.NotEmpty(t, otherJ)
	mean := func(xs []float64) float64 {
		sum := 0.0
		for _, x := range xs {
			sum += x
		}
		return sum / float64(len(xs))
	}
	minCopy, maxOther := 1.0, 0.0
	for _, x := range copyJ {
		minCopy = min(minCopy, x)
	}
	for _, x := range otherJ {
		maxOther = max(maxOther, x)
	}
	t.Logf("word-set Jaccard: copies mean %.3f min %.3f; unrelated mean %.3f max %.3f",
		mean(copyJ), minCopy, mean(otherJ), maxOther)
	assert.Greater(t, mean(copyJ), 0.5)
	assert.Less(t, mean(otherJ), 0.2)
	assert.Greater(t, minCopy, maxOther, "every copy should be closer to its base than any unrelated pair")
}

func TestMeanWords(t *testing.T) {
	s := installed(t)
	for _, mw := range []int{0, 200, 1500} {
		cfg := config(s, 400, 13)
		cfg.MeanWords = mw
		want := mw
		if mw == 0 {
			want = DefaultMeanWords
		}
		g, err := NewGenerator(cfg)
		require.NoError(t, err)
		total, n := 0, 0
		for {
			a, ok := g.Next()
			if !ok {
				break
			}
			total += len(strings.Fields(a.Text))
			n++
		}
		got := float64(total) / float64(n)
		t.Logf("MeanWords=%d: mean %.1f words", want, got)
		assert.InEpsilon(t, float64(want), got, 0.1, "MeanWords=%d", want)
		sum := g.Summary()
		assert.Equal(t, int64(total), sum.Words)
		assert.Equal(t, n, sum.Articles)
		assert.Equal(t, n, sum.Bases+sum.Copies)
	}
}

func TestWriteJSONLMatchesGenerate(t *testing.T) {
	s := installed(t)
	cfg := config(s, 250, 21)
	arts, err := Generate(cfg)
	require.NoError(t, err)
	var buf bytes.Buffer
	sum, err := Write(&buf, cfg)
	require.NoError(t, err)
	assert.Equal(t, 250, sum.Articles)
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	i := 0
	for sc.Scan() {
		var a Article
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a), "line %d", i)
		require.Less(t, i, len(arts))
		assert.Equal(t, arts[i], a)
		i++
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, len(arts), i)
}

func TestArticleShape(t *testing.T) {
	s := installed(t)
	arts, err := Generate(config(s, 200, 17))
	require.NoError(t, err)
	for _, a := range arts {
		paras := strings.Split(a.Text, "\n\n")
		assert.GreaterOrEqual(t, len(paras), 4, a.ID)
		assert.NotContains(t, a.Text, "{", "unfilled template slot in %s", a.ID)
		assert.NotContains(t, a.Text, "  ", "double space in %s", a.ID)
		assert.Equal(t, strings.TrimSpace(a.Text), a.Text, a.ID)
		if a.Cluster == "" || a.Cluster == a.ID { // bases carry a dateline
			assert.Regexp(t, `(?m)^[A-Z][A-Z .]+(, [A-Z][a-z]+ \d+)? (\([A-Za-z]+\) )?[—-] `, a.Text, a.ID)
		}
	}
}

func TestAppendNumber(t *testing.T) {
	cases := []struct {
		kind  uint8
		v     int
		words bool
		want  string
	}{
		{kCard, 7, true, "seven"},
		{kCard, 7, false, "7"},
		{kCard, 42, true, "forty-two"},
		{kCard, 40, true, "forty"},
		{kCard, 12345, false, "12,345"},
		{kCard, 1234567, true, "1,234,567"},
		{kOrd, 12, true, "twelfth"},
		{kOrd, 12, false, "12th"},
		{kOrd, 21, false, "21st"},
		{kOrd, 23, true, "twenty-third"},
		{kOrd, 30, true, "thirtieth"},
		{kOrd, 112, false, "112th"},
		{kPct, 12, false, "12 percent"},
		{kPct, 12, true, "12%"},
		{kMoney, 45, false, "$4.5 million"},
		{kMoney, 120, true, "12 million dollars"},
		{kPlain, 1999, true, "1999"},
	}
	for _, c := range cases {
		tk := tok{kind: c.kind, num: int32(c.v)}
		assert.Equal(t, c.want, string(appendNumber(nil, &tk, c.words)))
	}
}

func TestAppendJSONString(t *testing.T) {
	in := "a \"quoted\"\nline\\ \t\x01 — done"
	out := `"` + string(appendJSONString(nil, []byte(in))) + `"`
	var back string
	require.NoError(t, json.Unmarshal([]byte(out), &back))
	assert.Equal(t, in, back)
}

func BenchmarkWrite(b *testing.B) {
	s := installed(b)
	b.ReportAllocs()
	var total int64
	for b.Loop() {
		var w countingWriter
		_, err := Write(&w, config(s, 1000, 1))
		require.NoError(b, err)
		total += int64(w)
	}
	b.SetBytes(total / int64(max(b.N, 1)))
}

type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
