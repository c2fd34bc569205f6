// Command bigjob clusters a large JSON Lines corpus of articles into
// near-duplicate clusters: it streams the file into the library's batch
// API, dedup.Deduper.ClusterSeq, and writes one cluster per line. The
// clusters are the ones Deduper.Cluster gives on the same articles (one
// decision, every path): the same exact checks near the threshold, the
// containment rule for trimmed copies, sampled-shingle candidates and
// heavy rewrites. The job only reads, reports and writes.
//
// Usage:
//
//	go run ./bench/bigjob [-method oph|minwise] [-threshold T] [-workers N] [-related rel.jsonl] -in corpus.jsonl -out clusters.jsonl
//
// Input: one JSON object per line with "id" and "text" (the format of
// bench/gencorpus), - for stdin; an optional "cluster" label: when any
// line has one, the pair precision and recall of the clustering are
// reported, with an article whose label is null, "" or absent counted as
// a copy of nothing (as bench/quality counts it). Lines of any length are
// accepted. A line that is not valid JSON, or has no id, is counted,
// reported, and skipped. Lines are decoded by a small decoder for flat
// objects of strings (parse.go), falling back to encoding/json for
// anything else.
//
// IDs may repeat: every line is its own article. The job hands
// ClusterSeq each article under its input position (in base 36) as ID,
// which is unique and short, and maps the positions back to the input IDs
// when it writes the clusters.
//
// Output: one JSON object per line and per cluster,
//
//	{"representative":"a0000000","size":3,"members":["a0000000","a0000417","a0000999"]}
//
// in the order of dedup.Clustering.Clusters: members in input order,
// clusters in the input order of their first member, and the
// representative the library's Cluster.Representative (the member most
// similar to the others, ties to the earliest; before the library path it
// was the first member). Every article is in exactly one cluster (an
// article whose text has no words is a singleton). -out is written to a
// temporary file beside it and renamed when complete, so an interrupted
// or failed run leaves no partial output; -out - writes to stdout.
//
// With -related FILE the partial relations between clusters
// (Clustering.Related) are written there, one {"a","b","kind","score"}
// per line; without it they are not computed (Config.NoRelations), which
// does not change the clusters. -nocontainment and -norewrites turn off
// the library's rules of those names (Config.NoContainment,
// Config.NoRewrites), for measurement.
//
// Memory: ClusterSeq keeps each article's ID, Doc (signature and the
// 2-byte-per-word Evidence) and a sample of its shingles, never its text;
// it grows with the number of articles and their length in words (see
// the README for measured figures). The job adds the input IDs and labels.
//
// Flags of the estimate-only job that came before, which tuned its own
// index, are gone: -maxchain (the batch's index follows at most
// dedup.DefaultMaxPostings documents per band key, not configurable) and
// -expect (no library option sizes the batch's tables). -gc and -memlimit
// set the Go runtime's GOGC and soft memory limit; -cpuprofile and
// -memprofile write profiles (the heap profile at the start of every
// stage, to FILE.STAGE).
//
// SIGINT and SIGTERM cancel the run (ClusterSeq stops at its next check of
// the context); a second signal kills the process.
//
// On stderr it shows progress, driven by dedup.BatchOptions.Progress: a
// line rewritten in place when stderr is a terminal, else a plain line
// at each stage and every 10 s. At the end it prints a summary: articles,
// bytes, wall time and time per stage, articles/s, MB/s, peak RSS,
// clusters, and the precision and recall against the labels.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/neardup/neardup/dedup"
)

// options are the job's settings.
type options struct {
	in, out       string
	related       string // relations output file; "" computes none
	method        string // "oph" or "minwise"
	threshold     float64
	workers       int
	noContainment bool
	noRewrites    bool
	terminal      bool   // stderr is a terminal: rewrite one progress line
	memProfile    string // heap profile prefix; "" for none
	// progressEvery is the interval between progress lines (0: the
	// default, 500 ms on a terminal and 10 s otherwise).
	progressEvery time.Duration
}

// stageTime is when a stage of the run started and ended.
type stageTime struct {
	Name       string
	Start, End time.Duration // since the start of the run
}

// summary is what the job reports at the end.
type summary struct {
	Articles  int
	Bytes     int64
	Skipped   int // bad lines
	Clusters  int
	Multi     int // clusters of two or more
	Pairs     int // verified pairs that joined clusters
	Related   int // relations written (-related)
	Wall      time.Duration
	Stages    []stageTime
	PeakRSS   uint64
	RSSSource string
	// Pair quality against the input's "cluster" labels, if any line had
	// one.
	HaveTruth          bool
	Precision, Recall  float64
	TruePairs, FoundTP int64
	FoundPairs         int64
}

func main() {
	var o options
	flag.StringVar(&o.in, "in", "", "input JSON Lines file ({\"id\",\"text\"[,\"cluster\"]} per line); - for stdin")
	flag.StringVar(&o.out, "out", "", "output JSON Lines file, one cluster per line; - for stdout")
	flag.StringVar(&o.related, "related", "", "write the partial relations between clusters to this JSON Lines file (default: not computed)")
	flag.StringVar(&o.method, "method", "oph", "signing method: oph (one-permutation hashing) or minwise")
	flag.Float64Var(&o.threshold, "threshold", 0, "similarity threshold (0 = the library default)")
	flag.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines that sign and check pairs (dedup.BatchOptions.Workers)")
	flag.BoolVar(&o.noContainment, "nocontainment", false, "turn off the trimmed-copy rule (dedup.Config.NoContainment)")
	flag.BoolVar(&o.noRewrites, "norewrites", false, "turn off heavy-rewrite detection (dedup.Config.NoRewrites)")
	gcpct := flag.Int("gc", 100, "GOGC percentage for the job")
	memlimit := flag.Int64("memlimit", 0, "soft Go memory limit in MiB (runtime/debug.SetMemoryLimit; 0: none)")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a heap profile to FILE.STAGE at the start of each stage and FILE.done at the end")
	flag.Parse()
	if o.in == "" || o.out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: bigjob [-method oph|minwise] [-threshold T] [-workers N] [-related rel.jsonl] -in corpus.jsonl -out clusters.jsonl")
		os.Exit(2)
	}
	debug.SetGCPercent(*gcpct)
	if *memlimit > 0 {
		debug.SetMemoryLimit(*memlimit << 20)
	}
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		o.terminal = true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal the default behaviour comes back: a
		// second one kills the process even inside a stage that does
		// not check the context.
		<-ctx.Done()
		stop()
	}()
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bigjob:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bigjob:", err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	s, err := run(ctx, o, os.Stderr)
	stop()
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bigjob:", err)
		if errors.Is(err, context.Canceled) {
			os.Exit(130)
		}
		os.Exit(1)
	}
	printSummary(os.Stderr, o, s)
}

// config returns the dedup config for the options.
func config(o options) (dedup.Config, error) {
	cfg := dedup.Config{
		Threshold:     o.threshold,
		NoContainment: o.noContainment,
		NoRewrites:    o.noRewrites,
		NoRelations:   o.related == "",
	}
	cfg.Method = o.method
	if cfg.Method == "" {
		cfg.Method = dedup.MethodOPH
	}
	return cfg, cfg.Validate()
}

// article is one parsed input line.
type article struct {
	ID      string          `json:"id"`
	Text    string          `json:"text"`
	Cluster json.RawMessage `json:"cluster"`
}

type badLine struct {
	line int
	err  error
}

// input is what the job keeps of the articles it hands to ClusterSeq,
// by position: the input IDs and the labels.
type input struct {
	ids    []string
	truth  []int32 // label number; -1 for an article with no label
	labels map[string]int32
	bad    []badLine // the first few
	nbad   int
	lines  int
	bytes  atomic.Int64
}

const maxBadReported = 10

// key is the ID ClusterSeq knows the article at position k by.
func key(k int) string { return strconv.FormatInt(int64(k), 36) }

// position is the inverse of key.
func position(id string) (int, error) {
	k, err := strconv.ParseInt(id, 36, 64)
	return int(k), err
}

func (in *input) skip(line int, err error) {
	if len(in.bad) < maxBadReported {
		in.bad = append(in.bad, badLine{line, err})
	}
	in.nbad++
}

// articles returns the iterator over the articles of r, for ClusterSeq:
// each good line becomes one article under its position's key; bad lines
// are recorded in in and skipped. A read error ends the sequence with
// that error.
func (in *input) articles(ctx context.Context, r io.Reader, name string) iter.Seq2[dedup.Article, error] {
	return func(yield func(dedup.Article, error) bool) {
		br := bufio.NewReaderSize(r, 1<<20)
		var long, unesc []byte // a line longer than the buffer; unescaping scratch
		var a article
		for {
			chunk, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				long = append(long, chunk...)
				continue
			}
			line := chunk
			if len(long) > 0 {
				long = append(long, chunk...)
				line = long
			}
			if len(line) > 0 {
				in.lines++
				in.bytes.Add(int64(len(line)))
				var ok bool
				unesc, ok = in.parse(line, &a, unesc)
				if ok {
					k := len(in.ids)
					in.ids = append(in.ids, a.ID)
					t := int32(-1)
					// An empty, null or absent label (gencorpus: an
					// article with no copies) is a cluster of its own.
					if c := a.Cluster; len(c) > 0 && string(c) != "null" && string(c) != `""` {
						var seen bool
						if t, seen = in.labels[string(c)]; !seen {
							t = int32(len(in.labels))
							in.labels[string(c)] = t
						}
					}
					in.truth = append(in.truth, t)
					if !yield(dedup.Article{ID: key(k), Text: a.Text}, nil) {
						return
					}
				}
			}
			if len(long) > 0 {
				long = long[:0]
				if cap(long) > 64<<20 {
					long = nil // do not hold on to one huge line
				}
			}
			if err != nil {
				if err != io.EOF {
					yield(dedup.Article{}, fmt.Errorf("reading %s: %w", name, err))
				}
				return
			}
			if in.lines&1023 == 0 && ctx.Err() != nil {
				yield(dedup.Article{}, ctx.Err())
				return
			}
		}
	}
}

// parse decodes one input line into a, or records it as bad.
func (in *input) parse(line []byte, a *article, unesc []byte) ([]byte, bool) {
	// JSON's whitespace only: a line that starts with other space is not
	// JSON.
	ln := bytes.Trim(line, " \t\r\n")
	if len(ln) == 0 {
		in.skip(in.lines, errors.New("empty line"))
		return unesc, false
	}
	var ok bool
	if unesc, ok = parseArticle(ln, a, unesc); !ok {
		*a = article{}
		if err := json.Unmarshal(ln, a); err != nil {
			in.skip(in.lines, err)
			return unesc, false
		}
	}
	if a.ID == "" {
		in.skip(in.lines, errors.New("no id"))
		return unesc, false
	}
	return unesc, true
}

func run(ctx context.Context, o options, stderr io.Writer) (summary, error) {
	var r io.Reader = os.Stdin
	name := "stdin"
	if o.in != "-" {
		f, err := os.Open(o.in)
		if err != nil {
			return summary{}, err
		}
		defer f.Close()
		r, name = f, o.in
	}
	return runReader(ctx, o, r, name, stderr)
}

// output is a file written under a temporary name and renamed into place
// when complete, or stdout.
type output struct {
	f         *os.File
	tmp, name string
	w         *bufio.Writer
}

func createOutput(name string) (*output, error) {
	if name == "-" {
		return &output{f: os.Stdout, w: bufio.NewWriterSize(os.Stdout, 1<<20)}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return nil, err
	}
	return &output{f: f, tmp: f.Name(), name: name, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// commit flushes the output and renames it into place.
func (o *output) commit() error {
	if err := o.w.Flush(); err != nil {
		return err
	}
	if o.tmp == "" {
		return nil
	}
	if err := o.f.Chmod(0o644); err != nil {
		return err
	}
	if err := o.f.Close(); err != nil {
		return err
	}
	o.f = nil
	return os.Rename(o.tmp, o.name)
}

// abort removes an output that was not committed.
func (o *output) abort() {
	if o == nil || o.tmp == "" || o.f == nil {
		return
	}
	o.f.Close()
	os.Remove(o.tmp)
}

func runReader(ctx context.Context, o options, r io.Reader, name string, stderr io.Writer) (summary, error) {
	var s summary
	start := time.Now()
	cfg, err := config(o)
	if err != nil {
		return s, err
	}
	d, err := dedup.New(cfg)
	if err != nil {
		return s, err
	}
	// Create the outputs first: fail before the long part, not after.
	out, err := createOutput(o.out)
	if err != nil {
		return s, err
	}
	defer out.abort()
	var rel *output
	if o.related != "" {
		if rel, err = createOutput(o.related); err != nil {
			return s, err
		}
		defer rel.abort()
	}

	in := &input{labels: make(map[string]int32)}
	m := newMeter(start, &in.bytes, stderr, o)
	m.run()
	res, err := d.ClusterSeq(ctx, in.articles(ctx, r, name), dedup.BatchOptions{Workers: o.workers, Progress: m.update})
	m.stop()
	s.Stages = m.stageTimes()
	for _, b := range in.bad {
		fmt.Fprintf(stderr, "bigjob: line %d skipped: %v\n", b.line, b.err)
	}
	if in.nbad > len(in.bad) {
		fmt.Fprintf(stderr, "bigjob: ... %d more bad lines\n", in.nbad-len(in.bad))
	}
	s.Skipped = in.nbad
	s.Bytes = in.bytes.Load()
	s.Articles = len(in.ids)
	if err != nil {
		return s, err
	}

	// The clusters, by input position.
	var line []byte
	var members []int
	clusterOf := make([]int32, len(in.ids))
	for c, cl := range res.Clusters {
		members = members[:0]
		rep := -1
		for _, id := range cl.Members {
			k, err := position(id)
			if err != nil || k < 0 || k >= len(in.ids) {
				return s, fmt.Errorf("library returned unknown ID %q", id)
			}
			members = append(members, k)
			clusterOf[k] = int32(c)
			if id == cl.Representative {
				rep = k
			}
		}
		if rep < 0 {
			return s, fmt.Errorf("representative %q of cluster %d is not a member", cl.Representative, c)
		}
		s.Clusters++
		if len(members) > 1 {
			s.Multi++
		}
		s.Pairs += len(cl.Pairs)
		line = append(line[:0], `{"representative":`...)
		line = appendJSONString(line, in.ids[rep])
		line = append(line, `,"size":`...)
		line = strconv.AppendInt(line, int64(len(members)), 10)
		line = append(line, `,"members":[`...)
		for x, k := range members {
			if x > 0 {
				line = append(line, ',')
			}
			line = appendJSONString(line, in.ids[k])
		}
		line = append(line, "]}\n"...)
		if _, err := out.w.Write(line); err != nil {
			return s, err
		}
	}
	if err := out.commit(); err != nil {
		return s, err
	}
	if rel != nil {
		for _, rl := range res.Related {
			a, errA := position(rl.A)
			b, errB := position(rl.B)
			if errA != nil || errB != nil || a >= len(in.ids) || b >= len(in.ids) {
				return s, fmt.Errorf("library returned unknown relation %q ~ %q", rl.A, rl.B)
			}
			line = append(line[:0], `{"a":`...)
			line = appendJSONString(line, in.ids[a])
			line = append(line, `,"b":`...)
			line = appendJSONString(line, in.ids[b])
			line = append(line, `,"kind":`...)
			line = appendJSONString(line, rl.Kind)
			line = append(line, `,"score":`...)
			line = strconv.AppendFloat(line, rl.Score, 'g', -1, 64)
			line = append(line, "}\n"...)
			if _, err := rel.w.Write(line); err != nil {
				return s, err
			}
			s.Related++
		}
		if err := rel.commit(); err != nil {
			return s, err
		}
	}
	if len(in.labels) > 0 {
		s.HaveTruth = true
		s.TruePairs, s.FoundTP, s.FoundPairs = pairCounts(clusterOf, in.truth, len(res.Clusters), len(in.labels))
		s.Precision, s.Recall = ratio(s.FoundTP, s.FoundPairs), ratio(s.FoundTP, s.TruePairs)
	}
	s.Wall = time.Since(start)
	s.PeakRSS, s.RSSSource = peakRSS()
	return s, nil
}

// pairCounts returns the pairs of articles that share a label, the pairs
// that share a cluster, and the pairs that share both, from each
// article's cluster and label (-1: a label of its own).
func pairCounts(cluster, truth []int32, clusters, labels int) (truePairs, foundTP, foundPairs int64) {
	size := make([]int64, clusters)
	labelSize := make([]int64, labels)
	cell := make(map[[2]int32]int64)
	for k, c := range cluster {
		size[c]++
		if t := truth[k]; t >= 0 {
			labelSize[t]++
			cell[[2]int32{c, t}]++
		}
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	for _, n := range size {
		foundPairs += pairs(n)
	}
	for _, n := range labelSize {
		truePairs += pairs(n)
	}
	for _, n := range cell {
		foundTP += pairs(n)
	}
	return truePairs, foundTP, foundPairs
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// meter follows a run's progress (dedup.BatchOptions.Progress) and shows
// it on stderr.
type meter struct {
	start time.Time
	bytes *atomic.Int64
	w     io.Writer
	o     options

	mu     sync.Mutex
	p      dedup.Progress
	stage  string // the current stage, with "index" between "read" and "pairs"
	stages []stageTime

	changed chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

func newMeter(start time.Time, bytes *atomic.Int64, w io.Writer, o options) *meter {
	return &meter{start: start, bytes: bytes, w: w, o: o, stage: "read",
		stages:  []stageTime{{Name: "read"}},
		changed: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// update is the Progress callback: it records p and, on a new stage,
// wakes the display. It must be quick: the run waits for it.
func (m *meter) update(p dedup.Progress) {
	m.mu.Lock()
	m.p = p
	stage := p.Stage
	if stage == "read" && p.Done == p.Total {
		// The last "read" report: ClusterSeq goes on to index and
		// query the signatures, with no report until "pairs".
		stage = "index"
	}
	newStage := stage != m.stage
	if newStage {
		now := time.Since(m.start)
		m.stages[len(m.stages)-1].End = now
		m.stage = stage
		if stage != "done" {
			m.stages = append(m.stages, stageTime{Name: stage, Start: now})
		}
	}
	m.mu.Unlock()
	if newStage {
		if m.o.memProfile != "" {
			writeHeapProfile(m.o.memProfile + "." + stage)
		}
		select {
		case m.changed <- struct{}{}:
		default:
		}
	}
}

// stageTimes returns the stages seen so far.
func (m *meter) stageTimes() []stageTime {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := append([]stageTime(nil), m.stages...)
	if n := len(st); n > 0 && st[n-1].End == 0 {
		st[n-1].End = time.Since(m.start)
	}
	return st
}

// line describes the run's state.
func (m *meter) line() string {
	m.mu.Lock()
	p, stage := m.p, m.stage
	var since time.Duration
	if n := len(m.stages); n > 0 {
		since = time.Since(m.start) - m.stages[n-1].Start
	}
	m.mu.Unlock()
	el := time.Since(m.start)
	var b strings.Builder
	switch stage {
	case "read":
		secs := max(el.Seconds(), 1e-3)
		fmt.Fprintf(&b, "read: %d articles, %.0f articles/s, %.1f MB/s", p.Done, float64(p.Done)/secs, float64(m.bytes.Load())/secs/1e6)
	case "index":
		fmt.Fprintf(&b, "index: %d articles read; LSH index and query (no progress reported)", p.Total)
	case "done":
		fmt.Fprintf(&b, "done: %d articles", p.Total)
	default:
		fmt.Fprintf(&b, "%s: %d of %d", stage, p.Done, p.Total)
	}
	fmt.Fprintf(&b, ", stage %s, elapsed %s, RSS %s", since.Round(time.Second), el.Round(time.Second), human(currentRSS()))
	return b.String()
}

// run starts the display.
func (m *meter) run() {
	every := m.o.progressEvery
	if every == 0 {
		every = 10 * time.Second
		if m.o.terminal {
			every = 500 * time.Millisecond
		}
	}
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		show := func() {
			if m.o.terminal {
				fmt.Fprint(m.w, "\r\033[K"+m.line())
			} else {
				fmt.Fprintln(m.w, "bigjob: "+m.line())
			}
		}
		for {
			select {
			case <-m.quit:
				if m.o.terminal {
					fmt.Fprint(m.w, "\r\033[K")
				}
				return
			case <-m.changed:
				show()
			case <-t.C:
				show()
			}
		}
	}()
}

// stop ends the display and clears the progress line.
func (m *meter) stop() {
	close(m.quit)
	<-m.done
}

func writeHeapProfile(name string) {
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigjob:", err)
		return
	}
	defer f.Close()
	runtime.GC() // the profile shows the heap as of the last GC
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "bigjob:", err)
	}
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			simple = false
			break
		}
	}
	if simple {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

func printSummary(w io.Writer, o options, s summary) {
	secs := s.Wall.Seconds()
	method := o.method
	if method == "" {
		method = "oph"
	}
	var rules []string
	if !o.noContainment {
		rules = append(rules, "containment")
	}
	if !o.noRewrites {
		rules = append(rules, "rewrites")
	}
	if o.related != "" {
		rules = append(rules, "relations")
	}
	fmt.Fprintf(w, "bigjob: method %s, dedup.Deduper.ClusterSeq (exact checks; %s)\n", method, strings.Join(append([]string{"threshold"}, rules...), ", "))
	fmt.Fprintf(w, "articles     %d (%d bad lines skipped)\n", s.Articles, s.Skipped)
	fmt.Fprintf(w, "bytes        %d (%.1f MB)\n", s.Bytes, float64(s.Bytes)/1e6)
	var st []string
	for _, x := range s.Stages {
		st = append(st, fmt.Sprintf("%s %s", x.Name, (x.End-x.Start).Round(10*time.Millisecond)))
	}
	fmt.Fprintf(w, "wall         %s (%s)\n", s.Wall.Round(10*time.Millisecond), strings.Join(st, ", "))
	fmt.Fprintf(w, "rate         %.0f articles/s, %.1f MB/s\n", float64(s.Articles)/secs, float64(s.Bytes)/secs/1e6)
	fmt.Fprintf(w, "peak memory  %s (%s)\n", human(s.PeakRSS), s.RSSSource)
	fmt.Fprintf(w, "clusters     %d (%d with two or more articles; %d verified pairs)\n", s.Clusters, s.Multi, s.Pairs)
	if o.related != "" {
		fmt.Fprintf(w, "related      %d relations\n", s.Related)
	}
	if s.HaveTruth {
		fmt.Fprintf(w, "vs labels    pair precision %.4f, recall %.4f (%d of %d true pairs; %d pairs found)\n",
			s.Precision, s.Recall, s.FoundTP, s.TruePairs, s.FoundPairs)
	} else {
		fmt.Fprintln(w, `vs labels    not scored: no line has a "cluster" label`)
	}
}

func human(b uint64) string {
	return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
}

// peakRSS returns the peak resident set size: VmHWM on Linux, else the
// Go runtime's Sys (memory obtained from the OS), an upper bound of the
// heap's share only.
func peakRSS() (uint64, string) {
	if v, ok := procStatus("VmHWM:"); ok {
		return v, "VmHWM"
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Sys, "runtime MemStats.Sys"
}

func currentRSS() uint64 {
	if v, ok := procStatus("VmRSS:"); ok {
		return v
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Sys
}

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(field string) (uint64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0, false
			}
			v, err := strconv.ParseUint(f[0], 10, 64)
			if err != nil || v > math.MaxUint64>>10 {
				return 0, false
			}
			return v << 10, true
		}
	}
	return 0, false
}
