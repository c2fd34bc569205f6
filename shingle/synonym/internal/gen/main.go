// Command gen writes english.txt.gz, the synonym table of package
// synonym, from the index files of WordNet 3.0 (Debian's wordnet-base
// package installs them in /usr/share/wordnet):
//
//	go generate ./shingle/synonym
//
// The table has one line a stem, in byte order: the Snowball English stem
// of one or more WordNet lemmas, then the numbers of the synsets those
// lemmas belong to, ascending, separated by single spaces. Only
// single-word lemmas of letters count, and a stem that is a stop word
// (Snowball's English list) is left out: the stemmer keeps stop words as
// they are, so such a stem is the term of that stop word in a text
// ("theses" stems to "these"), and only
// synsets with two or more distinct stems are kept: a synset of one stem
// cannot make two different words match. Synsets are numbered in the
// order of the index files (noun, verb, adjective, adverb) and of their
// first appearance there. Irregular forms listed in WordNet's exception
// files ("said", "bought") share the synsets of their lemmas.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kljensen/snowball/english"
)

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "folder holding WordNet 3.0's index.noun, index.verb, index.adj and index.adv")
	out := flag.String("o", "english.txt.gz", "file to write")
	flag.Parse()
	table, err := Build(*dir)
	if err == nil {
		err = writeGzip(*out, table)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// indexFiles are WordNet's index files, in the order synsets are numbered.
var indexFiles = []string{"index.noun", "index.verb", "index.adj", "index.adv"}

// Build returns the uncompressed table made from the WordNet index files
// in dir.
func Build(dir string) ([]byte, error) {
	type synset struct {
		file   int
		offset string
	}
	var order []synset             // synsets by first appearance
	stems := map[synset][]string{} // distinct stems of each synset
	of := map[string][]synset{}    // synsets of each stem
	link := func(stem string, s synset) {
		if _, ok := stems[s]; !ok {
			order = append(order, s)
		}
		if !slices.Contains(stems[s], stem) {
			stems[s] = append(stems[s], stem)
		}
		if !slices.Contains(of[stem], s) {
			of[stem] = append(of[stem], s)
		}
	}
	for fi, name := range indexFiles {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == ' ' { // the licence header
				continue
			}
			// lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
			fs := strings.Fields(line)
			if len(fs) < 6 {
				return nil, fmt.Errorf("%s: malformed line %q", name, line)
			}
			pcnt, err := strconv.Atoi(fs[3])
			if err != nil || 4+pcnt+2 > len(fs) {
				return nil, fmt.Errorf("%s: malformed line %q", name, line)
			}
			n++
			lemma := fs[0]
			if !letters(lemma) {
				continue
			}
			stem := english.Stem(lemma, false)
			if english.IsStopWord(stem) {
				continue
			}
			for _, off := range fs[4+pcnt+2:] {
				link(stem, synset{fi, off})
			}
		}
		err = errors.Join(sc.Err(), f.Close())
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no entries", name)
		}
	}
	// Irregular forms ("said", "bought", "mice") stem apart from their
	// lemma; the exception lists give them the lemma's synsets, as the
	// index files gave them (a snapshot: "sawn saw" must not take the
	// synsets of "see" that "saw see" adds to "saw").
	lemmaSynsets := maps.Clone(of)
	for _, name := range []string{"noun.exc", "verb.exc", "adj.exc", "adv.exc"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		for line := range strings.Lines(string(data)) {
			fs := strings.Fields(line)
			if len(fs) < 2 || !letters(fs[0]) {
				continue
			}
			stem := english.Stem(fs[0], false)
			if english.IsStopWord(stem) {
				continue
			}
			for _, base := range fs[1:] {
				if !letters(base) {
					continue
				}
				for _, s := range lemmaSynsets[english.Stem(base, false)] {
					link(stem, s)
				}
			}
		}
	}
	num := map[synset]int{}
	for _, s := range order {
		if len(stems[s]) >= 2 {
			num[s] = len(num)
		}
	}
	var b bytes.Buffer
	var ids []int
	for _, stem := range slices.Sorted(maps.Keys(of)) {
		ids = ids[:0]
		for _, s := range of[stem] {
			if id, ok := num[s]; ok {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		b.WriteString(stem)
		for _, id := range ids {
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(id))
		}
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// letters reports whether w is made of the ASCII letters a to z only:
// WordNet's multi-word lemmas join words with '_', and lemmas with
// digits, hyphens, dots or apostrophes are not single words to the
// shingler's tokenizer.
func letters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

func writeGzip(path string, data []byte) error {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
