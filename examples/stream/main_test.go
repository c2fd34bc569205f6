package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/neardup/neardup/examples/internal/articles"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/redisstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	story = "The city council voted on Tuesday to close the old bridge over the river " +
		"after engineers found deep cracks in two of its piers. Traffic will move to the " +
		"northern crossing while the state decides whether to repair or replace it. " +
		"The mayor said the closure would last at least six months."
	third = "The school board approved a new schedule for the district's high schools on Monday night, " +
		"moving the first bell from half past seven to a quarter past eight. Parents had asked for the change " +
		"for years, citing studies of teenagers' sleep, while bus drivers warned that routes would have to be redrawn."
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

// decode returns the answers of -json output.
func decode(t *testing.T, out *bytes.Buffer) []answer {
	t.Helper()
	var got []answer
	dec := json.NewDecoder(out)
	for dec.More() {
		var a answer
		require.NoError(t, dec.Decode(&a))
		got = append(got, a)
	}
	return got
}

// runJSON runs the program with -json and args on the lines in, and
// returns its answers.
func runJSON(t *testing.T, in string, args ...string) []answer {
	t.Helper()
	var out, errs bytes.Buffer
	require.NoError(t, run(append([]string{"-json"}, args...), strings.NewReader(in), &out, &errs))
	assert.Empty(t, errs.String())
	return decode(t, &out)
}

func clusters(as []answer) []string {
	var names []string
	for _, a := range as {
		names = append(names, a.Cluster)
	}
	return names
}

// mergeInput: s and o are apart; s2 copies s; both holds s and o whole,
// so it joins their clusters.
func mergeInput(t *testing.T) string {
	return line(t, "s", story) + line(t, "o", other) + line(t, "s2", "UPDATED: "+story) +
		line(t, "both", story+"\n\n"+other)
}

// TestStreamClustersMerge: an article that matches two clusters merges
// them under the earlier one, and says so.
func TestStreamClustersMerge(t *testing.T) {
	got := runJSON(t, mergeInput(t))
	require.Len(t, got, 4)
	assert.Equal(t, []string{"s", "o", "s", "s"}, clusters(got))
	assert.True(t, got[1].New)
	assert.Equal(t, "s", got[2].CopyOf)
	assert.Equal(t, []string{"o"}, got[3].Merged)
	assert.Nil(t, got[2].Merged)
	for _, a := range got {
		assert.Empty(t, a.Attached, a.ID)
		assert.Empty(t, a.Foreign, a.ID)
	}
}

// TestStreamJSONFields: the JSON names of the fields the package doc
// promises; "cluster" is there for a new article too.
func TestStreamJSONFields(t *testing.T) {
	var out, errs bytes.Buffer
	require.NoError(t, run([]string{"-json"}, strings.NewReader(mergeInput(t)), &out, &errs))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4)
	var first, last map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[3]), &last))
	assert.Equal(t, "s", first["cluster"])
	assert.Equal(t, true, first["new"])
	assert.NotContains(t, first, "merged")
	assert.Equal(t, "s", last["cluster"])
	assert.Equal(t, []any{"o"}, last["merged"])
	assert.Contains(t, last, "matches")
	assert.NotContains(t, last, "foreign")
}

// TestStreamText: the text output gives the cluster on each article's
// line and a line for the clusters merged.
func TestStreamText(t *testing.T) {
	var out, errs bytes.Buffer
	require.NoError(t, run(nil, strings.NewReader(mergeInput(t)), &out, &errs))
	assert.Empty(t, errs.String())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 5, out.String())
	assert.Equal(t, "s\tnew\tcluster s", lines[0])
	assert.Equal(t, "o\tnew\tcluster o", lines[1])
	assert.Regexp(t, `^s2\tcopy of s\t[01]\.\d{3}\tcluster s$`, lines[2])
	assert.Regexp(t, `^both\tcopy of [so]\t[01]\.\d{3}\tcluster s$`, lines[3])
	assert.Equal(t, "\tmerged clusters [o] into s", lines[4])
}

// TestStreamAttached: a short article read first, found later inside a
// longer one by containment alone (a trimmed copy), is attached to the
// longer one's cluster, which takes the short one's name.
func TestStreamAttached(t *testing.T) {
	trim := "The city council voted on Tuesday to close the old bridge over the river " +
		"after engineers found deep cracks in two of its piers."
	in := line(t, "trim", trim) + line(t, "o", other) + line(t, "full", story+"\n\n"+third)
	// At 0.3 the pair (similarity about 0.22, containment 1) is a copy
	// by containment alone.
	got := runJSON(t, in, "-threshold", "0.3")
	require.Len(t, got, 3)
	assert.Equal(t, []string{"trim", "o", "trim"}, clusters(got))
	assert.Equal(t, "trim", got[2].CopyOf)
	assert.Equal(t, []string{"trim"}, got[2].Attached)
	assert.Empty(t, got[2].Merged)

	var out, errs bytes.Buffer
	require.NoError(t, run([]string{"-threshold", "0.3"}, strings.NewReader(in), &out, &errs))
	assert.Contains(t, out.String(), "\tcluster trim\n\tattached [trim] to cluster trim\n")
}

// TestStreamIndexResume: with -index, clusters (merges included) go on
// from one run to the next.
func TestStreamIndexResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stream.idx")
	got := runJSON(t, line(t, "s", story)+line(t, "o", other), "-index", path)
	assert.Equal(t, []string{"s", "o"}, clusters(got))

	got = runJSON(t, line(t, "s2", "UPDATED: "+story)+line(t, "both", story+"\n\n"+other), "-index", path)
	require.Len(t, got, 2)
	assert.Equal(t, "s", got[0].CopyOf)
	assert.Equal(t, []string{"s", "s"}, clusters(got))
	assert.Equal(t, []string{"o"}, got[1].Merged)
	assert.Empty(t, got[0].Foreign)
	assert.Empty(t, got[1].Foreign)

	// The merge was saved: a copy of o now joins s's cluster.
	got = runJSON(t, line(t, "o2", "UPDATED: "+other), "-index", path)
	require.Len(t, got, 1)
	assert.Equal(t, "o", got[0].CopyOf)
	assert.Equal(t, "s", got[0].Cluster)
	assert.Empty(t, got[0].Merged, "o's cluster was merged in the run before")
}

// TestStreamForeign: two programs sharing one index (as with -redis)
// find each other's copies, but each keeps its own clusters: an article
// that copies one the other added after this one started is in a cluster
// of its own here, and the match is listed as foreign.
func TestStreamForeign(t *testing.T) {
	cfg := dedup.Config{}
	store, err := dedup.NewMemoryStore(cfg)
	require.NoError(t, err)
	testForeign(t, func() dedup.Store { return store })
}

// testForeign runs TestStreamForeign on two Dedupers over the stores
// open returns, which must share one index.
func testForeign(t *testing.T, open func() dedup.Store) {
	cfg := dedup.Config{}
	deduper := func() *dedup.Deduper {
		ix, err := dedup.NewIndexWithStore(cfg, open())
		require.NoError(t, err)
		d, err := dedup.NewWithIndex(cfg, ix)
		require.NoError(t, err)
		return d
	}
	a, b := deduper(), deduper()
	streamJSON := func(d *dedup.Deduper, in string) []answer {
		var out, errs bytes.Buffer
		require.NoError(t, stream(d, true, strings.NewReader(in), &out, &errs))
		assert.Empty(t, errs.String())
		return decode(t, &out)
	}
	got := streamJSON(a, line(t, "s", story)+line(t, "o", other))
	assert.Equal(t, []string{"s", "o"}, clusters(got))
	got = streamJSON(b, line(t, "s2", "UPDATED: "+story)+line(t, "s3", "BREAKING: "+story))
	require.Len(t, got, 2)
	assert.False(t, got[0].New)
	assert.Equal(t, "s", got[0].CopyOf, "the other process's article is matched")
	assert.Equal(t, "s2", got[0].Cluster, "but its cluster is not known here")
	assert.Equal(t, []string{"s"}, got[0].Foreign)
	assert.Equal(t, "s2", got[1].Cluster)
	assert.ElementsMatch(t, []string{"s", "s2"}, matchIDs(got[1]))
	assert.Equal(t, []string{"s"}, got[1].Foreign)
	assert.Empty(t, got[1].Merged)

	var out, errs bytes.Buffer
	require.NoError(t, stream(b, false, strings.NewReader(line(t, "s4", "LATEST: "+story)), &out, &errs))
	assert.Contains(t, out.String(), "\tcluster s2\n\tmatched [s] of another process: not in cluster s2\n")
}

func matchIDs(a answer) []string {
	var ids []string
	for _, m := range a.Matches {
		ids = append(ids, m.ID)
	}
	return ids
}

// TestStreamRedis: with -redis, two instances side by side (as
// TestStreamForeign), and a run after another on one namespace: the
// articles already in Redis are each alone in a cluster that copies read
// here join (skipped without NEARDUP_REDIS_URL).
func TestStreamRedis(t *testing.T) {
	url := os.Getenv("NEARDUP_REDIS_URL")
	if url == "" {
		t.Skip("NEARDUP_REDIS_URL is not set: run `eval \"$(bash .ci/redis.sh start)\"` to run the Redis tests")
	}
	ctx := context.Background()
	namespace := func(t *testing.T) string {
		ns := fmt.Sprintf("test.stream.%s.%d.%d", t.Name(), os.Getpid(), time.Now().UnixNano())
		ns = strings.ReplaceAll(ns, "/", ".")
		t.Cleanup(func() {
			s, err := redisstore.OpenURL(ctx, url, ns, dedup.Config{}, nil)
			if err != nil {
				t.Errorf("open %s to drop it: %v", ns, err)
				return
			}
			defer s.Close()
			if err := s.Drop(ctx); err != nil {
				t.Errorf("drop %s: %v", ns, err)
			}
		})
		return ns
	}
	t.Run("side by side", func(t *testing.T) {
		ns := namespace(t)
		testForeign(t, func() dedup.Store {
			s, err := redisstore.OpenURL(ctx, url, ns, dedup.Config{}, nil)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("one run after another", func(t *testing.T) {
		args := []string{"-redis", url, "-namespace", namespace(t)}
		got := runJSON(t, line(t, "s", story)+line(t, "o", other), args...)
		assert.Equal(t, []string{"s", "o"}, clusters(got))
		got = runJSON(t, line(t, "s2", "UPDATED: "+story)+line(t, "o2", "UPDATED: "+other), args...)
		require.Len(t, got, 2)
		assert.Equal(t, "s", got[0].CopyOf)
		assert.Equal(t, []string{"s", "o"}, clusters(got), "the articles in Redis have clusters here")
		assert.Empty(t, got[0].Foreign)
		assert.Empty(t, got[1].Foreign)
	})
}

func TestStreamRejectsFileArguments(t *testing.T) {
	var out, errs bytes.Buffer
	err := run([]string{"articles.jsonl"}, strings.NewReader(""), &out, &errs)
	assert.ErrorContains(t, err, "standard input")
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
		assert.True(t, articles.Skippable(err), "%v", err)
	}
	assert.False(t, articles.Skippable(errors.New("redisstore: redis unavailable: candidates: connection refused")))
	assert.False(t, articles.Skippable(fmt.Errorf("wrapped: %w", dedup.ErrConfigMismatch)))
}
