package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/neardup/neardup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// story is a text long enough to have a few dozen shingles.
const story = "The city council voted on Tuesday to close the old bridge over the river " +
	"after engineers found deep cracks in two of its piers. Traffic will move to the " +
	"northern crossing while the state decides whether to repair or replace it. " +
	"The mayor said the closure would last at least six months."

const other = "A late frost damaged most of the apple blossoms in the valley this spring, " +
	"and growers now expect a harvest of less than half the usual size. Prices at the " +
	"farmers market have already risen, and several orchards have cut seasonal jobs."

func TestStreamClusters(t *testing.T) {
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	docs := []Document{
		{ID: "a", Text: story},
		{ID: "b", Text: other},
		{ID: "empty", Text: "  ...  "},
		{ID: "a2", Text: "BRIDGE CLOSED — " + strings.Replace(story, "Tuesday", "Monday", 1)},
	}
	for _, pred := range twoOf(streamClusters(d, docs)) {
		assert.Equal(t, pred[0], pred[3], "the copy joins the cluster of the article it copies")
		assert.NotEqual(t, pred[0], pred[1])
		assert.NotEqual(t, pred[0], pred[2])
		assert.NotEqual(t, pred[1], pred[2])
	}

	// The same file in batch and stream mode: both find this copy.
	gold := []string{"s", NoCluster, NoCluster, "s"}
	for _, stream := range []bool{false, true} {
		f, err := evalDocs(dedup.Config{}, docs, gold, stream)
		require.NoError(t, err)
		assert.InDelta(t, 1.0, f.ARI, 1e-9, "stream=%v", stream)
		assert.Equal(t, map[bool]string{false: "docs", true: "stream"}[stream], f.Mode)
	}
}

func TestStreamClustersDuplicateID(t *testing.T) {
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	_, _, err = streamClusters(d, []Document{{ID: "a", Text: story}, {ID: "a", Text: other}})
	assert.ErrorIs(t, err, dedup.ErrDuplicateID)
}

// TestStreamClustersMerge: a document that copies two articles held in
// different clusters merges them when clusters follow every match, and
// joins only its best match when they follow CopyOf.
func TestStreamClustersMerge(t *testing.T) {
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	docs := []Document{
		{ID: "story", Text: story},
		{ID: "other", Text: other},
		{ID: "both", Text: story + "\n\n" + other},
	}
	byMatches, byCopyOf, err := streamClusters(d, docs)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 0, 0}, byMatches)
	assert.Equal(t, 2, countDistinct(byCopyOf))
}

func twoOf(a, b []int, err error) [][]int {
	if err != nil {
		panic(err)
	}
	return [][]int{a, b}
}

func countDistinct(xs []int) int {
	m := map[int]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return len(m)
}

// TestRunMethod runs the command with -method: "oph" signs with
// one-permutation hashing and says so in the JSON line; an unknown
// method is an error.
func TestRunMethod(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs.jsonl")
	lines := []string{
		`{"id":"a","text":` + strconv.Quote(story) + `,"cluster":"s"}`,
		`{"id":"b","text":` + strconv.Quote(other) + `}`,
		`{"id":"a2","text":` + strconv.Quote("BRIDGE CLOSED — "+strings.Replace(story, "Tuesday", "Monday", 1)) + `,"cluster":"s"}`,
	}
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))

	var out strings.Builder
	require.NoError(t, run([]string{"-method", "oph", path}, &out))
	text := strings.TrimSpace(out.String())
	var f docFigures
	require.NoError(t, json.Unmarshal([]byte(text[strings.LastIndexByte(text, '\n')+1:]), &f))
	assert.Equal(t, "oph", f.Method)
	assert.InDelta(t, 1.0, f.ARI, 1e-9)

	out.Reset()
	require.NoError(t, run([]string{path}, &out))
	assert.NotContains(t, out.String(), `"method"`, "the default method is not named")

	err := run([]string{"-method", "sha1", path}, &out)
	require.ErrorIs(t, err, dedup.ErrConfig)
}

// TestMixedCountsCopiesOfNothing: a cluster that joins a story with a
// document labelled as a copy of nothing mixes two stories.
func TestMixedCountsCopiesOfNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs.jsonl")
	lines := []string{
		`{"id":"a","text":` + strconv.Quote(story) + `,"cluster":"s"}`,
		`{"id":"n","text":` + strconv.Quote(story) + `,"cluster":null}`,
		`{"id":"m","text":` + strconv.Quote(other) + `}`,
		`{"id":"m2","text":` + strconv.Quote(other) + `}`,
	}
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	for _, args := range [][]string{{path}, {"-stream", path}} {
		var out strings.Builder
		require.NoError(t, run(args, &out))
		text := strings.TrimSpace(out.String())
		var f docFigures
		require.NoError(t, json.Unmarshal([]byte(text[strings.LastIndexByte(text, '\n')+1:]), &f))
		assert.Equal(t, 2, f.MixedClusters, "%v", args)
		assert.Zero(t, f.PairPrecision, "%v", args)
	}
}

// TestRunPairs runs the pairs mode with both measures: the words measure
// (the default) scores the paraphrase above the threshold and the other
// pair below, and says which measure and folds it used; bad flags are
// errors.
func TestRunPairs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pairs.jsonl")
	lines := []string{
		`{"text1":"The company bought the firm on Monday.","text2":"On Monday the company purchased the firm.","label":1}`,
		`{"text1":"The city council voted to close the old bridge.","text2":"The city council voted to raise parking fees downtown and hire inspectors.","label":0}`,
		`{"text1":"Shares of the bank rose 3 percent in early trading.","text2":"The bank's shares gained 3 percent in early trade.","label":1}`,
		`{"text1":"A late frost damaged the apple blossoms in the valley.","text2":"Growers expect a harvest of less than half the usual size.","label":0}`,
	}
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	last := func(out string) pairFigures {
		text := strings.TrimSpace(out)
		var f pairFigures
		require.NoError(t, json.Unmarshal([]byte(text[strings.LastIndexByte(text, '\n')+1:]), &f))
		return f
	}

	var out strings.Builder
	require.NoError(t, run([]string{"-folds", "2", path}, &out))
	f := last(out.String())
	assert.Equal(t, measureWords, f.Measure)
	assert.Equal(t, dedup.DefaultWordThreshold, f.Threshold)
	assert.False(t, f.Tuned)
	assert.Equal(t, 1.0, f.Accuracy, out.String())
	assert.Equal(t, 2, f.CVFolds)

	out.Reset()
	require.NoError(t, run([]string{"-measure", "shingles", "-tune", path, path}, &out))
	f = last(out.String())
	assert.Equal(t, measureShingles, f.Measure)
	assert.True(t, f.Tuned)
	assert.Zero(t, f.CVFolds)

	for _, args := range [][]string{{"-measure", "cosine", path}, {"-folds", "1", path}, {"-folds", "-2", path}, {"-folds", "5", path}, {"-sweep", "-plot", filepath.Join(t.TempDir(), "p.svg"), path},
		{"-stream", path}, {"-sweep", "-folds", "2", path}, {"-sweep", "-tune", path, path}} {
		assert.Error(t, run(args, &out), "%v", args)
	}

	// Pairs-only flags on a documents file, and -plot without -sweep.
	docs := filepath.Join(t.TempDir(), "docs.jsonl")
	require.NoError(t, os.WriteFile(docs, []byte(`{"id":"a","text":`+strconv.Quote(story)+`,"cluster":"s"}`+"\n"), 0o644))
	require.NoError(t, run([]string{docs}, &out))
	for _, args := range [][]string{{"-folds", "2", docs}, {"-measure", "words", docs}, {"-tune", path, docs}, {"-plot", filepath.Join(t.TempDir(), "p.svg"), docs}} {
		assert.Error(t, run(args, &out), "%v", args)
	}
}
