package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const story = "The city council voted on Tuesday to close the old river bridge for repairs, " +
	"citing cracks found by inspectors in the main supports last month. The mayor said the " +
	"bridge would reopen in the spring and that buses would be rerouted across the northern " +
	"crossing while the work goes on. Shop owners near the bridge said they feared losing customers."

const other = "A rare orchid that botanists had thought extinct for forty years was found " +
	"growing on a cliff in the southern mountains, researchers announced, after a hiker sent " +
	"photographs to the national herbarium. Seeds will be stored in a vault."

func TestRunClusters(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	out := filepath.Join(dir, "out.jsonl")
	lines := []map[string]string{
		{"id": "a", "text": story, "cluster": "s"},
		{"id": "b", "text": story + " Reporting by the wire.", "cluster": "s"},
		{"id": "c", "text": other, "cluster": ""},
		{"id": "d", "text": "", "cluster": ""},
	}
	var sb strings.Builder
	for _, l := range lines {
		b, _ := json.Marshal(l)
		sb.Write(b)
		sb.WriteByte('\n')
	}
	sb.WriteString("not json\n")
	if err := os.WriteFile(in, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"oph", "minwise"} {
		s, err := run(context.Background(), options{in: in, out: out, method: method, workers: 2}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]string
		for l := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
			var c struct {
				Representative string   `json:"representative"`
				Size           int      `json:"size"`
				Members        []string `json:"members"`
			}
			if err := json.Unmarshal([]byte(l), &c); err != nil {
				t.Fatalf("%s: bad output line %q: %v", method, l, err)
			}
			if !slices.Contains(c.Members, c.Representative) || c.Size != len(c.Members) {
				t.Errorf("%s: inconsistent cluster %q", method, l)
			}
			got = append(got, c.Members)
		}
		want := [][]string{{"a", "b"}, {"c"}, {"d"}}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s: clusters %v, want %v", method, got, want)
		}
		if s.Articles != 4 || s.Skipped != 1 || s.Clusters != 3 || s.Multi != 1 {
			t.Errorf("%s: summary %+v", method, s)
		}
		if !s.HaveTruth || s.Precision != 1 || s.Recall != 1 {
			t.Errorf("%s: precision %v recall %v (truth %v)", method, s.Precision, s.Recall, s.HaveTruth)
		}
	}
}

// TestRunLabelsAndWhitespace: a null or absent label counts as a copy of
// nothing (as in bench/quality), a file with no label at all is not
// scored, and a line that starts with space JSON does not allow is bad.
func TestRunLabelsAndWhitespace(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	out := filepath.Join(dir, "out.jsonl")
	a, _ := json.Marshal(map[string]string{"id": "a", "text": story, "cluster": "s"})
	b, _ := json.Marshal(map[string]string{"id": "b", "text": story + " Reporting by the wire.", "cluster": "s"})
	c, _ := json.Marshal(map[string]any{"id": "c", "text": other, "cluster": nil})
	e, _ := json.Marshal(map[string]string{"id": "e", "text": other + " Seeds will be planted."})
	write := func(lines ...string) {
		t.Helper()
		if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(string(a), string(b), string(c), " \t"+string(e)+"\r")
	s, err := run(context.Background(), options{in: in, out: out, method: "oph", workers: 2}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// c and e are copies of each other, but labelled as copies of nothing:
	// their pair is a false positive.
	if !s.HaveTruth || s.Skipped != 0 || s.TruePairs != 1 || s.FoundTP != 1 || s.FoundPairs != 2 {
		t.Errorf("null and absent labels: %+v", s)
	}

	// Two unlabelled articles under one ID (bigjob takes repeated IDs)
	// are two copies of nothing, not one story.
	n1, _ := json.Marshal(map[string]string{"id": "n", "text": other})
	write(string(a), string(n1), strings.Replace(string(e), `"id":"e"`, `"id":"n"`, 1))
	if s, err = run(context.Background(), options{in: in, out: out, method: "oph", workers: 2}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !s.HaveTruth || s.TruePairs != 0 || s.FoundTP != 0 || s.FoundPairs != 1 {
		t.Errorf("unlabelled articles sharing an ID: %+v", s)
	}

	write(`{"id":"x","text":"a b c d"}`, `{"id":"y","text":"e f g h","cluster":null}`)
	if s, err = run(context.Background(), options{in: in, out: out, method: "oph", workers: 2}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if s.HaveTruth {
		t.Errorf("unlabelled file scored: %+v", s)
	}

	write("\v"+string(a), "\u00a0"+string(b), string(c))
	if s, err = run(context.Background(), options{in: in, out: out, method: "oph", workers: 2}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if s.Skipped != 2 || s.Articles != 1 {
		t.Errorf("lines led by \\v and NBSP: %+v", s)
	}
}

// TestRunCancelled: a cancelled run returns context.Canceled and leaves no
// output file behind.
func TestRunCancelled(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	out := filepath.Join(dir, "out.jsonl")
	var sb strings.Builder
	for i := range 3000 {
		b, _ := json.Marshal(map[string]string{"id": strings.Repeat("x", i%7+1), "text": story})
		sb.Write(b)
		sb.WriteByte('\n')
	}
	if err := os.WriteFile(in, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := run(ctx, options{in: in, out: out, method: "oph", workers: 2}, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output written by a cancelled run: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".out.jsonl.tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
