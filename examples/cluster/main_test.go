package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKandaharJSON runs the program as `cluster -json` with no arguments
// and checks the clusters the README promises.
func TestKandaharJSON(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-json"}, strings.NewReader(""), &out))
	var res struct {
		Clusters []struct {
			Members        []string `json:"members"`
			Representative string   `json:"representative"`
			Pairs          []struct {
				A, B       string
				Similarity float64
			} `json:"pairs"`
		} `json:"clusters"`
		Related []struct {
			A, B  string
			Kind  string
			Score float64
		} `json:"related"`
		Config map[string]any `json:"config"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &res))
	require.NotEmpty(t, res.Config)
	where := map[string]int{} // id prefix -> cluster
	for i, c := range res.Clusters {
		assert.Contains(t, c.Members, c.Representative)
		for _, m := range c.Members {
			_, dup := where[m[:3]]
			require.False(t, dup, "%s in two clusters", m)
			where[m[:3]] = i
		}
	}
	require.Len(t, where, 5)
	var related []string
	for _, r := range res.Related {
		assert.Equal(t, "partial", r.Kind)
		related = append(related, r.A[:3]+"~"+r.B[:3])
	}
	assert.ElementsMatch(t, []string{"000~003", "001~003"}, related, "003 reuses part of the AP story, nothing else is related")
	assert.NotEqual(t, where["000"], where["003"], "003 is related, not a copy")
	assert.Equal(t, where["000"], where["001"], "000 and 001 are one story")
	for _, lone := range []string{"002", "004"} {
		for id, c := range where {
			if id != lone {
				assert.NotEqual(t, c, where[lone], "%s must be alone, is with %s", lone, id)
			}
		}
	}
}

// TestHeavyRewriteOutput: a pair joined as a heavy rewrite says so.
func TestHeavyRewriteOutput(t *testing.T) {
	source := "The regional water authority announced on Monday that reservoir levels have fallen to their lowest point in thirty years. " +
		"Officials blamed a dry winter and rising demand from new housing developments along the coast. " +
		"Residents will face mandatory limits on garden watering starting next month. " +
		"Farmers in the valley warned that crop yields could drop sharply without emergency supplies. " +
		"The authority plans to open talks with neighbouring districts about temporary transfers of water."
	rewrite := "On Monday the regional water authority said reservoir levels had dropped to the lowest point seen in thirty years. " +
		"A dry winter and growing demand from coastal housing developments were blamed by officials. " +
		"Starting next month, residents face mandatory garden watering limits. " +
		"Valley farmers warned crop yields might fall sharply unless emergency supplies arrive. " +
		"Talks about temporary water transfers with neighbouring districts will be opened by the authority."
	var in strings.Builder
	for id, text := range map[string]string{"source": source, "rewrite": rewrite} {
		b, err := json.Marshal(map[string]string{"id": id, "text": text})
		require.NoError(t, err)
		in.Write(b)
		in.WriteString("\n")
	}
	var out bytes.Buffer
	require.NoError(t, run([]string{"-"}, strings.NewReader(in.String()), &out))
	assert.Contains(t, out.String(), "1 clusters")
	assert.Contains(t, out.String(), "heavy rewrite (sentence coverage")
}

// TestIndexFindsTrimmedCopy: with -index, a later run reports an article
// that copies one of an earlier run under Add's copy rule, here a copy
// trimmed to its first sentences (Jaccard under the threshold, but most of
// it inside the original).
func TestIndexFindsTrimmedCopy(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(dir, "index.ndx")
	orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "kandahar", "002_b91136bcdf9285c5.txt"))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run([]string{"-index", index, "-json", filepath.Join("..", "..", "testdata", "kandahar", "002_b91136bcdf9285c5.txt")}, strings.NewReader(""), &out))

	// The first seventh of the article, cut at a sentence end.
	cut := len(orig) / 7
	cut += strings.Index(string(orig[cut:]), ". ") + 1
	trimmed := filepath.Join(dir, "trimmed.txt")
	require.NoError(t, os.WriteFile(trimmed, orig[:cut], 0o644))
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	sc := d.Hasher().Compare(string(orig), string(orig[:cut]))
	require.Less(t, sc.Similarity, d.Config().Threshold, "the fixture must be a trimmed copy under the threshold")
	// With the containment rule off, the threshold alone misses it.
	plain, err := dedup.New(dedup.Config{NoContainment: true})
	require.NoError(t, err)
	_, err = plain.Add("orig", string(orig))
	require.NoError(t, err)
	q, err := plain.Index().Query(plain.Hasher().Sign(string(orig[:cut])))
	require.NoError(t, err)
	require.Empty(t, q, "the fixture must be one that the threshold alone misses")

	out.Reset()
	require.NoError(t, run([]string{"-index", index, "-json", trimmed}, strings.NewReader(""), &out))
	var res struct {
		Earlier []struct {
			ID     string `json:"id"`
			CopyOf string `json:"copy_of"`
		} `json:"earlier"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &res))
	require.Len(t, res.Earlier, 1, "%s", out.String())
	assert.Equal(t, "trimmed", res.Earlier[0].ID)
	assert.Equal(t, "002_b91136bcdf9285c5", res.Earlier[0].CopyOf)
}
