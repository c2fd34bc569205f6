// Package articles reads the example programs' input: text files, folders
// of text files, and JSON Lines.
package articles

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/neardup/neardup/dedup"
)

// FromPaths reads articles from files and folders. A folder contributes
// its regular files (not recursively, sorted by name); a path "-" reads
// JSON Lines from stdin. A file's article ID is its base name without
// extension.
func FromPaths(paths []string, stdin io.Reader) ([]dedup.Article, error) {
	var out []dedup.Article
	for _, p := range paths {
		if p == "-" {
			err := ReadJSONL(stdin, func(a dedup.Article) error {
				out = append(out, a)
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("stdin: %w", err)
			}
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		files := []string{p}
		if fi.IsDir() {
			entries, err := os.ReadDir(p)
			if err != nil {
				return nil, err
			}
			files = files[:0]
			for _, e := range entries {
				if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && !strings.EqualFold(e.Name(), "README.md") {
					files = append(files, filepath.Join(p, e.Name()))
				}
			}
			sort.Strings(files)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			if strings.HasSuffix(f, ".jsonl") {
				err := ReadJSONL(strings.NewReader(string(b)), func(a dedup.Article) error {
					out = append(out, a)
					return nil
				})
				if err != nil {
					return nil, fmt.Errorf("%s: %w", f, err)
				}
				continue
			}
			base := filepath.Base(f)
			out = append(out, dedup.Article{ID: strings.TrimSuffix(base, filepath.Ext(base)), Text: string(b)})
		}
	}
	return out, nil
}

// ErrLine reports a JSON Lines line that is not an article.
var ErrLine = errors.New("articles: bad line")

// ReadJSONL reads JSON Lines of objects with string fields "id" and "text"
// and calls fn for each, in order. Blank lines are skipped; lines may be
// of any length. A line that is not such an object stops the reading with
// an error wrapping ErrLine that names the line number.
func ReadJSONL(r io.Reader, fn func(dedup.Article) error) error {
	return ReadLines(r, func(n int, a dedup.Article, err error) error {
		if err != nil {
			return err
		}
		if ferr := fn(a); ferr != nil {
			return fmt.Errorf("line %d: %w", n, ferr)
		}
		return nil
	})
}

// ReadLines reads JSON Lines like ReadJSONL but hands each bad line's error
// (wrapping ErrLine, naming the line) to fn with its line number, so the
// caller decides whether to go on. Reading stops at the first non-nil
// error fn returns, or at a read error.
func ReadLines(r io.Reader, fn func(line int, a dedup.Article, err error) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var rec struct {
				ID   *string `json:"id"`
				Text *string `json:"text"`
			}
			var a dedup.Article
			var lerr error
			switch jerr := json.Unmarshal(line, &rec); {
			case jerr != nil:
				lerr = fmt.Errorf("%w %d: %v", ErrLine, n, jerr)
			case rec.ID == nil || *rec.ID == "":
				lerr = fmt.Errorf("%w %d: missing \"id\"", ErrLine, n)
			case rec.Text == nil:
				lerr = fmt.Errorf("%w %d: missing \"text\"", ErrLine, n)
			default:
				a = dedup.Article{ID: *rec.ID, Text: *rec.Text}
			}
			if ferr := fn(n, a, lerr); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Kandahar returns the folder of the five Kandahar articles: testdata/kandahar
// under the current directory if it is there, else beside this source file
// in the module.
func Kandahar() string {
	const rel = "testdata/kandahar"
	if fi, err := os.Stat(rel); err == nil && fi.IsDir() {
		return rel
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		return filepath.Join(filepath.Dir(file), "..", "..", "..", rel)
	}
	return rel
}
