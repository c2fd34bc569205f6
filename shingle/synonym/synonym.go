// Package synonym tells whether two English words can mean the same
// thing, by the synsets of WordNet 3.0 (Princeton University; see
// LICENSE.WordNet in this folder), keyed by Snowball English stems: the
// terms that package shingle makes from English text.
//
// Two stems are synonyms when a lemma of each belongs to one synset
// ("buy" and "purchas": both in buy.v.01). Every sense counts, so words
// that share a rare sense match too; a stem stands for all the lemmas
// that stem to it, and irregular forms ("said", "bought") count as their
// lemmas. Stop words (Snowball's English list) and numbers are never
// synonyms of anything.
//
// The table is embedded (about 270 KB compressed, 34,613 stems) and
// decoded on first use, which takes about 22 ms on this project's
// machine (BenchmarkDecode). Every function of the package is safe for
// concurrent use.
package synonym

//go:generate go run ./internal/gen -wordnet /usr/share/wordnet -o english.txt.gz

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

//go:embed english.txt.gz
var englishGz []byte

var (
	loadOnce sync.Once
	groups   map[string][]uint32
)

// table returns the decoded table. The embedded file is part of the
// build, so a decoding error is a broken build, not a user error.
func table() map[string][]uint32 {
	loadOnce.Do(func() {
		var err error
		if groups, err = decode(englishGz); err != nil {
			panic("synonym: embedded table: " + err.Error())
		}
	})
	return groups
}

// decode reads the gzipped table: one line a stem, the stem then its
// synset numbers in ascending order, separated by single spaces. The
// stems are substrings of one string and the numbers share one array, so
// decoding allocates little beyond the map.
func decode(gz []byte) (map[string][]uint32, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	text := string(raw)
	m := make(map[string][]uint32, strings.Count(text, "\n"))
	ids := make([]uint32, 0, strings.Count(text, " "))
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		stem, rest, ok := strings.Cut(line, " ")
		if !ok || stem == "" || rest == "" {
			return nil, fmt.Errorf("malformed line %q", line)
		}
		start := len(ids)
		for f := range strings.SplitSeq(rest, " ") {
			n, err := strconv.ParseUint(f, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("line of %q: %v", stem, err)
			}
			ids = append(ids, uint32(n))
		}
		m[stem] = ids[start:len(ids):len(ids)]
	}
	return m, nil
}

// Groups returns the synsets of an English Snowball stem, as ascending
// numbers that mean something only within this package's table, or nil
// for a stem with no synonyms. The slice belongs to the package: do not
// modify it.
func Groups(stem string) []uint32 { return table()[stem] }

// Synonyms reports whether two different English Snowball stems share a
// synset. A stem is not its own synonym: compare equal stems yourself.
func Synonyms(a, b string) bool {
	if a == b {
		return false
	}
	t := table()
	return Share(t[a], t[b])
}

// Share reports whether two ascending lists of synsets, as Groups returns
// them, have one in common.
func Share(x, y []uint32) bool {
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// Len returns the number of stems in the table.
func Len() int { return len(table()) }
