package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The embedded table must be what the generator makes from WordNet today,
// so that a change to the generator or to the stemmer cannot leave a stale
// table behind. It needs Debian's
// wordnet-base (which .ci/run installs) and skips without it.
func TestEmbeddedTableIsFresh(t *testing.T) {
	const dir = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dir, "index.noun")); err != nil {
		t.Skip("WordNet not installed (apt-get install wordnet-base):", err)
	}
	want, err := Build(dir)
	require.NoError(t, err)
	f, err := os.Open("../../english.txt.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	got, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got), "english.txt.gz is stale: run go generate ./shingle/synonym")
}

func TestBuildNeedsWordNet(t *testing.T) {
	_, err := Build(t.TempDir())
	require.Error(t, err)
}
