// Command bigjob clusters a large JSON Lines corpus of articles into
// near-duplicate clusters in one streaming pass, using every core and
// keeping only IDs and the index in memory (never the texts).
//
// Usage:
//
//	go run ./bench/bigjob [-method oph|minwise] [-threshold T] [-workers N] [-maxchain 8] [-expect N] [-memlimit MiB] -in corpus.jsonl -out clusters.jsonl
//
// Input: one JSON object per line with "id" and "text" (the format of
// bench/gencorpus); an optional "cluster" label: when any line has one,
// the pair precision and recall of the clustering are reported, with an
// article whose label is null, "" or absent counted as a copy of nothing
// (as bench/quality counts it). Lines of any length are accepted. A line
// that is not valid JSON, or has no id, is counted, reported, and
// skipped.
//
// Output: one JSON object per line and per cluster,
//
//	{"representative":"a0000000","size":3,"members":["a0000000","a0000417","a0000999"]}
//
// with members in input order; the representative is the member seen first
// in the input. Every article is in exactly one cluster (an article whose
// text has no words is a singleton). Clusters are written in the input
// order of their representative.
//
// How: a reader goroutine cuts the input into batches of lines; N workers
// (default GOMAXPROCS) parse, sign with a shared dedup.Hasher, add the
// signature to a shared in-memory dedup.Index under the article's input
// sequence number, and then query the index at Config.Threshold; every
// match is an edge. Adding before querying makes every similar pair found
// at least once, by whichever of the two was added later, even when two
// workers handle the pair at the same time; the signature is then
// dropped. The edges are joined with union-find at the end.
//
// The index is the library's in-memory store with its posting cap set by
// -maxchain (dedup.MemoryStoreOptions.MaxPostings): on a corpus of news
// text a few hot band keys (stock phrases, datelines) are shared by a good
// share of all documents, and following all of their postings makes each
// query verify a fixed fraction of the index (the job is then quadratic);
// under the cap a query follows only the -maxchain documents most
// recently added under each key. -expect sizes the band tables up front.
//
// Lines are decoded by a small decoder for flat objects of strings
// (parse.go), falling back to encoding/json for anything else.
//
// This job is estimate-only: an edge is a MinHash estimate of Jaccard
// similarity at or above the threshold between LSH candidates. Unlike
// dedup.Deduper.Cluster it keeps no texts, so it does not measure pairs
// near the threshold exactly, does not apply the containment rule for
// trimmed copies, does not look for sampled-shingle candidates, and does not
// report related articles. Clusters can therefore differ a little from
// Deduper.Cluster's on the same input.
//
// On stderr it shows a progress line when stderr is a terminal, and always
// prints a summary at the end: articles, bytes, wall time, articles/s,
// MB/s, peak RSS, clusters.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup/dedup"
)

// options are the job's settings.
type options struct {
	in, out   string
	method    string // "oph" or "minwise"
	threshold float64
	workers   int
	progress  bool // show the progress line
	maxChain  int  // postings followed per band key
	expect    int  // expected articles (sizes the band tables); 0: grow
}

// summary is what the job reports at the end.
type summary struct {
	Articles  int
	Bytes     int64
	Skipped   int // malformed lines
	Empty     int // texts with no words (singletons)
	Edges     int
	Clusters  int
	Multi     int // clusters of two or more
	Wall      time.Duration
	SignWall  time.Duration
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
	flag.StringVar(&o.out, "out", "", "output JSON Lines file, one cluster per line")
	flag.StringVar(&o.method, "method", "oph", "signing method: oph (one-permutation hashing) or minwise")
	flag.Float64Var(&o.threshold, "threshold", 0, "similarity threshold (0 = the library default)")
	flag.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "signing workers")
	flag.IntVar(&o.maxChain, "maxchain", 8, "follow at most this many documents per band key (the newest; dedup.MemoryStoreOptions.MaxPostings; -1: all)")
	flag.IntVar(&o.expect, "expect", 0, "expected number of articles: sizes the index's band tables up front (0: tables grow)")
	gcpct := flag.Int("gc", 400, "GOGC percentage for the job (the index is long-lived; less GC work)")
	memlimit := flag.Int64("memlimit", 3200, "soft Go memory limit in MiB (runtime/debug.SetMemoryLimit)")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if o.in == "" || o.out == "" {
		fmt.Fprintln(os.Stderr, "usage: bigjob [-method oph|minwise] [-threshold T] -in corpus.jsonl -out clusters.jsonl")
		os.Exit(2)
	}
	debug.SetGCPercent(*gcpct)
	// The heap is mostly the long-lived index: a high GOGC saves GC work
	// while it is small, and the soft limit makes the GC work harder as it
	// nears the peak-RSS goal instead of letting the heap double.
	debug.SetMemoryLimit(*memlimit << 20)
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		o.progress = true
	}
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
	s, err := run(o, os.Stderr)
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bigjob:", err)
		os.Exit(1)
	}
	printSummary(os.Stderr, o, s)
}

// config returns the dedup config for the options.
func config(o options) (dedup.Config, error) {
	cfg := dedup.Config{Threshold: o.threshold}
	switch o.method {
	case "oph", "":
		cfg.Method = dedup.MethodOPH
	case "minwise":
		cfg.Method = ""
	default:
		return cfg, fmt.Errorf("unknown -method %q (oph or minwise)", o.method)
	}
	return cfg.WithDefaults(), cfg.Validate()
}

// batch is a run of input lines, numbered from first.
type batch struct {
	first int
	buf   []byte // the lines, back to back
	ends  []int  // end offset of each line in buf
}

// done is a worker's result for one batch.
type done struct {
	first  int
	ids    []string
	truth  []string // "cluster" labels; "\x00"+line number for an article without one
	hasLbl []bool   // the article had a label
	edges  [][2]uint32
	empty  int
	bad    []badLine
}

type badLine struct {
	line int
	err  error
}

// article is one parsed input line.
type article struct {
	ID      string          `json:"id"`
	Text    string          `json:"text"`
	Cluster json.RawMessage `json:"cluster"`
}

const (
	batchLines = 64
	batchBytes = 1 << 20
)

func run(o options, stderr io.Writer) (summary, error) {
	var s summary
	start := time.Now()
	cfg, err := config(o)
	if err != nil {
		return s, err
	}
	h, err := dedup.NewHasher(cfg)
	if err != nil {
		return s, err
	}
	store, err := dedup.NewMemoryStoreWith(cfg, dedup.MemoryStoreOptions{MaxPostings: o.maxChain, ExpectedDocs: o.expect})
	if err != nil {
		return s, err
	}
	ix, err := dedup.NewIndexWithStore(cfg, store)
	if err != nil {
		return s, err
	}
	var in io.Reader = os.Stdin
	if o.in != "-" {
		f, err := os.Open(o.in)
		if err != nil {
			return s, err
		}
		defer f.Close()
		in = f
	}
	// Create the output first: fail before the long part, not after.
	out, err := os.Create(o.out)
	if err != nil {
		return s, err
	}
	defer out.Close()

	workers := max(1, o.workers)
	batches := make(chan *batch, 2*workers)
	results := make(chan *done, 2*workers)
	free := sync.Pool{New: func() any { return &batch{buf: make([]byte, 0, batchBytes+64<<10)} }}
	var nread, nbytes atomic.Int64
	var ndone atomic.Int64
	var readErr error

	// Reader: cut the input into batches of whole lines.
	go func() {
		defer close(batches)
		r := bufio.NewReaderSize(in, 1<<20)
		line := 0
		b := free.Get().(*batch)
		b.first, b.buf, b.ends = 0, b.buf[:0], b.ends[:0]
		for {
			chunk, err := r.ReadSlice('\n')
			b.buf = append(b.buf, chunk...)
			nbytes.Add(int64(len(chunk)))
			if err == bufio.ErrBufferFull {
				continue // a long line: keep appending
			}
			if len(b.buf) > 0 && (len(b.ends) == 0 || b.ends[len(b.ends)-1] != len(b.buf)) {
				b.ends = append(b.ends, len(b.buf))
				line++
			}
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				break
			}
			if len(b.ends) >= batchLines || len(b.buf) >= batchBytes {
				nread.Store(int64(line))
				batches <- b
				b = free.Get().(*batch)
				b.first, b.buf, b.ends = line, b.buf[:0], b.ends[:0]
			}
		}
		nread.Store(int64(line))
		if len(b.ends) > 0 {
			batches <- b
		}
	}()

	// Workers: parse, sign, add, query.
	var wg sync.WaitGroup
	var signErr atomic.Pointer[error]
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var a article
			var matches []dedup.Match
			var idbuf, unesc []byte
			for b := range batches {
				d := &done{first: b.first, ids: make([]string, len(b.ends)), truth: make([]string, len(b.ends)), hasLbl: make([]bool, len(b.ends))}
				startOff := 0
				for k, end := range b.ends {
					// JSON's whitespace only: a line that starts with
					// other space is not JSON.
					ln := bytes.Trim(b.buf[startOff:end], " \t\r\n")
					startOff = end
					seq := b.first + k
					a = article{}
					if len(ln) == 0 {
						d.bad = append(d.bad, badLine{seq + 1, errors.New("empty line")})
						continue
					}
					var ok bool
					if unesc, ok = parseArticle(ln, &a, unesc); !ok {
						a = article{}
						if err := json.Unmarshal(ln, &a); err != nil {
							d.bad = append(d.bad, badLine{seq + 1, err})
							continue
						}
					}
					if a.ID == "" {
						d.bad = append(d.bad, badLine{seq + 1, errors.New("no id")})
						continue
					}
					d.ids[k] = a.ID
					// An empty, null or absent label (gencorpus: an
					// article with no copies) is a cluster of its own.
					d.truth[k] = "\x00" + strconv.Itoa(seq)
					if c := string(a.Cluster); c != "" && c != "null" && c != `""` {
						d.truth[k], d.hasLbl[k] = c, true
					}
					sig := h.Sign(a.Text)
					if sig.Empty() {
						d.empty++
						continue
					}
					// The index key is the sequence number: short,
					// unique even if input IDs repeat, and it maps
					// straight back to the article.
					idbuf = strconv.AppendInt(idbuf[:0], int64(seq), 36)
					key := string(idbuf)
					if err := ix.Add(key, sig); err != nil {
						signErr.CompareAndSwap(nil, &err)
						continue
					}
					matches, err = ix.AppendQuery(matches[:0], sig, cfg.Threshold)
					if err != nil {
						signErr.CompareAndSwap(nil, &err)
						continue
					}
					for _, m := range matches {
						j, err := strconv.ParseInt(m.ID, 36, 64)
						if err != nil || int(j) == seq {
							continue
						}
						d.edges = append(d.edges, [2]uint32{uint32(seq), uint32(j)})
					}
				}
				ndone.Add(int64(len(b.ends)))
				free.Put(b)
				results <- d
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Progress display.
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		if !o.progress {
			<-stopProgress
			return
		}
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopProgress:
				fmt.Fprint(stderr, "\r\033[K")
				return
			case <-t.C:
				el := time.Since(start).Seconds()
				n := ndone.Load()
				fmt.Fprintf(stderr, "\r\033[Ksign+index: %d articles (%d read), %.0f articles/s, %.1f MB/s, %s elapsed, RSS %s",
					n, nread.Load(), float64(n)/el, float64(nbytes.Load())/el/1e6,
					time.Since(start).Round(time.Second), human(currentRSS()))
			}
		}
	}()

	// Collector: IDs, labels and edges in input order.
	var ids, truth []string
	var hasLbl []bool
	var edges [][2]uint32
	var bad []badLine
	for d := range results {
		end := d.first + len(d.ids)
		for len(ids) < end {
			ids = append(ids, "")
			truth = append(truth, "")
			hasLbl = append(hasLbl, false)
		}
		copy(ids[d.first:], d.ids)
		copy(truth[d.first:], d.truth)
		copy(hasLbl[d.first:], d.hasLbl)
		edges = append(edges, d.edges...)
		s.Empty += d.empty
		bad = append(bad, d.bad...)
	}
	close(stopProgress)
	<-progressDone
	s.SignWall = time.Since(start)
	if readErr != nil {
		return s, fmt.Errorf("reading %s: %w", o.in, readErr)
	}
	if p := signErr.Load(); p != nil {
		return s, *p
	}
	for i, b := range bad {
		if i == 10 {
			fmt.Fprintf(stderr, "bigjob: ... %d more bad lines\n", len(bad)-10)
			break
		}
		fmt.Fprintf(stderr, "bigjob: line %d skipped: %v\n", b.line, b.err)
	}
	s.Skipped = len(bad)
	s.Bytes = nbytes.Load()
	s.Edges = len(edges)
	ix, store = nil, nil // the index is no longer needed; let the GC have it
	runtime.GC()

	// Union-find over input positions; skipped lines have no ID and no cluster.
	n := len(ids)
	parent := make([]uint32, n)
	for i := range parent {
		parent[i] = uint32(i)
	}
	find := func(x uint32) uint32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, e := range edges {
		a, b := find(e[0]), find(e[1])
		if a == b {
			continue
		}
		// The smaller position is the root: the representative is the
		// member seen first.
		if a < b {
			parent[b] = a
		} else {
			parent[a] = b
		}
	}
	edges = nil
	// Members of each root, in input order, as a linked list through next.
	head := make([]int32, n) // root -> last member + 1 while building; then first
	tail := make([]int32, n)
	next := make([]int32, n)
	for i := range n {
		if ids[i] == "" {
			continue
		}
		s.Articles++
		r := find(uint32(i))
		next[i] = -1
		if head[r] == 0 {
			head[r] = int32(i) + 1
		} else {
			next[tail[r]] = int32(i)
		}
		tail[r] = int32(i)
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	var line []byte
	for r := range n {
		if head[r] == 0 {
			continue
		}
		size := 0
		for m := head[r] - 1; m >= 0; m = next[m] {
			size++
		}
		s.Clusters++
		if size > 1 {
			s.Multi++
		}
		line = append(line[:0], `{"representative":`...)
		line = appendJSONString(line, ids[head[r]-1])
		line = append(line, `,"size":`...)
		line = strconv.AppendInt(line, int64(size), 10)
		line = append(line, `,"members":[`...)
		for m := head[r] - 1; m >= 0; m = next[m] {
			if m != head[r]-1 {
				line = append(line, ',')
			}
			line = appendJSONString(line, ids[m])
		}
		line = append(line, "]}\n"...)
		if _, err := bw.Write(line); err != nil {
			return s, err
		}
	}
	if err := bw.Flush(); err != nil {
		return s, err
	}
	if err := out.Close(); err != nil {
		return s, err
	}

	// Pair precision and recall against the "cluster" labels.
	if s.Articles > 0 {
		labelled := false
		for i := range n {
			if ids[i] != "" && hasLbl[i] {
				labelled = true
				break
			}
		}
		if labelled {
			s.HaveTruth = true
			truthSize := make(map[string]int64)
			cell := make(map[struct {
				r uint32
				t string
			}]int64)
			var foundPairs int64
			for r := range n {
				if head[r] == 0 {
					continue
				}
				var sz int64
				for m := head[r] - 1; m >= 0; m = next[m] {
					sz++
				}
				foundPairs += sz * (sz - 1) / 2
			}
			for i := range n {
				if ids[i] == "" {
					continue
				}
				truthSize[truth[i]]++
				cell[struct {
					r uint32
					t string
				}{find(uint32(i)), truth[i]}]++
			}
			var tp, tpairs int64
			for _, c := range cell {
				tp += c * (c - 1) / 2
			}
			for _, c := range truthSize {
				tpairs += c * (c - 1) / 2
			}
			s.TruePairs, s.FoundTP, s.FoundPairs = tpairs, tp, foundPairs
			s.Precision, s.Recall = ratio(tp, foundPairs), ratio(tp, tpairs)
		}
	}
	s.Wall = time.Since(start)
	s.PeakRSS, s.RSSSource = peakRSS()
	return s, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
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
	fmt.Fprintf(w, "bigjob: method %s, estimate-only (no exact checks, no containment rule)\n", o.method)
	fmt.Fprintf(w, "articles     %d (%d bad lines skipped, %d with no words)\n", s.Articles, s.Skipped, s.Empty)
	fmt.Fprintf(w, "bytes        %d (%.1f MB)\n", s.Bytes, float64(s.Bytes)/1e6)
	fmt.Fprintf(w, "wall         %s (sign+index+query %s)\n", s.Wall.Round(10*time.Millisecond), s.SignWall.Round(10*time.Millisecond))
	fmt.Fprintf(w, "rate         %.0f articles/s, %.1f MB/s\n", float64(s.Articles)/secs, float64(s.Bytes)/secs/1e6)
	fmt.Fprintf(w, "peak memory  %s (%s)\n", human(s.PeakRSS), s.RSSSource)
	fmt.Fprintf(w, "clusters     %d (%d with two or more articles; %d edges; -maxchain %d)\n",
		s.Clusters, s.Multi, s.Edges, o.maxChain)
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
			if err != nil {
				return 0, false
			}
			return v << 10, true
		}
	}
	return 0, false
}
