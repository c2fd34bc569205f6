package dedup_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// readKandahar loads ../testdata/kandahar/*.txt: five articles of
// 2021-08-12/13 about the fall of Kandahar. 000 and 001 are reworded copies
// of one wire story; the others are different stories on the same event.
// IDs are the file names without extension, in file name order.
func readKandahar(t *testing.T) []dedup.Article {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "kandahar", "*.txt"))
	require.NoError(t, err)
	require.Len(t, files, 5)
	slices.Sort(files)
	var arts []dedup.Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		id := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		arts = append(arts, dedup.Article{ID: id, Text: string(b)})
	}
	return arts
}

// kandaharID returns the ID of the article whose file name starts with
// prefix.
func kandaharID(t *testing.T, arts []dedup.Article, prefix string) string {
	t.Helper()
	for _, a := range arts {
		if strings.HasPrefix(a.ID, prefix+"_") {
			return a.ID
		}
	}
	require.FailNow(t, "no kandahar article "+prefix)
	return ""
}

// clusterOf returns the members of the cluster that holds id.
func clusterOf(c *dedup.Clustering, id string) []string {
	for _, cl := range c.Clusters {
		if slices.Contains(cl.Members, id) {
			return cl.Members
		}
	}
	return nil
}

func TestKandaharCluster(t *testing.T) {
	arts := readKandahar(t)
	d, err := dedup.New(dedup.Config{}) // the library defaults
	require.NoError(t, err)

	// Log the estimated similarities, to see the margins.
	h := d.Hasher()
	sh, err := shingle.New(d.Config().Shingle)
	require.NoError(t, err)
	sigs := make([]dedup.Signature, len(arts))
	sets := make([][]uint64, len(arts))
	for i, a := range arts {
		sigs[i] = h.Sign(a.Text)
		sets[i] = sh.AppendHashes(nil, a.Text)
	}
	for i := range arts {
		for j := i + 1; j < len(arts); j++ {
			s, err := sigs[i].Similarity(sigs[j])
			require.NoError(t, err)
			t.Logf("%s ~ %s: MinHash %.3f, exact Jaccard %.3f", arts[i].ID[:3], arts[j].ID[:3], s, trueJaccard(sets[i], sets[j]))
		}
	}
	t.Logf("defaults: threshold %v, banding %+v, shingles %+v", d.Config().Threshold, d.Config().Banding(), d.Config().Shingle)

	got, err := d.Cluster(arts)
	require.NoError(t, err)
	for _, cl := range got.Clusters {
		t.Logf("cluster %v (rep %s) pairs %v", cl.Members, cl.Representative, cl.Pairs)
	}

	a000, a001 := kandaharID(t, arts, "000"), kandaharID(t, arts, "001")
	a002, a004 := kandaharID(t, arts, "002"), kandaharID(t, arts, "004")
	assert.Contains(t, clusterOf(got, a000), a001, "000 and 001 are copies of one story")
	assert.Equal(t, []string{a002}, clusterOf(got, a002), "002 is alone")
	assert.Equal(t, []string{a004}, clusterOf(got, a004), "004 is alone")

	// Every article is in exactly one cluster.
	count := map[string]int{}
	for _, cl := range got.Clusters {
		for _, m := range cl.Members {
			count[m]++
		}
	}
	for _, a := range arts {
		assert.Equal(t, 1, count[a.ID], a.ID)
	}
	assert.Len(t, count, len(arts))

	// Deterministic: the same input clusters the same way, also with a
	// fresh Deduper.
	again, err := d.Cluster(arts)
	require.NoError(t, err)
	assert.Equal(t, got, again)
	d2, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	third, err := d2.Cluster(slices.Clone(arts))
	require.NoError(t, err)
	assert.Equal(t, got, third)
}

func TestKandaharStream(t *testing.T) {
	arts := readKandahar(t)
	a000, a001 := arts[0], arts[1]
	require.True(t, strings.HasPrefix(a000.ID, "000_"))
	require.True(t, strings.HasPrefix(a001.ID, "001_"))

	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	r0, err := d.Add(a000.ID, a000.Text)
	require.NoError(t, err)
	assert.True(t, r0.New)
	assert.Empty(t, r0.CopyOf)
	assert.Empty(t, r0.Matches)

	r1, err := d.Add(a001.ID, a001.Text)
	require.NoError(t, err)
	assert.Equal(t, a001.ID, r1.ID)
	assert.False(t, r1.New)
	assert.Equal(t, a000.ID, r1.CopyOf)
	require.NotEmpty(t, r1.Matches)
	assert.Equal(t, a000.ID, r1.Matches[0].ID)
	assert.Equal(t, r1.Matches[0].Similarity, r1.Similarity)
	assert.GreaterOrEqual(t, r1.Similarity, d.Config().Threshold)
	assert.Equal(t, 2, d.Index().Len())

	// The stream agrees with the batch on 002 and 004: both are new.
	for _, p := range []string{"002", "004"} {
		id := kandaharID(t, arts, p)
		i := slices.IndexFunc(arts, func(a dedup.Article) bool { return a.ID == id })
		r, err := d.Add(id, arts[i].Text)
		require.NoError(t, err)
		assert.True(t, r.New, "%s: %+v", id, r)
	}
}

// TestKandaharMethodsAndSeeds checks the Kandahar goals under both
// signing methods and several seeds, in batch and streaming: the goals
// must not hang on one draw of the hash functions.
func TestKandaharMethodsAndSeeds(t *testing.T) {
	arts := readKandahar(t)
	id := func(p string) string { return kandaharID(t, arts, p) }
	for _, method := range signMethods {
		for seed := range uint64(6) {
			t.Run(fmt.Sprintf("%s/seed=%d", methodName(method), seed), func(t *testing.T) {
				cfg := dedup.Config{Method: method, Seed: seed}
				d, err := dedup.New(cfg)
				require.NoError(t, err)
				res, err := d.Cluster(arts)
				require.NoError(t, err)
				assert.Equal(t, []string{id("000"), id("001")}, clusterOf(res, id("000")))
				for _, p := range []string{"002", "003", "004"} {
					assert.Equal(t, []string{id(p)}, clusterOf(res, id(p)), "%s is alone", p)
				}
				got := map[[2]string]bool{}
				for _, r := range res.Related {
					got[[2]string{r.A[:3], r.B[:3]}] = true
				}
				assert.Equal(t, map[[2]string]bool{{"000", "003"}: true, {"001", "003"}: true}, got)

				s, err := dedup.New(cfg)
				require.NoError(t, err)
				for _, p := range []string{"000", "001", "002", "004"} {
					i := slices.IndexFunc(arts, func(a dedup.Article) bool { return a.ID == id(p) })
					r, err := s.Add(arts[i].ID, arts[i].Text)
					require.NoError(t, err)
					if p == "001" {
						assert.Equal(t, id("000"), r.CopyOf, "001 streams in as a copy of 000")
					} else {
						assert.True(t, r.New, "%s streams in as new: %+v", p, r)
					}
				}
			})
		}
	}
}
