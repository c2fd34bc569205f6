package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neardup/neardup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	story = "The city council voted on Tuesday to close the old bridge over the river " +
		"after engineers found deep cracks in two of its piers. Traffic will move to the " +
		"northern crossing while the state decides whether to repair or replace it. " +
		"The mayor said the closure would last at least six months."
	other = "A late frost damaged most of the apple blossoms in the valley this spring, " +
		"and growers now expect a harvest of less than half the usual size. Prices at the " +
		"farmers market have already risen, and several orchards have cut seasonal jobs."
)

func line(t *testing.T, id, text string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"id": id, "text": text})
	require.NoError(t, err)
	return string(b) + "\n"
}

// TestStreamClustersMerge: an article that matches two clusters merges
// them under the earlier one, and says so.
func TestStreamClustersMerge(t *testing.T) {
	in := line(t, "s", story) + line(t, "o", other) + line(t, "s2", "UPDATED: "+story) +
		line(t, "both", story+"\n\n"+other)
	var out, errs bytes.Buffer
	require.NoError(t, run([]string{"-json"}, strings.NewReader(in), &out, &errs))
	assert.Empty(t, errs.String())
	var got []answer
	dec := json.NewDecoder(&out)
	for dec.More() {
		var a answer
		require.NoError(t, dec.Decode(&a))
		got = append(got, a)
	}
	require.Len(t, got, 4)
	assert.Equal(t, []string{"s", "o", "s", "s"}, []string{got[0].Cluster, got[1].Cluster, got[2].Cluster, got[3].Cluster})
	assert.True(t, got[1].New)
	assert.Equal(t, "s", got[2].CopyOf)
	assert.Equal(t, []string{"o"}, got[3].Merged)
	assert.Nil(t, got[2].Merged)
}

func TestStreamRejectsFileArguments(t *testing.T) {
	var out, errs bytes.Buffer
	err := run([]string{"articles.jsonl"}, strings.NewReader(""), &out, &errs)
	assert.ErrorContains(t, err, "standard input")
}

func TestClustersEarlierRunIDs(t *testing.T) {
	c := newClusters()
	assert.Equal(t, "old", c.find("old"), "an ID from an earlier run names itself")
	name, merged := c.add(resultMatching("x", "old"))
	assert.Equal(t, "old", name)
	assert.Empty(t, merged)
	assert.Equal(t, "old", c.find("x"))
}

func resultMatching(id string, matches ...string) dedup.Result {
	r := dedup.Result{ID: id, New: len(matches) == 0}
	for _, m := range matches {
		r.Matches = append(r.Matches, dedup.Match{ID: m})
	}
	return r
}

// TestSkippable: errors about an article skip it, others stop the stream.
func TestSkippable(t *testing.T) {
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	_, err = d.Add("a", story)
	require.NoError(t, err)
	for name, text := range map[string]string{"": story, "a": other, "b": " ... ", strings.Repeat("x", dedup.MaxSavedIDLen+1): other} {
		_, err := d.Add(name, text)
		require.Error(t, err)
		assert.True(t, skippable(err), "%v", err)
	}
	assert.False(t, skippable(errors.New("redisstore: redis unavailable: candidates: connection refused")))
	assert.False(t, skippable(fmt.Errorf("wrapped: %w", dedup.ErrConfigMismatch)))
}
