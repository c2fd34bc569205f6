// Command indexbench measures the in-memory LSH index (dedup.Index over
// the library's memory store) at a large size: build rate through Add and
// through the bulk load path (ReadIndex), heap bytes per document, and
// the latency distribution of single queries: verified (AppendQuery at
// the index threshold), then the LSH step alone (AppendCandidates:
// unverified IDs, what ekzhu/minhash-lsh's Query returns), each on its own
// random documents.
//
// Usage:
//
//	go run ./bench/indexbench [-n 1000000] [-bands 25 -rows 5] [-queries 200000] [-reps 3] [-batch 0] [-tail] [-corpus file.jsonl]
//
// Signatures: by default n synthetic shingle sets (200–600 random
// shingles; 30% of them near copies of an earlier set with 10–30% of
// their shingles replaced), signed with one-permutation hashing on every
// core. With -corpus, the first n articles of a JSON Lines corpus
// ({"id","text"} per line, as bench/gencorpus writes) are signed instead:
// generated news text has stock phrases that many articles share, which
// makes some band keys hot.
//
// Build and queries run on one goroutine. The build uses Index.Add one
// document at a time, or Index.AddBatch in batches of -batch documents.
// -tail compares the slowest 1% of the queries with the median ones
// (candidates verified, latency when run again warm) and prints a
// histogram of the candidates per query. Queries use the signatures of
// indexed documents picked at random (each finds at least itself), and
// are timed one by one; each query's signature is read just before its
// clock starts, as it would be in cache straight from signing. The index
// is made with NewMemoryStoreWith: -maxpostings sets the posting cap and
// -presize sizes the band tables for n documents. Heap figures are runtime.MemStats.HeapAlloc after
// a GC, before and after building (timed from making the store), divided by n; "sans values" subtracts
// the 32-bit signature values the store keeps (4 bytes × NumHashes per
// document). Rates are also given per CPU second of the process (GC
// work on other threads included), which a busy machine disturbs less
// than wall time. The IDs are made before the measurement, so their bytes are
// not counted, but the store's references to them are.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/neardup/neardup/bench/internal/synth"
	"github.com/neardup/neardup/dedup"
)

func main() {
	n := flag.Int("n", 1_000_000, "documents to index")
	bands := flag.Int("bands", 25, "LSH bands")
	rows := flag.Int("rows", 5, "rows per band")
	queries := flag.Int("queries", 200_000, "timed queries per repetition")
	reps := flag.Int("reps", 3, "repetitions of build and queries")
	corpus := flag.String("corpus", "", "JSON Lines corpus to sign instead of synthetic sets")
	bulk := flag.Bool("bulk", true, "also measure the bulk load path (WriteTo + ReadIndex)")
	seed := flag.Uint64("seed", 1, "random seed")
	expect := flag.Bool("presize", false, "size the band tables for n documents up front (MemoryStoreOptions.ExpectedDocs)")
	maxPostings := flag.Int("maxpostings", 0, "MemoryStoreOptions.MaxPostings (0: the default; negative: no cap)")
	batch := flag.Int("batch", 0, "build with Index.AddBatch in batches of this many documents (0: Add one at a time)")
	tail := flag.Bool("tail", false, "after each query phase, compare the slowest 1% of queries with the rest (candidates, matches, latency when repeated)")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile of the build and query phases to this file")
	flag.Parse()

	cfg := dedup.Config{NumHashes: 128, Bands: *bands, Rows: *rows, Method: dedup.MethodOPH}
	h, err := dedup.NewHasher(cfg)
	if err != nil {
		fail(err)
	}
	cfg = h.Config()
	t0 := time.Now()
	var sigs []dedup.Signature
	if *corpus != "" {
		sigs, err = corpusSigs(h, *corpus, *n)
		if err != nil {
			fail(err)
		}
	} else {
		sigs = synth.Signatures(h, *n, *seed)
	}
	n2 := len(sigs)
	ids := make([]string, n2)
	for i := range ids {
		ids[i] = "a" + strconv.Itoa(i)
	}
	src := "synthetic"
	if *corpus != "" {
		src = *corpus
	}
	fmt.Printf("indexbench: %d signatures (%s) in %s; %d bands x %d rows, threshold %.2f, GOMAXPROCS %d, %s\n",
		n2, src, time.Since(t0).Round(time.Millisecond), cfg.Bands, cfg.Rows, cfg.Threshold, runtime.GOMAXPROCS(0), runtime.Version())

	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}

	rng := rand.New(rand.NewPCG(*seed, 99))
	for rep := range *reps {
		runtime.GC()
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		opts := dedup.MemoryStoreOptions{MaxPostings: *maxPostings}
		if *expect {
			opts.ExpectedDocs = n2
		}
		docs := sigDocs(sigs)
		start, cpu0 := time.Now(), synth.ProcessCPU()
		st, err := dedup.NewMemoryStoreWith(cfg, opts)
		if err != nil {
			fail(err)
		}
		ix, err := dedup.NewIndexWithStore(cfg, st)
		if err != nil {
			fail(err)
		}
		if *batch > 0 {
			for lo := 0; lo < n2; lo += *batch {
				hi := min(lo+*batch, n2)
				if err := ix.AddBatch(ids[lo:hi], docs[lo:hi]); err != nil {
					fail(err)
				}
			}
		} else {
			for i, s := range sigs {
				if err := ix.Add(ids[i], s); err != nil {
					fail(err)
				}
			}
		}
		build, buildCPU := time.Since(start), synth.ProcessCPU()-cpu0
		runtime.GC()
		runtime.ReadMemStats(&ms1)
		heap := float64(int64(ms1.HeapAlloc)-int64(ms0.HeapAlloc)) / float64(n2)
		how := "add:  "
		if *batch > 0 {
			how = "batch:"
		}
		fmt.Printf("rep %d %s %.0f docs/s (%s), per CPU second %.0f docs, heap %.0f B/doc, sans values %.0f B/doc\n",
			rep, how, float64(n2)/build.Seconds(), build.Round(time.Millisecond), cpuRate(n2, buildCPU), heap, heap-float64(4*cfg.NumHashes))

		// The verified query, then the LSH step alone on other random
		// documents (what ekzhu/minhash-lsh's Query returns).
		var dst []dedup.Match
		lat, qidx, matches, qcpu := timeQueries(rng, sigs, *queries, func(s dedup.Signature) (int, error) {
			var err error
			dst, err = ix.AppendQuery(dst[:0], s, cfg.Threshold)
			return len(dst), err
		})
		if *tail {
			tailReport(ix, sigs, lat, qidx, cfg.Threshold)
		}
		report(rep, "query:     ", "matches", lat, matches, qcpu)
		var cands []string
		lat, _, found, ccpu := timeQueries(rng, sigs, *queries, func(s dedup.Signature) (int, error) {
			var err error
			cands, err = ix.AppendCandidates(cands[:0], s)
			return len(cands), err
		})
		report(rep, "candidates:", "candidates", lat, found, ccpu)

		if *bulk {
			var buf bytes.Buffer
			if _, err := ix.WriteTo(&buf); err != nil {
				fail(err)
			}
			ix = nil
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			start, cpu0 := time.Now(), synth.ProcessCPU()
			ix2, err := dedup.ReadIndex(bytes.NewReader(buf.Bytes()), nil)
			if err != nil {
				fail(err)
			}
			load, loadCPU := time.Since(start), synth.ProcessCPU()-cpu0
			runtime.GC()
			runtime.ReadMemStats(&ms1)
			heap := float64(int64(ms1.HeapAlloc)-int64(ms0.HeapAlloc)) / float64(n2)
			fmt.Printf("rep %d load:  %.0f docs/s (%s, ReadIndex from memory, IDs included), per CPU second %.0f docs, heap %.0f B/doc, sans values %.0f B/doc\n",
				rep, float64(n2)/load.Seconds(), load.Round(time.Millisecond), cpuRate(n2, loadCPU), heap, heap-float64(4*cfg.NumHashes))
			runtime.KeepAlive(ix2)
			runtime.KeepAlive(&buf)
		}
	}
}

// timeQueries times n queries, one by one, each with the signature of an
// indexed document picked at random, and returns their latencies, the
// documents picked, the results they returned in all and the process CPU
// time. A query's signature is read before its clock starts: it would be
// in cache straight from signing.
func timeQueries(rng *rand.Rand, sigs []dedup.Signature, n int, query func(dedup.Signature) (int, error)) ([]time.Duration, []int, int, time.Duration) {
	lat := make([]time.Duration, n)
	qidx := make([]int, n)
	var warm []uint64
	results := 0
	cpu := synth.ProcessCPU()
	for q := range lat {
		qi := rng.IntN(len(sigs))
		qidx[q] = qi
		s := sigs[qi]
		warm = s.AppendValues(warm[:0])
		t := time.Now()
		k, err := query(s)
		lat[q] = time.Since(t)
		if err != nil {
			fail(err)
		}
		results += k
	}
	return lat, qidx, results, synth.ProcessCPU() - cpu
}

// report prints the latency distribution of one repetition's queries.
func report(rep int, name, what string, lat []time.Duration, results int, cpu time.Duration) {
	lat = slices.Clone(lat)
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Nanoseconds()) / 1e3
	}
	fmt.Printf("rep %d %s p50 %.2f µs, p90 %.2f µs, p99 %.2f µs, p99.9 %.2f µs, max %.0f µs, mean %.2f µs, CPU %.2f µs/query; %.2f %s/query (%d queries)\n",
		rep, name, pct(0.5), pct(0.9), pct(0.99), pct(0.999), float64(lat[len(lat)-1].Nanoseconds())/1e3,
		float64(sum.Nanoseconds())/1e3/float64(len(lat)), float64(cpu.Nanoseconds())/1e3/float64(len(lat)),
		float64(results)/float64(len(lat)), what, len(lat))
}

// cpuRate returns n per second of d, or 0 if d was not measured.
func cpuRate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "indexbench:", err)
	os.Exit(1)
}

// corpusSigs signs the first n articles with words of a JSON Lines
// corpus on every core.
func corpusSigs(h *dedup.Hasher, path string, n int) ([]dedup.Signature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type job struct {
		i    int
		line []byte
	}
	jobs := make(chan job, 256)
	var mu sync.Mutex
	sigs := make([]dedup.Signature, 0, min(n, 1<<20))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var a struct {
				Text string `json:"text"`
			}
			for j := range jobs {
				a.Text = ""
				if json.Unmarshal(j.line, &a) != nil {
					continue
				}
				s := h.Sign(a.Text)
				mu.Lock()
				for len(sigs) <= j.i {
					sigs = append(sigs, dedup.Signature{})
				}
				sigs[j.i] = s
				mu.Unlock()
			}
		})
	}
	r := bufio.NewReaderSize(f, 1<<20)
	i := 0
	for i < n {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			jobs <- job{i, line}
			i++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			close(jobs)
			return nil, err
		}
	}
	close(jobs)
	wg.Wait()
	// Drop empty signatures (texts with no words): they are not indexed.
	out := sigs[:0]
	for _, s := range sigs {
		if !s.Empty() {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no article with words", path)
	}
	return out, nil
}

// tailReport compares the slowest 1% of the timed queries with the
// median ones: candidates verified, matches, and the latency of the same
// query run again (a tail that does not repeat is noise: preemption,
// GC, a cold line; one that repeats is work).
func tailReport(ix *dedup.Index, sigs []dedup.Signature, lat []time.Duration, qidx []int, threshold float64) {
	order := make([]int, len(lat))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(lat[a] - lat[b]) })
	stats := func(name string, sel []int) {
		var cands, matches, again, first float64
		var dst []dedup.Match
		for _, q := range sel {
			s := sigs[qidx[q]]
			c, _ := ix.Candidates(s)
			cands += float64(len(c))
			dst, _ = ix.AppendQuery(dst[:0], s, threshold)
			matches += float64(len(dst))
			t := time.Now()
			dst, _ = ix.AppendQuery(dst[:0], s, threshold)
			again += float64(time.Since(t).Nanoseconds())
			first += float64(lat[q].Nanoseconds())
		}
		k := float64(len(sel))
		fmt.Printf("  tail %-9s %6d queries: latency %.2f µs, again (warm) %.2f µs, candidates %.1f, matches %.2f\n",
			name, len(sel), first/k/1e3, again/k/1e3, cands/k, matches/k)
	}
	n := len(order)
	stats("p40-p60", order[n*40/100:n*60/100])
	stats("p99-p99.9", order[n*99/100:n*999/1000])
	stats(">p99.9", order[n*999/1000:])
	// Candidates per query over all queries, as a histogram.
	hist := map[int]int{}
	for _, qi := range qidx {
		c, _ := ix.Candidates(sigs[qi])
		b := 1
		for b < len(c) {
			b *= 2
		}
		hist[b]++
	}
	keys := make([]int, 0, len(hist))
	for k := range hist {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Print("  candidates per query (≤ bucket: queries):")
	for _, k := range keys {
		fmt.Printf(" %d:%d", k, hist[k])
	}
	fmt.Println()
}

// sigDocs returns the Docs of signatures alone, for Index.AddBatch.
func sigDocs(sigs []dedup.Signature) []dedup.Doc {
	docs := make([]dedup.Doc, len(sigs))
	for i, s := range sigs {
		docs[i].Signature = s
	}
	return docs
}
