package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFile writes content to a new file in a temporary directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestLoadDocuments(t *testing.T) {
	path := writeFile(t, "docs.jsonl", "\xef\xbb\xbf"+`{"id":"d1","text":"hello","cluster":"c1","extra":[1,2]}

{"id":"d2","text":"world","cluster":null}
   
{"id":"d3","text":"","cluster":""}
{"text":"x4","id":"d4"}`) // no trailing newline
	docs, err := LoadDocuments(path)
	require.NoError(t, err)
	assert.Equal(t, []Document{
		{ID: "d1", Text: "hello", Cluster: "c1"},
		{ID: "d2", Text: "world", Cluster: NoCluster},
		{ID: "d3", Text: "", Cluster: NoCluster},
		{ID: "d4", Text: "x4", Cluster: NoCluster},
	}, docs)
	assert.Equal(t, []string{"c1", NoCluster, NoCluster, NoCluster}, GoldLabels(docs))
}

func TestReadDocumentsCRLF(t *testing.T) {
	docs, err := ReadDocuments(strings.NewReader("{\"id\":\"a\",\"text\":\"t\"}\r\n{\"id\":\"b\",\"text\":\"u\",\"cluster\":\"k\"}\r\n"), "crlf.jsonl")
	require.NoError(t, err)
	assert.Equal(t, []Document{{ID: "a", Text: "t"}, {ID: "b", Text: "u", Cluster: "k"}}, docs)
}

func TestReadDocumentsLongLine(t *testing.T) {
	// Well beyond bufio.Scanner's default 64 KiB token limit.
	long := strings.Repeat("x", 3<<20)
	in := `{"id":"a","text":"short"}` + "\n" + `{"id":"b","text":"` + long + `"}` + "\n"
	docs, err := ReadDocuments(strings.NewReader(in), "long.jsonl")
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Equal(t, long, docs[1].Text)
}

func TestReadDocumentsErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"missing id", "{\"id\":\"a\",\"text\":\"t\"}\n\n{\"text\":\"t\"}\n", `docs.jsonl:3: missing "id"`},
		{"null id", `{"id":null,"text":"t"}`, `docs.jsonl:1: missing "id"`},
		{"missing text", "\n{\"id\":\"a\"}\n", `docs.jsonl:2: missing "text"`},
		{"bad json", "{\"id\":\"a\",\"text\":\"t\"}\n{\"id\":\"b\",\n", "docs.jsonl:2: "},
		{"not an object", `["a","b"]`, "docs.jsonl:1: "},
		{"numeric id", `{"id":1,"text":"t"}`, "docs.jsonl:1: "},
		{"numeric cluster", `{"id":"a","text":"t","cluster":3}`, "docs.jsonl:1: "},
		{"trailing garbage", `{"id":"a","text":"t"} x`, "docs.jsonl:1: "},
		{"duplicate id", "{\"id\":\"a\",\"text\":\"t\"}\n{\"id\":\"a\",\"text\":\"u\"}\n", `docs.jsonl:2: duplicate id "a" (first on line 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := ReadDocuments(strings.NewReader(tt.in), "docs.jsonl")
			require.Error(t, err)
			assert.Nil(t, docs)
			assert.True(t, strings.HasPrefix(err.Error(), tt.wantErr), "error %q, want prefix %q", err, tt.wantErr)
		})
	}
}

func TestLoadDocumentsMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.jsonl")
	_, err := LoadDocuments(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}

func TestLoadPairs(t *testing.T) {
	path := writeFile(t, "pairs.jsonl", `{"id1":"a","id2":"b","text1":"x","text2":"y","label":1}

{"text1":"p","text2":"q","label":0,"source":"ignored"}
{"text1":"p","text2":"q","label":true}
{"text1":"p","text2":"q","label":1.0}
`)
	pairs, err := LoadPairs(path)
	require.NoError(t, err)
	assert.Equal(t, []Pair{
		{ID1: "a", ID2: "b", Text1: "x", Text2: "y", Label: true},
		{Text1: "p", Text2: "q", Label: false},
		{Text1: "p", Text2: "q", Label: true},
		{Text1: "p", Text2: "q", Label: true},
	}, pairs)
}

func TestReadPairsErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"missing text1", `{"text2":"y","label":1}`, `pairs.jsonl:1: missing "text1"`},
		{"missing text2", "\n\n" + `{"text1":"x","label":1}`, `pairs.jsonl:3: missing "text2"`},
		{"missing label", `{"text1":"x","text2":"y"}`, `pairs.jsonl:1: missing "label"`},
		{"null label", `{"text1":"x","text2":"y","label":null}`, `pairs.jsonl:1: missing "label"`},
		{"label 2", `{"text1":"x","text2":"y","label":2}`, `pairs.jsonl:1: "label" is 2, want 0 or 1`},
		{"label string", `{"text1":"x","text2":"y","label":"1"}`, `pairs.jsonl:1: "label" is "1", want 0 or 1`},
		{"numeric id1", `{"id1":5,"text1":"x","text2":"y","label":1}`, "pairs.jsonl:1: "},
		{"bad json", `{"text1":`, "pairs.jsonl:1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pairs, err := ReadPairs(strings.NewReader(tt.in), "pairs.jsonl")
			require.Error(t, err)
			assert.Nil(t, pairs)
			assert.True(t, strings.HasPrefix(err.Error(), tt.wantErr), "error %q, want prefix %q", err, tt.wantErr)
		})
	}
}

func TestDetectKind(t *testing.T) {
	tests := []struct {
		name, in string
		want     Kind
		wantErr  string
	}{
		{"documents", "\n" + `{"id":"a","text":"t"}` + "\n" + `{"text1":"x"}`, KindDocuments, ""},
		{"pairs", `{"text1":"x","text2":"y","label":0}`, KindPairs, ""},
		{"text wins", `{"text":"t","text1":"x"}`, KindDocuments, ""},
		{"only first line matters", `{"text1":"x"}` + "\n" + `not json`, KindPairs, ""},
		{"empty", "", 0, "f.jsonl: no records"},
		{"blank only", "\n  \n", 0, "f.jsonl: no records"},
		{"neither", "\n" + `{"body":"t"}`, 0, `f.jsonl:2: object has neither`},
		{"bad json", `text`, 0, "f.jsonl:1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, err := DetectKindReader(strings.NewReader(tt.in), "f.jsonl")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tt.wantErr), "error %q, want prefix %q", err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, kind)
		})
	}

	path := writeFile(t, "p.jsonl", `{"text1":"x","text2":"y","label":1}`+"\n")
	kind, err := DetectKind(path)
	require.NoError(t, err)
	assert.Equal(t, KindPairs, kind)
	assert.Equal(t, "pairs", kind.String())
	assert.Equal(t, "documents", KindDocuments.String())
	assert.Equal(t, "unknown", Kind(0).String())

	_, err = DetectKind(filepath.Join(t.TempDir(), "missing.jsonl"))
	assert.Error(t, err)
}
