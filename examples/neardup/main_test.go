package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/examples/internal/articles"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command line args with stdin, stderr not a terminal.
func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runEnv(t, context.Background(), stdin, false, args...)
}

func runEnv(t *testing.T, ctx context.Context, stdin string, terminal bool, args ...string) result {
	t.Helper()
	var out, errs bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errs, terminal: terminal, now: time.Now}
	code := run(ctx, args, e)
	return result{code, out.String(), errs.String()}
}

// kandahar returns the five Kandahar articles, in file order.
func kandahar(t *testing.T) []dedup.Article {
	t.Helper()
	docs, err := articles.FromPaths([]string{articles.Kandahar()}, nil)
	require.NoError(t, err)
	require.Len(t, docs, 5)
	return docs
}

// short is the three-digit prefix of a Kandahar ID (000 ... 004).
func short(id string) string { return id[:3] }

// kandaharJSONL returns the Kandahar articles as JSON Lines, with the
// fields in an unusual order, extra fields (url, a nested object) and
// spacing that a re-encoding would change, so that a test can tell
// whether lines are copied unchanged. The time of each is the date
// written at the head of its text (12 or 13 August 2021).
func kandaharJSONL(t *testing.T, idField, textField string) (lines []string) {
	t.Helper()
	for i, a := range kandahar(t) {
		text, err := json.Marshal(a.Text)
		require.NoError(t, err)
		day := "2021-08-13"
		if short(a.ID) == "004" {
			day = "2021-08-12"
		}
		lines = append(lines, `{ "url" : "https://example.com/`+a.ID+`", "meta": {"n": `+string(rune('0'+i))+`},  "`+
			textField+`": `+string(text)+`, "`+idField+`": "`+a.ID+`", "time": "`+day+`T0`+string(rune('0'+i))+`:00:00Z"}`)
	}
	return lines
}

func join(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// apCluster returns the library's representative of the cluster of the
// two AP copies, 000 and 001, clustered under the default Config.
func apCluster(t *testing.T) (rep, other string) {
	t.Helper()
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	res, err := d.Cluster(kandahar(t))
	require.NoError(t, err)
	for _, c := range res.Clusters {
		if len(c.Members) == 2 {
			require.ElementsMatch(t, []string{"000", "001"}, []string{short(c.Members[0]), short(c.Members[1])})
			rep = c.Representative
			other = c.Members[0]
			if other == rep {
				other = c.Members[1]
			}
			return rep, other
		}
	}
	t.Fatal("the library does not join 000 and 001")
	return "", ""
}

// TestDedupKandahar: of the five Kandahar articles, dedup keeps four: it
// drops one of the two AP copies (000 and 001 are one cluster, README of
// the seeds), keeping the one the library names the representative, and
// writes the kept lines byte for byte.
func TestDedupKandahar(t *testing.T) {
	in := kandaharJSONL(t, "id", "text")
	path := filepath.Join(t.TempDir(), "k.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(join(in)), 0o644))
	rep, dropped := apCluster(t)

	report := filepath.Join(t.TempDir(), "dropped.jsonl")
	r := runCmd(t, "", "dedup", "-report", report, path)
	require.Equal(t, 0, r.code, r.stderr)
	out := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, out, 4)
	var want []string
	for _, l := range in {
		if !strings.Contains(l, `"id": "`+dropped+`"`) {
			want = append(want, l)
		}
	}
	assert.Equal(t, want, out, "the kept lines, unchanged and in input order")
	assert.Contains(t, r.stderr, "kept 4 of 5 articles (1 dropped, 4 clusters)")

	b, err := os.ReadFile(report)
	require.NoError(t, err)
	var drops []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var d map[string]any
		require.NoError(t, dec.Decode(&d))
		drops = append(drops, d)
	}
	require.Len(t, drops, 1)
	d := drops[0]
	assert.Equal(t, dropped, d["dropped"])
	assert.Equal(t, rep, d["kept"])
	lineOf := map[string]float64{"000": 1, "001": 2}
	assert.Equal(t, lineOf[short(dropped)], d["line"])
	assert.Equal(t, lineOf[short(rep)], d["kept_line"])
	// Their word 3-gram Jaccard is 0.27 (README of the seeds), over the
	// default threshold 0.2: a copy by the threshold, not a rewrite.
	assert.Equal(t, "copy", d["reason"])
	assert.InDelta(t, 0.27, d["similarity"], 0.01)
	assert.NotContains(t, d, "via")
	assert.NotContains(t, d, "file", "one input: no file names")
}

// TestDedupStdin: stdin ("-" or no argument) gives what the file gives
// (stdin goes through a temporary copy), and the report goes to stderr.
func TestDedupStdin(t *testing.T) {
	in := join(kandaharJSONL(t, "id", "text"))
	path := filepath.Join(t.TempDir(), "k.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(in), 0o644))
	fromFile := runCmd(t, "", "dedup", path)
	require.Equal(t, 0, fromFile.code, fromFile.stderr)
	for _, args := range [][]string{{"dedup"}, {"dedup", "-"}} {
		r := runCmd(t, in, args...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, fromFile.stdout, r.stdout)
		assert.Equal(t, fromFile.stderr, r.stderr)
	}
	rep, dropped := apCluster(t)
	assert.Regexp(t, `^dropped line \d \(`+dropped+`\): copy of line \d \(`+rep+`\), similarity 0\.2\d\d, containment 0\.\d{3}\n`, fromFile.stderr)
}

// TestDedupOutputFile: -o writes the file whole, and an interrupted run
// leaves none (and no temporary file beside it).
func TestDedupOutputFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "k.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(join(kandaharJSONL(t, "id", "text"))), 0o644))
	out := filepath.Join(dir, "out.jsonl")
	r := runCmd(t, "", "dedup", "-o", out, in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(b), "\n"))
	require.NoError(t, os.Remove(out))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r = runEnv(t, ctx, "", false, "dedup", "-o", out, "-report", filepath.Join(dir, "r.jsonl"), in)
	assert.Equal(t, 130, r.code)
	assert.Contains(t, r.stderr, "interrupted")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the input is left")
	assert.Equal(t, "k.jsonl", entries[0].Name())

	// Flags may follow the input; after "--" every argument is a file.
	r = runCmd(t, "", "dedup", in, "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	require.NoError(t, os.Remove(out))
	r = runCmd(t, "", "dedup", "--", in, "-o")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "-o: no such file")

	// -o may name the input: it is replaced only once read twice.
	r = runCmd(t, "", "dedup", "-o", in, in)
	require.Equal(t, 0, r.code, r.stderr)
	b, err = os.ReadFile(in)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(b), "\n"))
}

// TestDedupRepeatsAndLineIDs: in dedup IDs may repeat (every line is an
// article), and -id-field "" numbers the lines.
func TestDedupRepeatsAndLineIDs(t *testing.T) {
	story := "The city council voted on Tuesday to close the old bridge over the river after engineers found deep cracks in two of its piers."
	other := "A late frost damaged most of the apple blossoms in the valley this spring, and growers expect half a harvest."
	in := `{"id":"x","text":"` + story + `"}` + "\n" + `{"id":"x","text":"` + story + `"}` + "\n" + `{"id":"y","text":"` + other + `"}` + "\n"
	r := runCmd(t, in, "dedup")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 2, strings.Count(r.stdout, "\n"))
	assert.Contains(t, r.stderr, "dropped line 2 (x): copy of line 1 (x), similarity 1.000")

	r = runCmd(t, `{"text":"`+story+`"}`+"\n\n"+`{"text":"UPDATED: `+story+`"}`+"\n", "dedup", "-id-field", "")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "dropped line 3 (3): copy of line 1 (1)")
}

// TestClusterJSON: cluster -json with no argument clusters the Kandahar
// articles, and its output parses.
func TestClusterJSON(t *testing.T) {
	r := runCmd(t, "", "cluster", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	var res struct {
		dedup.Clustering
		Config dedup.Config `json:"config"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	assert.Equal(t, dedup.DefaultThreshold, res.Config.Threshold)
	require.Len(t, res.Clusters, 4)
	var n int
	for _, c := range res.Clusters {
		n += len(c.Members)
		if len(c.Members) == 2 {
			assert.Equal(t, []string{"000", "001"}, []string{short(c.Members[0]), short(c.Members[1])})
		}
	}
	assert.Equal(t, 5, n)
}

// TestClusterFields: JSON Lines with other field names, from a file and
// stdin together; the text output lists the clusters.
func TestClusterFields(t *testing.T) {
	lines := kandaharJSONL(t, "doc_id", "body")
	path := filepath.Join(t.TempDir(), "first.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(join(lines[:2])), 0o644))
	r := runCmd(t, join(lines[2:]), "cluster", "-id-field", "doc_id", "-text-field", "body", path, "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "5 articles, 4 clusters (threshold 0.20")
	assert.Regexp(t, `cluster 1: 2 article\(s\), representative 00[01]_\w+\n  000_\w+\n  001_\w+\n  pair 000_\w+ ~ 001_\w+  similarity 0\.2`, r.stdout)

	// With the default fields, those lines have no "text".
	r = runCmd(t, "", "cluster", path)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "neardup cluster: line 1: no \"text\" field\n", r.stderr)
	r = runCmd(t, "", "cluster", "-text-field", "body", path)
	assert.Equal(t, "neardup cluster: line 1: no \"id\" field\n", r.stderr)
}

// TestClusterIndex: with -index, a second run reports the copy of an
// article of the first.
func TestClusterIndex(t *testing.T) {
	dir := t.TempDir()
	k := kandahar(t)
	files := map[string]string{}
	for _, a := range k {
		files[short(a.ID)] = filepath.Join(articles.Kandahar(), a.ID+".txt")
	}
	index := filepath.Join(dir, "index.ndx")
	r := runCmd(t, "", "cluster", "-index", index, files["000"], files["002"])
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "earlier run")
	r = runCmd(t, "", "cluster", "-index", index, "-json", files["001"], files["004"])
	require.Equal(t, 0, r.code, r.stderr)
	var res struct {
		Earlier []seen `json:"earlier"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res.Earlier, 1, r.stdout)
	assert.Equal(t, "001", short(res.Earlier[0].ID))
	assert.Equal(t, "000", short(res.Earlier[0].CopyOf))
}

// TestBadInput: plain messages with line numbers (and file names with
// several inputs), exit status 1, no panic on invalid UTF-8.
func TestBadInput(t *testing.T) {
	good := `{"id":"a","text":"The council closed the old bridge after engineers found cracks."}` + "\n"
	dir := t.TempDir()
	two := filepath.Join(dir, "two.jsonl")
	require.NoError(t, os.WriteFile(two, []byte(strings.Replace(good, `"a"`, `"b"`, 1)+"\n"+"{oops\n"), 0o644))
	for _, tc := range []struct {
		name, in string
		args     []string
		want     string
	}{
		{"not JSON", good + "\n" + "hello world\n", nil, `line 3: not a JSON object`},
		{"an array", good + "[1, 2]\n", nil, `line 2: not a JSON object`},
		{"cut short", good + `{"id":"b","text":"unfinished` + "\n", nil, `line 2: not a JSON object`},
		{"no text", good + strings.Replace(good, `"a"`, `"b"`, 1) + "\n" + `{"id":"d"}` + "\n", nil, `line 4: no "text" field`},
		{"null text", `{"id":"d","text":null}`, nil, `line 1: no "text" field`},
		{"text a number", `{"id":"d","text":3}`, nil, `line 1: "text" is not a string`},
		{"no id", `{"text":"x y"}`, nil, `line 1: no "id" field`},
		{"empty id", `{"id":"","text":"x y"}`, nil, `line 1: empty "id"`},
		{"custom field", good, []string{"-text-field", "body"}, `line 1: no "body" field`},
		{"empty", "", nil, "no articles in the input"},
		{"blank lines only", "\n  \n\n", nil, "no articles in the input"},
		{"invalid UTF-8 outside a string", good + "{\"id\":\"b\",\xff\"text\":\"x\"}\n", nil, `line 2: not a JSON object`},
		{"several files", "", []string{"-", two}, two + `: line 3: not a JSON object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range []string{"dedup", "cluster"} {
				args := append([]string{cmd}, tc.args...)
				if len(tc.args) == 0 || tc.args[0] != "-" {
					args = append(args, "-")
				}
				in := tc.in
				if tc.name == "several files" {
					in = good
				}
				r := runCmd(t, in, args...)
				assert.Equal(t, 1, r.code, "%s: %s", cmd, r.stderr)
				assert.Equal(t, "neardup "+cmd+": "+tc.want+"\n", r.stderr, cmd)
				assert.Empty(t, r.stdout, cmd)
			}
		})
	}

	// Invalid UTF-8 inside the text is read (as U+FFFD) and the line is
	// kept unchanged.
	in := "{\"id\":\"a\",\"text\":\"caf\xff\xfe au lait, one two three four\"}\n"
	r := runCmd(t, in, "dedup")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, in, r.stdout)
	r = runCmd(t, in+"\xff\xfe\n", "stream")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "a\tnew\tcluster a\n")
	assert.Contains(t, r.stderr, "line 2: not a JSON object (skipped)")
}

// TestCompare: two AP copies are a copy by the threshold; two wires'
// reports of one event are not; a trimmed copy is one by the containment
// rule alone.
func TestCompare(t *testing.T) {
	dir := articles.Kandahar()
	file := map[string]string{}
	for _, a := range kandahar(t) {
		file[short(a.ID)] = filepath.Join(dir, a.ID+".txt")
	}
	r := runCmd(t, "", "compare", file["000"], file["001"])
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "copy: the Jaccard similarity 0.270 reaches the threshold 0.20\n")
	assert.Regexp(t, `Jaccard similarity, exact +0\.270 `, r.stdout)

	r = runCmd(t, "", "compare", "-json", file["000"], file["002"])
	require.Equal(t, 0, r.code, r.stderr)
	var c comparison
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c))
	assert.False(t, c.Copy)
	assert.Empty(t, c.Rule)
	assert.Less(t, c.Exact.Similarity, 0.05, "other wires share almost no 3-grams (README of the seeds)")
	assert.True(t, strings.HasPrefix(c.Why, "not a copy: "), c.Why)

	// 003 reuses some AP sentences: not a copy, but related.
	r = runCmd(t, "", "compare", "-json", file["000"], file["003"])
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c))
	assert.False(t, c.Copy)
	assert.Greater(t, c.Related, 0.0)

	// The first seventh of 002, cut at a sentence end, is inside 002 but
	// under the threshold (as examples/cluster's TestIndexFindsTrimmedCopy
	// measures): the containment rule joins it, not the threshold.
	orig, err := os.ReadFile(file["002"])
	require.NoError(t, err)
	cut := len(orig) / 7
	cut += strings.Index(string(orig[cut:]), ". ") + 1
	trimmed := filepath.Join(t.TempDir(), "trimmed.txt")
	require.NoError(t, os.WriteFile(trimmed, orig[:cut], 0o644))
	r = runCmd(t, "", "compare", "-json", file["002"], trimmed)
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c))
	require.Less(t, c.Exact.Similarity, dedup.DefaultThreshold)
	assert.True(t, c.Copy)
	assert.Equal(t, "containment", c.Rule)
	// With that rule off, the heavy-rewrite rule takes it (every
	// sentence of the trimmed copy is in 002); with both off, it is not
	// a copy.
	r = runCmd(t, "", "compare", "-json", "-no-containment", file["002"], trimmed)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c))
	assert.True(t, c.Copy, c.Why)
	assert.Equal(t, "rewrite", c.Rule)
	require.NotNil(t, c.Pair)
	assert.Greater(t, c.Pair.Coverage, 0.5)
	r = runCmd(t, "", "compare", "-json", "-no-containment", "-no-rewrites", file["002"], trimmed)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &c))
	assert.False(t, c.Copy, c.Why)
	// Its sentences are all in 002: the partial relation sees them.
	assert.Equal(t, "not a copy: the Jaccard similarity "+strconv.FormatFloat(c.Exact.Similarity, 'f', 3, 64)+
		" is under the threshold 0.20; they share some sentences (partial reuse, score "+strconv.FormatFloat(c.Related, 'f', 3, 64)+")", c.Why)
	assert.Greater(t, c.Related, 0.5)

	// Texts as arguments, and stdin.
	story := "The city council voted on Tuesday to close the old bridge over the river after engineers found deep cracks in two of its piers."
	r = runCmd(t, "UPDATED: "+story, "compare", story, "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "copy: the Jaccard similarity")
	r = runCmd(t, "", "compare", file["000"], "no-such-file.txt")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no-such-file.txt: no such file")
}

// TestStreamTimes: over JSON Lines with times, the two AP copies are in
// one cluster; with a window shorter than the time between them, the
// first is forgotten and the second is new.
func TestStreamTimes(t *testing.T) {
	in := join(kandaharJSONL(t, "id", "text")) // 000 at 00:00, 001 at 01:00
	r := runCmd(t, in, "stream", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	got := decodeAnswers(t, r.stdout)
	require.Len(t, got, 5)
	cluster := map[string]string{}
	for _, a := range got {
		cluster[short(a.ID)] = a.Cluster
	}
	assert.Equal(t, cluster["000"], cluster["001"])
	assert.False(t, got[1].New)
	for _, id := range []string{"002", "003", "004"} {
		assert.NotEqual(t, cluster["000"], cluster[id], id)
	}

	r = runCmd(t, in, "stream", "-json", "-window", "2h")
	got = decodeAnswers(t, r.stdout)
	require.Len(t, got, 5)
	assert.False(t, got[1].New, "001 comes an hour after 000, inside the window")

	r = runCmd(t, in, "stream", "-json", "-window", "30m")
	got = decodeAnswers(t, r.stdout)
	require.Len(t, got, 5)
	assert.True(t, got[1].New, "000 is out of the window when 001 comes")

	// Text output and a custom time field.
	in = strings.ReplaceAll(in, `"time":`, `"published":`)
	r = runCmd(t, in, "stream", "-time-field", "published", "-window", "30m")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `(?m)^001_\w+\tnew\tcluster 001_\w+$`, r.stdout)
	r = runCmd(t, `{"id":"a","text":"x y z","time":"yesterday"}`+"\n", "stream")
	assert.Contains(t, r.stderr, `line 1: "time": "yesterday" is not a time`)
}

func decodeAnswers(t *testing.T, s string) []answer {
	t.Helper()
	var got []answer
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var a answer
		require.NoError(t, dec.Decode(&a))
		got = append(got, a)
	}
	return got
}

// TestStreamIndex: -index carries the articles (and clusters) over.
func TestStreamIndex(t *testing.T) {
	lines := kandaharJSONL(t, "id", "text")
	index := filepath.Join(t.TempDir(), "s.ndx")
	r := runCmd(t, lines[0]+"\n", "stream", "-index", index)
	require.Equal(t, 0, r.code, r.stderr)
	r = runCmd(t, lines[1]+"\n", "stream", "-index", index, "-json")
	require.Equal(t, 0, r.code, r.stderr)
	got := decodeAnswers(t, r.stdout)
	require.Len(t, got, 1)
	assert.Equal(t, "000", short(got[0].CopyOf))
	assert.Equal(t, "000", short(got[0].Cluster))
}

// TestUsage: usage errors exit with 2, -h with 0.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"dedup", "-bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"dedup", "-threshold", "2"}, 2, "Threshold"},
		{[]string{"compare", "a"}, 2, "compare takes two articles"},
		{[]string{"compare", "-", "-"}, 2, "only one of A and B"},
		{[]string{"stream", "-ttl", "1h"}, 2, "-ttl needs -redis"},
		{[]string{"stream", "-window", "soon"}, 2, "not a duration"},
		{[]string{"stream", "-index", "x", "-redis", "redis://127.0.0.1:1/0"}, 2, "exclude each other"},
	} {
		r := runCmd(t, "", tc.args...)
		assert.Equal(t, tc.code, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
	r := runCmd(t, "", "-h")
	assert.Equal(t, 0, r.code)
	for _, cmd := range []string{"cluster", "dedup", "stream", "compare"} {
		assert.Regexp(t, `\n  neardup `+cmd+` +\[flags\] `, r.stdout)
		r := runCmd(t, "", cmd, "-h")
		assert.Equal(t, 0, r.code, cmd)
		assert.Contains(t, r.stdout, "Usage: neardup "+cmd, cmd)
		assert.Contains(t, r.stdout, "-threshold", cmd)
	}
}

// TestProgressLine: the meter's line from a fake clock: rate, share of
// the input and time left while reading, then the library's stages; a
// stage change shows at once, other updates at most every 200 ms, and
// "done" clears the line.
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2021, 8, 13, 0, 0, 0, 0, time.UTC)
	e := &env{stderr: &buf, terminal: true, now: func() time.Time { return clock }}
	m := newMeter(e, 4_000_000)
	clock = clock.Add(2 * time.Second)
	m.bytes.Store(1_000_000)
	for range 3000 {
		m.article()
	}
	// The first call showed a line, the others came within 200 ms.
	assert.Equal(t, 1, strings.Count(buf.String(), "\r"))
	assert.Equal(t, "reading: 3,000 articles, 1,500/s, 1.0 MB of 4.0 MB (25%), 6s left [2s]", m.line(clock))

	m.progress(dedup.Progress{Stage: "read", Done: 4000, Total: 4000})
	assert.Equal(t, "read 4,000 articles; indexing them (no progress reported) [2s]", m.line(clock))
	assert.Equal(t, 2, strings.Count(buf.String(), "\r"), "the end of reading shows at once")
	clock = clock.Add(time.Second)
	m.progress(dedup.Progress{Stage: "pairs", Done: 0, Total: 800})
	clock = clock.Add(time.Second)
	m.progress(dedup.Progress{Stage: "pairs", Done: 200, Total: 800})
	assert.Equal(t, "pairs: 200 of 800 (25%), 3s left [4s]", m.line(clock))
	assert.Equal(t, 4, strings.Count(buf.String(), "\r"))
	assert.True(t, strings.HasSuffix(buf.String(), "\rpairs: 200 of 800 (25%), 3s left [4s]\x1b[K"), "%q", buf.String())
	m.progress(dedup.Progress{Stage: "done"})
	assert.True(t, strings.HasSuffix(buf.String(), "\r\x1b[K"), "cleared")

	// Unknown size: no share, no time left.
	m = newMeter(e, 0)
	clock = clock.Add(10 * time.Second)
	m.article()
	assert.Equal(t, "reading: 1 article, 0.1/s [10s]", m.line(clock))

	// Not a terminal: nothing.
	buf.Reset()
	e.terminal = false
	m = newMeter(e, 100)
	m.article()
	m.progress(dedup.Progress{Stage: "pairs", Done: 1, Total: 2})
	m.stop()
	assert.Empty(t, buf.String())
}

// TestProgressRun: a run shows progress on stderr only when it is a
// terminal, and clears it before the summary.
func TestProgressRun(t *testing.T) {
	in := join(kandaharJSONL(t, "id", "text"))
	r := runEnv(t, context.Background(), in, true, "dedup")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "\rreading: ")
	assert.Contains(t, r.stderr, "\r\x1b[K")
	assert.True(t, strings.HasSuffix(r.stderr, "kept 4 of 5 articles (1 dropped, 4 clusters)\n"))
	r = runEnv(t, context.Background(), in, false, "dedup")
	assert.NotContains(t, r.stderr, "\r")
	assert.NotContains(t, r.stderr, "reading")
}

// TestDedupKeepsRepresentative: dedup keeps the library's representative
// of a cluster, which need not be its first article: here a full story
// between its first and its second half (each half is paired with the
// full story only, so the full story has the largest sum).
func TestDedupKeepsRepresentative(t *testing.T) {
	first := "The city council voted on Tuesday to close the old bridge over the river after engineers found deep cracks in two of its piers. " +
		"Traffic will move to the northern crossing while the state decides whether to repair or replace it. " +
		"The mayor said the closure would last at least six months and asked drivers to plan for delays."
	second := "Shop owners near the bridge said they feared losing customers during the busy summer season. " +
		"The council promised a fund of two million dollars to help businesses that lose trade because of the closure. " +
		"Engineers will report on the cost of a new bridge by the end of the year."
	docs := []dedup.Article{{ID: "first", Text: first}, {ID: "full", Text: first + " " + second}, {ID: "second", Text: second}}
	d, err := dedup.New(dedup.Config{})
	require.NoError(t, err)
	res, err := d.Cluster(docs)
	require.NoError(t, err)
	require.Len(t, res.Clusters, 1, "the fixture must be one cluster")
	require.Equal(t, "full", res.Clusters[0].Representative, "the fixture's representative must not be the first article")

	var in strings.Builder
	for _, a := range docs {
		b, err := json.Marshal(a)
		require.NoError(t, err)
		in.Write(b)
		in.WriteString("\n")
	}
	r := runCmd(t, in.String(), "dedup")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, strings.Split(in.String(), "\n")[1]+"\n", r.stdout)
	assert.Contains(t, r.stderr, "dropped line 1 (first): ")
	assert.Contains(t, r.stderr, " of line 2 (full)")
	assert.Contains(t, r.stderr, "dropped line 3 (second): ")
	assert.Contains(t, r.stderr, "kept 1 of 3 articles (2 dropped, 1 cluster)")
}

// stall is stdin that gives its data, then cancels the run and blocks
// (as a terminal does until the user types), until the test ends.
type stall struct {
	data   *strings.Reader
	cancel func()
	wait   chan struct{}
}

func (s *stall) Read(p []byte) (int, error) {
	if s.data.Len() > 0 {
		return s.data.Read(p)
	}
	s.cancel()
	<-s.wait
	return 0, context.Canceled
}

// TestStreamInterrupt: a signal (the context cancelled) stops stream
// even while it waits for input; the index is saved with what was
// answered, and the exit status is 130.
func TestStreamInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &stall{data: strings.NewReader(kandaharJSONL(t, "id", "text")[0] + "\n"), cancel: cancel, wait: make(chan struct{})}
	defer close(in.wait)
	index := filepath.Join(t.TempDir(), "s.ndx")
	var out, errs bytes.Buffer
	code := run(ctx, []string{"stream", "-index", index}, &env{stdin: in, stdout: &out, stderr: &errs, now: time.Now})
	assert.Equal(t, 130, code)
	assert.Regexp(t, `^neardup stream: interrupted after [01] articles?; the index is saved with them\n$`, errs.String())
	_, err := dedup.LoadIndex(index, nil)
	assert.NoError(t, err)
}
