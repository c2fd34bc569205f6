package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/examples/internal/articles"
)

// input is one source of articles.
type input struct {
	// path is the file's path, "-" for stdin.
	path string
	// name names the input in messages: "" when it is the only one.
	name string
	// jsonl: JSON Lines; else the file is one article.
	jsonl bool
	// size is the file's size in bytes, 0 when not known (stdin, a pipe).
	size int64
	// regular: a regular file, which can be read again.
	regular bool
	// fi is the file's state when it was listed, to tell whether it
	// changed before it is read again.
	fi os.FileInfo
}

// isJSONL reports whether a file named path holds JSON Lines.
func isJSONL(path string) bool {
	p := strings.TrimSuffix(path, ".gz")
	return strings.HasSuffix(p, ".jsonl") || strings.HasSuffix(p, ".ndjson") || strings.HasSuffix(path, ".gz")
}

// listInputs expands paths: a folder contributes its regular files (not
// recursively, sorted by name, without dot files and README.md), "-" is
// stdin. With allJSONL every file is JSON Lines; else only those isJSONL
// names.
func listInputs(paths []string, allJSONL bool) ([]input, error) {
	var out []input
	for _, p := range paths {
		if p == "-" {
			out = append(out, input{path: "-", jsonl: true})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, input{path: p, jsonl: allJSONL || isJSONL(p), size: size(fi), regular: fi.Mode().IsRegular(), fi: fi})
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		var files []string
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && !strings.EqualFold(e.Name(), "README.md") {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
		sort.Strings(files)
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil {
				return nil, err
			}
			out = append(out, input{path: f, jsonl: allJSONL || isJSONL(f), size: size(fi), regular: true, fi: fi})
		}
	}
	stdin := 0
	for i := range out {
		if out[i].path == "-" {
			stdin++
		}
		if len(out) > 1 {
			out[i].name = out[i].path
			if out[i].path == "-" {
				out[i].name = "stdin"
			}
		}
	}
	if stdin > 1 {
		return nil, usagef(`"-" (stdin) given more than once`)
	}
	return out, nil
}

func size(fi os.FileInfo) int64 {
	if fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// totalSize returns the inputs' total size, 0 if any is unknown.
func totalSize(ins []input) int64 {
	var n int64
	for _, in := range ins {
		if in.size == 0 && !in.regular {
			return 0
		}
		n += in.size
	}
	return n
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n *atomic.Int64
}

func (c counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// open opens in for reading: the file, or stdin, through gzip if its
// name ends in .gz, counting the bytes read from the file in n (if not
// nil) and copying them to tee (if not nil). close closes what open
// opened.
func (in input) open(stdin io.Reader, n *atomic.Int64, tee io.Writer) (r io.Reader, close func() error, err error) {
	var f io.Reader = stdin
	closeFile := func() error { return nil }
	if in.path != "-" {
		file, err := os.Open(in.path)
		if err != nil {
			return nil, nil, err
		}
		f, closeFile = file, file.Close
	}
	if n != nil {
		f = counter{f, n}
	}
	if tee != nil {
		f = io.TeeReader(f, tee)
	}
	if !strings.HasSuffix(in.path, ".gz") {
		return f, closeFile, nil
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		closeFile()
		return nil, nil, fmt.Errorf("%s: %w", in.path, err)
	}
	return zr, func() error { zr.Close(); return closeFile() }, nil
}

// where locates a line of in for messages.
func (in input) where(line int) string {
	if in.name != "" {
		return fmt.Sprintf("%s: line %d", in.name, line)
	}
	return fmt.Sprintf("line %d", line)
}

// article is one article read, with where it came from.
type article struct {
	dedup.Article
	time time.Time
	// in is the input's index in the list; line the line number (0 for
	// a file that is one article).
	in, line int
	raw      []byte // the line, valid during the call only
}

// readAll reads the articles of ins in order and calls fn for each. A bad
// line's *articles.LineError (with the file name if there are several
// inputs) goes to bad, which returns nil to go on; with bad nil it stops
// the reading. tee, if not nil, returns a writer that
// the bytes of input i are copied to as they are read (nil for none).
// The bytes read from files so far are counted in n.
func readAll(ctx context.Context, ins []input, stdin io.Reader, fields articles.Fields, n *atomic.Int64,
	tee func(i int) io.Writer, bad func(error) error, fn func(article) error) error {
	for i, in := range ins {
		if err := ctx.Err(); err != nil {
			return err
		}
		var w io.Writer
		if tee != nil {
			w = tee(i)
		}
		r, closeIn, err := in.open(stdin, n, w)
		if err != nil {
			return err
		}
		if !in.jsonl {
			b, err := io.ReadAll(r)
			closeIn()
			if err != nil {
				return err
			}
			base := filepath.Base(in.path)
			err = fn(article{Article: dedup.Article{ID: strings.TrimSuffix(base, filepath.Ext(base)), Text: string(b)}, in: i})
			if err != nil {
				return err
			}
			continue
		}
		k := 0
		err = fields.Scan(r, in.name, func(l articles.Line, err error) error {
			if err != nil {
				if bad != nil {
					return bad(err)
				}
				return err
			}
			if k++; k&255 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			a := article{Article: l.Article, time: l.Time, in: i, line: l.N, raw: l.Raw}
			if fields.ID == "" && in.name != "" {
				a.ID = in.name + ":" + a.ID
			}
			return fn(a)
		})
		cerr := closeIn()
		if err != nil {
			return err
		}
		if cerr != nil {
			return cerr
		}
	}
	return nil
}

// errEmptyInput reports input with no article.
var errEmptyInput = errors.New("no articles in the input")
