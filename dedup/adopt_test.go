package dedup

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/neardup/neardup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdopt(t *testing.T) {
	saved := Config{Seed: 7}.WithDefaults()
	for _, c := range []Config{
		{Seed: 7},
		{Seed: 7, Threshold: 0.6},
		{Seed: 7, Threshold: 0.05, NoContainment: true, NoRewrites: true, NoRelations: true},
		{Seed: 7, Bands: saved.Bands, Rows: saved.Rows, Threshold: 0.3},
		{Seed: 7, Method: MethodMinWise},
	} {
		got, err := c.Adopt(saved)
		require.NoError(t, err, "%+v", c)
		want := c.WithDefaults()
		want.Bands, want.Rows = saved.Bands, saved.Rows
		assert.Equal(t, want, got, "%+v", c)
		assert.Equal(t, saved.fingerprint(), got.fingerprint())
	}
	for field, c := range map[string]Config{
		"NumHashes":         {Seed: 7, NumHashes: 64},
		"Seed":              {Seed: 8},
		"Method":            {Seed: 7, Method: MethodOPH},
		"Shingle.Size":      {Seed: 7, Shingle: shingle.Config{Size: 4}},
		"Shingle.Language":  {Seed: 7, Shingle: shingle.Config{Language: "french"}},
		"Shingle.StopWords": {Seed: 7, Shingle: shingle.Config{StopWords: true}},
		"Shingle.Seed":      {Seed: 7, Shingle: shingle.Config{Seed: 1}},
		"Bands x Rows":      {Seed: 7, Bands: 16, Rows: 8, Threshold: 0.8},
	} {
		_, err := c.Adopt(saved)
		assert.ErrorIs(t, err, ErrConfigMismatch, field)
		assert.ErrorContains(t, err, field, field)
	}
}

// A saved index, an index and a store are resumed at another threshold by
// every constructor alike, and the new threshold decides.
func TestResumeAtAnotherThreshold(t *testing.T) {
	const (
		a = "the minister said on tuesday that the talks in geneva would resume next week after a pause of two months"
		b = "the minister said on tuesday that the talks in geneva would resume next month after a pause of several weeks"
	)
	low := Config{Threshold: 0.2, NoContainment: true, NoRewrites: true}
	high := Config{Threshold: 0.95, NoContainment: true, NoRewrites: true}
	d, err := New(low)
	require.NoError(t, err)
	_, err = d.Add("a", a)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "x.idx")
	require.NoError(t, d.Index().Save(path))
	sim := d.Hasher().Compare(a, b).Similarity
	require.Greater(t, sim, low.Threshold)
	require.Less(t, sim, high.Threshold)

	loaded, err := LoadIndex(path, &LoadOptions{Config: &high})
	require.NoError(t, err)
	store, err := NewMemoryStore(low)
	require.NoError(t, err)
	viaStore, err := NewIndexWithStore(high, store)
	require.NoError(t, err)
	require.NoError(t, viaStore.AddDoc("a", d.Hasher().Doc(a)))
	for name, ix := range map[string]*Index{"LoadIndexFor": loaded, "NewIndexWithStore": viaStore, "the live index": d.Index()} {
		hd, err := NewWithIndex(high, ix)
		require.NoError(t, err, name)
		assert.Equal(t, high.Threshold, hd.Config().Threshold, name)
		assert.Equal(t, low.WithDefaults().Bands, hd.Config().Bands, name)
		res, err := hd.Check(b)
		require.NoError(t, err, name)
		assert.True(t, res.New, "%s: at 0.95 b is no copy of a (similarity %.2f)", name, sim)
		ld, err := NewWithIndex(low, ix)
		require.NoError(t, err, name)
		res, err = ld.Check(b)
		require.NoError(t, err, name)
		assert.Equal(t, "a", res.CopyOf, name)
	}
	// The view shares the index's documents.
	hd, err := NewWithIndex(high, d.Index())
	require.NoError(t, err)
	_, err = hd.Add("c", "an unrelated article about the harvest of grapes in the south of france this year")
	require.NoError(t, err)
	assert.Equal(t, 2, d.Index().Len())

	_, err = NewWithIndex(Config{NumHashes: 64}, d.Index())
	assert.ErrorIs(t, err, ErrConfigMismatch)
	assert.ErrorContains(t, err, "NumHashes")
	_, err = NewIndexWithStore(Config{NumHashes: 64}, store)
	assert.ErrorIs(t, err, ErrConfigMismatch)
	assert.ErrorContains(t, err, "NumHashes")
}

func TestMethodNames(t *testing.T) {
	for _, m := range []string{"", MethodMinWise, MethodOPH} {
		require.NoError(t, Config{Method: m}.Validate(), m)
	}
	assert.Equal(t, Config{}.WithDefaults(), Config{Method: MethodMinWise}.WithDefaults())
	h1, err := NewHasher(Config{})
	require.NoError(t, err)
	h2, err := NewHasher(Config{Method: MethodMinWise})
	require.NoError(t, err)
	text := "one two three four five six seven eight nine ten"
	s, err := h1.Sign(text).Similarity(h2.Sign(text))
	require.NoError(t, err)
	assert.Equal(t, 1.0, s)
	err = Config{Method: "minhash"}.Validate()
	assert.ErrorIs(t, err, ErrConfig)
	assert.ErrorContains(t, err, MethodMinWise)
}

func TestValidateBandingMessages(t *testing.T) {
	err := Config{Bands: -1, Rows: 2}.Validate()
	assert.ErrorIs(t, err, ErrConfig)
	assert.ErrorContains(t, err, "negative")
	assert.NotContains(t, err.Error(), "set both or neither")

	// 32 bands of 4 rows find a pair at 0.2 with probability 0.05.
	err = Config{Bands: 32, Rows: 4}.Validate()
	assert.ErrorIs(t, err, ErrConfig)
	assert.ErrorContains(t, err, "0.050")
	assert.NoError(t, Config{Bands: 32, Rows: 4, Threshold: 0.5}.Validate())
}

func TestSaveErrorNamesPath(t *testing.T) {
	ix, err := NewIndex(Config{})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "missing", "x.idx")
	err = ix.Save(path)
	require.Error(t, err)
	assert.ErrorContains(t, err, path)
	assert.NotContains(t, err.Error(), ".tmp")
	assert.True(t, errors.Is(err, os.ErrNotExist), err)
	var pe *os.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, path, pe.Path)
}
