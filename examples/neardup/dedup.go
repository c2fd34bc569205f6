package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/examples/internal/articles"
)

func cmdDedup(ctx context.Context, args []string, e *env) error {
	f := newFlags("dedup", "[IN.jsonl|-]...",
		"Keeps one article per cluster of copies, the cluster's representative (the\n"+
			"member most similar to the others), and writes the kept lines unchanged, in\n"+
			"input order. The inputs are JSON Lines (.gz: gzipped); - or no argument\n"+
			"reads stdin. What was dropped, and why, goes to stderr or to -report FILE.\n", e, true)
	f.workerFlag()
	outPath := f.fs.String("o", "", "write the kept lines to this file (atomically) instead of stdout")
	reportPath := f.fs.String("report", "", "write what was dropped to this file as JSON Lines instead of stderr")
	if err := f.parse(args); err != nil {
		return err
	}
	paths := f.args
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	if *outPath != "" && *outPath == *reportPath {
		return usagef("-o and -report name the same file")
	}
	ins, err := listInputs(paths, true)
	if err != nil {
		return err
	}
	d, err := dedup.New(f.cfg)
	if err != nil {
		return err
	}
	// The output files are made first, so that a directory that is not
	// there fails the run before the work.
	var outFile, reportFile *atomicFile
	if *outPath != "" {
		if outFile, err = createAtomic(*outPath); err != nil {
			return err
		}
		defer outFile.abort()
	}
	if *reportPath != "" {
		if reportFile, err = createAtomic(*reportPath); err != nil {
			return err
		}
		defer reportFile.abort()
	}
	m := newMeter(e, totalSize(ins))
	defer m.stop()

	// Inputs that cannot be read twice are copied to a spool file as
	// they are read.
	spools := make([]*spool, len(ins))
	defer func() {
		for _, s := range spools {
			s.remove()
		}
	}()
	var spoolErr error
	tee := func(i int) io.Writer {
		if ins[i].regular {
			return nil
		}
		s, err := newSpool(ins[i].path)
		if err != nil {
			spoolErr = err
			return failWriter{err}
		}
		spools[i] = s
		return s.w
	}

	// What is kept of each article: its input ID and where it was; the
	// library is given its position (in base 36) as ID, so that IDs may
	// repeat.
	var (
		ids   []string
		lines []int
		from  []int32
	)
	seq, readErr := articleSeq(ctx, ins, e.stdin, f.fields, m, tee, func(a article) (dedup.Article, error) {
		key := strconv.FormatInt(int64(len(ids)), 36)
		ids = append(ids, a.ID)
		lines = append(lines, a.line)
		from = append(from, int32(a.in))
		return dedup.Article{ID: key, Text: a.Text}, nil
	})
	res, err := d.ClusterSeq(ctx, seq, f.batchOptions(m))
	if spoolErr != nil {
		err = spoolErr
	} else if *readErr != nil {
		err = *readErr
	}
	if err != nil {
		return interrupted(ctx, err, "nothing written")
	}
	if len(ids) == 0 {
		return errEmptyInput
	}
	for _, s := range spools {
		if err := s.flush(); err != nil {
			return err
		}
	}

	kept := make([]bool, len(ids))
	var drops []drop
	for _, c := range res.Clusters {
		rep := position(c.Representative)
		kept[rep] = true
		for _, mem := range c.Members {
			if p := position(mem); p != rep {
				drops = append(drops, explainDrop(d.Config(), c, mem, p, rep))
			}
		}
	}
	sort.Slice(drops, func(i, j int) bool { return drops[i].pos < drops[j].pos })
	for i := range drops {
		dr := &drops[i]
		dr.Dropped, dr.Line, dr.File = ids[dr.pos], lines[dr.pos], ins[from[dr.pos]].name
		dr.Kept, dr.KeptLine, dr.KeptFile = ids[dr.keptPos], lines[dr.keptPos], ins[from[dr.keptPos]].name
		if dr.viaPos >= 0 {
			dr.Via = ids[dr.viaPos]
		}
	}

	// The copy pass.
	var out io.Writer = e.stdout
	if outFile != nil {
		out = outFile
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	m.setStage("write", totalSize(ins))
	pos := 0
	for i, in := range ins {
		src := in
		if s := spools[i]; s != nil {
			src = input{path: s.f.Name(), jsonl: true}
		} else if changed(in) {
			return fmt.Errorf("%s changed while it was read: run again", in.path)
		}
		r, closeIn, err := src.open(nil, m.bytes, nil)
		if err != nil {
			return err
		}
		err = articles.ScanRaw(r, in.name, func(_ int, raw []byte) error {
			if pos >= len(kept) {
				return fmt.Errorf("%s has more lines than when it was read: run again", in.path)
			}
			if pos&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				m.step(pos)
			}
			if kept[pos] {
				bw.Write(raw)
				if err := bw.WriteByte('\n'); err != nil {
					return err
				}
			}
			pos++
			return nil
		})
		closeIn()
		if err != nil {
			return interrupted(ctx, err, map[bool]string{true: "no output file written", false: "output incomplete"}[outFile != nil])
		}
	}
	if pos != len(kept) {
		return fmt.Errorf("the input has fewer lines than when it was read: run again")
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	m.stop()

	// The report.
	var rw io.Writer = e.stderr
	if reportFile != nil {
		rw = reportFile
	}
	rb := bufio.NewWriter(rw)
	enc := json.NewEncoder(rb)
	for _, dr := range drops {
		if reportFile != nil {
			err = enc.Encode(dr)
		} else {
			_, err = fmt.Fprintln(rb, dr.text())
		}
		if err != nil {
			return err
		}
	}
	if err := rb.Flush(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return interrupted(ctx, err, "no output file written")
	}
	if outFile != nil {
		if err := outFile.commit(); err != nil {
			return err
		}
	}
	if reportFile != nil {
		if err := reportFile.commit(); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "neardup dedup: kept %d of %s (%s dropped, %s)\n",
		len(ids)-len(drops), plural(len(ids), "article"), count(len(drops)), plural(len(res.Clusters), "cluster"))
	return nil
}

// position returns the input position that a library ID names.
func position(key string) int {
	p, err := strconv.ParseInt(key, 36, 64)
	if err != nil {
		panic(fmt.Sprintf("neardup: the library returned an ID it was not given: %q", key))
	}
	return int(p)
}

// drop is one line of the -report: an article dropped and the one kept
// in its stead.
type drop struct {
	Dropped  string `json:"dropped"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line"`
	Kept     string `json:"kept"`
	KeptFile string `json:"kept_file,omitempty"`
	KeptLine int    `json:"kept_line"`
	// Reason is "copy", "trimmed copy" or "heavy rewrite": see
	// explainDrop.
	Reason      string  `json:"reason"`
	Similarity  float64 `json:"similarity"`
	Containment float64 `json:"containment"`
	Coverage    float64 `json:"coverage,omitempty"`
	// Via is the article the dropped one was paired with, when the
	// library did not pair it with the kept one directly.
	Via string `json:"via,omitempty"`

	pos, keptPos, viaPos int
}

// explainDrop says why the member of c at position p goes, the member at
// rep staying: the pair that joined it to rep, or else its most similar
// pair in c (the article it was joined through). The reason is read off
// the pair the library verified: a pair with a sentence coverage was
// joined as a heavy rewrite; one whose similarity reaches the threshold
// is a copy; any other was joined by the containment rule (a trimmed or
// padded copy), the only rule left.
func explainDrop(cfg dedup.Config, c dedup.Cluster, mem string, p, rep int) drop {
	dr := drop{pos: p, keptPos: rep, viaPos: -1}
	repID := c.Representative
	var best *dedup.Pair
	for i := range c.Pairs {
		pr := &c.Pairs[i]
		if pr.A != mem && pr.B != mem {
			continue
		}
		if pr.A == repID || pr.B == repID {
			best = pr
			dr.viaPos = -1
			break
		}
		if best == nil || pr.Similarity > best.Similarity {
			best = pr
			other := pr.A
			if other == mem {
				other = pr.B
			}
			dr.viaPos = position(other)
		}
	}
	if best == nil {
		dr.Reason = "copy"
		return dr
	}
	dr.Similarity, dr.Containment, dr.Coverage = best.Similarity, best.Containment, best.Coverage
	switch {
	case best.Coverage > 0:
		dr.Reason = "heavy rewrite"
	case best.Similarity >= cfg.Threshold:
		dr.Reason = "copy"
	default:
		dr.Reason = "trimmed copy"
	}
	return dr
}

// text is the report line of dr on stderr.
func (dr drop) text() string {
	at := func(file string, line int, id string) string {
		if file != "" {
			return fmt.Sprintf("%s: line %d (%s)", file, line, id)
		}
		return fmt.Sprintf("line %d (%s)", line, id)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dropped %s: %s of %s, similarity %.3f, containment %.3f",
		at(dr.File, dr.Line, dr.Dropped), dr.Reason, at(dr.KeptFile, dr.KeptLine, dr.Kept), dr.Similarity, dr.Containment)
	if dr.Coverage > 0 {
		fmt.Fprintf(&b, ", sentence coverage %.2f", dr.Coverage)
	}
	if dr.Via != "" {
		fmt.Fprintf(&b, " (with %s, joined to it through %s)", dr.Kept, dr.Via)
	}
	return b.String()
}

// changed reports whether the regular file of in is not as it was when
// listed.
func changed(in input) bool {
	if in.fi == nil {
		return false
	}
	fi, err := os.Stat(in.path)
	return err != nil || fi.Size() != in.fi.Size() || !fi.ModTime().Equal(in.fi.ModTime())
}

// spool is a temporary copy of an input that cannot be read twice.
type spool struct {
	f *os.File
	w *bufio.Writer
}

func newSpool(path string) (*spool, error) {
	pattern := "neardup-stdin-*"
	if strings.HasSuffix(path, ".gz") {
		pattern += ".gz"
	}
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, fmt.Errorf("a temporary copy of the input: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

func (s *spool) flush() error {
	if s == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("a temporary copy of the input: %w", err)
	}
	return nil
}

func (s *spool) remove() {
	if s != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// failWriter fails every write with err.
type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

// atomicFile is written to a temporary file beside its path and renamed
// over it by commit; abort (a no-op after commit) removes it.
type atomicFile struct {
	*os.File
	path string
	done bool
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // not the temporary file's name
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &atomicFile{File: f, path: path}, nil
}

func (a *atomicFile) commit() error {
	if err := a.Sync(); err != nil {
		return err
	}
	if err := a.Close(); err != nil {
		return err
	}
	if err := os.Rename(a.Name(), a.path); err != nil {
		return err
	}
	a.done = true
	return nil
}

func (a *atomicFile) abort() {
	if !a.done {
		a.Close()
		os.Remove(a.Name())
		a.done = true
	}
}
