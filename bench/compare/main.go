// Command compare measures neardup against what a Go user would otherwise
// write or use, in one process on one corpus, and prints ratios:
//
//   - the "user-written stack": strings.Fields tokenization, lowercasing,
//     kljensen/snowball.Stem per word, word 3-grams joined as strings, and
//     dgryski/go-minhash MinWise fed by xxhash, k=128;
//   - neardup end to end (dedup.Hasher.Sign), both on one goroutine with
//     GOMAXPROCS=1, in MB/s of text, and neardup's allocations per article;
//     also with Config.Method "oph" (one-permutation hashing);
//   - LSH: ekzhu/minhash-lsh against neardup's dedup.Index at the same N
//     and on the same signatures (NumHashes=128, 25 bands x 5 rows for
//     neardup; ekzhu chooses its own banding from a threshold, printed):
//     build docs/s, query p50/p99 (neardup's verified AppendQuery, and its
//     unverified AppendCandidates, which does what ekzhu's Query does),
//     and heap bytes per document;
//   - datasketch (Python), if python3 can import it.
//
// It is a separate module so that ekzhu/minhash-lsh stays out of the
// library's go.mod; the repository's go.work makes it runnable from the
// root:
//
//	go run ./bench/compare [-quick] [-n 100000]
//
// The corpus comes from bench/corpus and needs Debian's wordnet-base. The
// last line printed is one JSON object with the headline figures.
// Timings on a shared machine are noisy; run it on a quiet one.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cespare/xxhash/v2"
	minhash "github.com/dgryski/go-minhash"
	lsh "github.com/ekzhu/minhash-lsh"
	"github.com/kljensen/snowball"
	"github.com/neardup/neardup/bench/corpus"
	"github.com/neardup/neardup/bench/internal/synth"
	"github.com/neardup/neardup/dedup"
)

type result struct {
	E2EMBs       float64 `json:"e2e_mb_s"`
	UserStackMBs float64 `json:"user_stack_mb_s"`
	Ratio        float64 `json:"e2e_ratio_vs_user_stack"`
	AllocsPerArt float64 `json:"allocs_per_article"`
	OPHMBs       float64 `json:"oph_e2e_mb_s"`
	// FastMBs and FastRatio are the fast signing mode (Method "oph") under
	// the names the performance issue gives them: FastMBs equals OPHMBs,
	// FastRatio is its median round ratio against the user stack.
	FastMBs       float64 `json:"fast_mb_s"`
	FastRatio     float64 `json:"fast_ratio_vs_user_stack"`
	LSHBuildDocsS float64 `json:"lsh_build_docs_s"`
	// LSHBatchBuildDocsS is the build rate of one Index.AddBatch of the
	// whole corpus (on every core).
	LSHBatchBuildDocsS float64 `json:"lsh_batch_build_docs_s"`
	LSHQueryP50us      float64 `json:"lsh_query_p50_us"`
	LSHQueryP99us      float64 `json:"lsh_query_p99_us"`
	// LSHCandP50us and LSHCandP99us time Index.AppendCandidates: the LSH
	// step alone, unverified, the same work as ekzhu's Query.
	LSHCandP50us    float64 `json:"lsh_candidates_p50_us"`
	LSHCandP99us    float64 `json:"lsh_candidates_p99_us"`
	IndexBytesDoc   float64 `json:"index_bytes_per_doc"`
	EkzhuBuildDocsS float64 `json:"ekzhu_build_docs_s"`
	EkzhuQueryP50us float64 `json:"ekzhu_query_p50_us"`
	EkzhuQueryP99us float64 `json:"ekzhu_query_p99_us"`
	EkzhuBytesDoc   float64 `json:"ekzhu_bytes_per_doc"`
	N               int     `json:"n"`
	Articles1Core   int     `json:"articles_one_core"`
}

func main() {
	quick := flag.Bool("quick", false, "small run (N=20000, fewer articles timed): under a minute")
	n := flag.Int("n", 0, "articles in the corpus and documents in the LSH indexes (default 100000, 20000 with -quick)")
	m := flag.Int("m", 0, "articles timed on one core for the pipelines (default 3000, 600 with -quick)")
	queries := flag.Int("queries", 0, "LSH queries timed (default 10000, 3000 with -quick)")
	wordnet := flag.String("wordnet", "", "WordNet directory (default: $"+corpus.DirEnv+" or "+corpus.DefaultDir+")")
	flag.Parse()
	def := func(p *int, full, q int) {
		if *p == 0 {
			*p = full
			if *quick {
				*p = q
			}
		}
	}
	def(n, 100_000, 20_000)
	def(m, 3000, 600)
	def(queries, 10_000, 3000)
	rounds := 7
	if *quick {
		rounds = 5
	}
	*m = min(*m, *n)
	*queries = min(*queries, *n)

	if err := run(*n, *m, *queries, rounds, *wordnet); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(n, m, queries, rounds int, wordnet string) error {
	fmt.Printf("GOMAXPROCS=%d NumCPU=%d %s/%s %s\n", runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Println("note: (a)/(b) are process CPU time: MB/s from each pipeline's best round, the ratio from the median round; LSH figures wall time; on a shared machine all are noisy")
	t0 := time.Now()
	src, err := corpus.Load(wordnet)
	if err != nil {
		return err
	}
	cfg := corpus.DefaultConfig(n, 1)
	cfg.Source = src
	arts, err := corpus.Generate(cfg)
	if err != nil {
		return err
	}
	texts := make([]string, len(arts))
	var total int64
	for i, a := range arts {
		texts[i] = a.Text
		total += int64(len(a.Text))
	}
	arts = nil
	fmt.Printf("corpus: %d articles, %.1f MB, mean %.0f bytes, generated in %v\n",
		n, float64(total)/1e6, float64(total)/float64(n), time.Since(t0).Round(time.Millisecond))

	var res result
	res.N, res.Articles1Core = n, m
	sample := texts[:m]
	var sampleBytes int64
	for _, t := range sample {
		sampleBytes += int64(len(t))
	}

	// (a) and (b): one goroutine, one P, in process CPU time (waiting for
	// a core on a shared machine does not count; with GOMAXPROCS=1 the
	// GC's work does).
	prev := runtime.GOMAXPROCS(1)
	user := newUserStack()
	h, err := dedup.NewHasher(dedup.Config{NumHashes: 128})
	if err != nil {
		return err
	}
	oph, err := dedup.NewHasher(dedup.Config{NumHashes: 128, Method: dedup.MethodOPH})
	if err != nil {
		return err
	}
	for _, t := range sample { // warm the stem caches, as a long job would
		h.Sign(t)
		oph.Sign(t)
	}
	for _, t := range sample[:min(100, m)] {
		user.sign(t)
	}
	// neardup's allocations, over one pass on their own.
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	for _, t := range sample {
		h.Sign(t)
	}
	runtime.ReadMemStats(&ms1)
	// The three pipelines take turns every pairBatch articles, so that a
	// spell of a slower machine (seen here as rounds of one pipeline
	// differing by half) falls on all three alike. Each round sums every
	// pipeline's turns; the ratio is the median over rounds of the
	// round's user-stack time over its neardup time, and MB/s come from
	// each pipeline's best round.
	pipelines := [3]func(string){
		func(t string) { user.sign(t) },
		func(t string) { h.Sign(t) },
		func(t string) { oph.Sign(t) },
	}
	best := [3]time.Duration{math.MaxInt64, math.MaxInt64, math.MaxInt64}
	ratios := make([]float64, rounds)
	ophRatios := make([]float64, rounds)
	for round := range rounds {
		var sum [3]time.Duration
		runtime.GC()
		for lo := 0; lo < len(sample); lo += pairBatch {
			batch := sample[lo:min(lo+pairBatch, len(sample))]
			for p, sign := range pipelines {
				sum[p] += cpuTime(func() {
					for _, t := range batch {
						sign(t)
					}
				})
			}
		}
		for p := range best {
			best[p] = min(best[p], sum[p])
		}
		ratios[round] = float64(sum[0]) / float64(sum[1])
		ophRatios[round] = float64(sum[0]) / float64(sum[2])
		fmt.Printf("    round %d: user stack %v, neardup %v, oph %v: ratio %.2fx, oph %.2fx\n", round,
			sum[0].Round(time.Millisecond), sum[1].Round(time.Millisecond), sum[2].Round(time.Millisecond), ratios[round], ophRatios[round])
	}
	slices.Sort(ratios)
	slices.Sort(ophRatios)
	runtime.GOMAXPROCS(prev)
	mbs := func(d time.Duration) float64 { return float64(sampleBytes) / 1e6 / d.Seconds() }
	res.UserStackMBs = mbs(best[0])
	fmt.Printf("(a) user-written stack (Fields+ToLower+snowball+joined 3-grams+go-minhash/xxhash, k=128): %.2f MB/s on one core (%d articles, best of %d rounds: %v)\n",
		res.UserStackMBs, m, rounds, best[0].Round(time.Millisecond))
	res.E2EMBs = mbs(best[1])
	res.Ratio = ratios[len(ratios)/2]
	res.AllocsPerArt = float64(ms1.Mallocs-ms0.Mallocs) / float64(m)
	fmt.Printf("(b) neardup Hasher.Sign k=128: %.2f MB/s on one core (%v), %.2f allocs/article, %.0f B/article; ratio vs user stack %.2fx (median of %d rounds, range %.2f-%.2f; goal >= 4x)\n",
		res.E2EMBs, best[1].Round(time.Millisecond), res.AllocsPerArt,
		float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(m), res.Ratio, rounds, ratios[0], ratios[len(ratios)-1])
	res.OPHMBs = mbs(best[2])
	res.FastMBs, res.FastRatio = res.OPHMBs, ophRatios[len(ophRatios)/2]
	fmt.Printf("    neardup Hasher.Sign k=128 Method=oph: %.2f MB/s on one core (%v); ratio vs user stack %.2fx (median of %d rounds, range %.2f-%.2f; goal >= 10x)\n",
		res.OPHMBs, best[2].Round(time.Millisecond), res.FastRatio, rounds, ophRatios[0], ophRatios[len(ophRatios)-1])

	// (c) LSH on the signatures of the whole corpus, signed on every core.
	lcfg := dedup.Config{NumHashes: 128, Bands: 25, Rows: 5}
	lh, err := dedup.NewHasher(lcfg)
	if err != nil {
		return err
	}
	t0 = time.Now()
	sigs := make([]dedup.Signature, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				sigs[i] = lh.Sign(texts[i])
			}
		})
	}
	wg.Wait()
	texts, sample = nil, nil
	fmt.Printf("signed %d articles on %d cores in %v\n", n, workers, time.Since(t0).Round(time.Millisecond))
	ids := make([]string, n)
	vals := make([][]uint64, n)
	for i := range ids {
		ids[i] = "a" + strconv.Itoa(i)
		vals[i] = sigs[i].AppendValues(nil)
	}
	qidx := make([]int, queries)
	for i := range qidx {
		qidx[i] = int(uint64(i) * 0x9e3779b97f4a7c15 % uint64(n))
	}

	runtime.GC()
	t0 = time.Now()
	ix, err := dedup.NewIndex(lcfg)
	if err != nil {
		return err
	}
	for i, s := range sigs {
		if s.Empty() {
			continue
		}
		if err = ix.Add(ids[i], s); err != nil {
			return err
		}
	}
	res.LSHBuildDocsS = float64(n) / time.Since(t0).Seconds()
	withIndex := liveHeap()
	var dst []dedup.Match
	lat := make([]time.Duration, queries)
	cands := timeQueries(qidx, lat, func(q int) int {
		dst, _ = ix.AppendQuery(dst[:0], sigs[q], lcfg.WithDefaults().Threshold)
		return len(dst)
	})
	res.LSHQueryP50us, res.LSHQueryP99us = pct(lat, 0.50), pct(lat, 0.99)
	fmt.Printf("(c) neardup Index (25x5, k=128, verified query): build %.0f docs/s, query p50 %.2fµs p99 %.2fµs (mean %.1f matches)\n",
		res.LSHBuildDocsS, res.LSHQueryP50us, res.LSHQueryP99us, float64(cands)/float64(queries))
	var cids []string
	cands = timeQueries(qidx, lat, func(q int) int {
		cids, _ = ix.AppendCandidates(cids[:0], sigs[q])
		return len(cids)
	})
	res.LSHCandP50us, res.LSHCandP99us = pct(lat, 0.50), pct(lat, 0.99)
	fmt.Printf("    neardup Index.AppendCandidates (unverified, as ekzhu's Query): p50 %.2fµs p99 %.2fµs (mean %.1f candidates)\n",
		res.LSHCandP50us, res.LSHCandP99us, float64(cands)/float64(queries))
	runtime.KeepAlive(ix)
	ix = nil
	res.IndexBytesDoc = float64(withIndex-liveHeap()) / float64(n)
	fmt.Printf("    neardup Index holds %.0f heap B/doc\n", res.IndexBytesDoc)
	// The same index built in one Index.AddBatch, which posts a large
	// batch on every core (GOMAXPROCS goroutines, each with its own bands).
	var bids []string
	var bsigs []dedup.Signature
	for i, s := range sigs {
		if !s.Empty() {
			bids, bsigs = append(bids, ids[i]), append(bsigs, s)
		}
	}
	bdocs := make([]dedup.Doc, len(bsigs))
	for i, s := range bsigs {
		bdocs[i].Signature = s
	}
	runtime.GC()
	t0 = time.Now()
	bix, err := dedup.NewIndex(lcfg)
	if err != nil {
		return err
	}
	if err := bix.AddBatch(bids, bdocs); err != nil {
		return err
	}
	res.LSHBatchBuildDocsS = float64(len(bids)) / time.Since(t0).Seconds()
	runtime.KeepAlive(bix)
	bix = nil
	fmt.Printf("    neardup Index.AddBatch of all %d: build %.0f docs/s on %d cores\n", len(bids), res.LSHBatchBuildDocsS, runtime.GOMAXPROCS(0))

	// ekzhu/minhash-lsh picks its banding from a threshold: find the one
	// nearest to 25 bands x 5 rows.
	thr, k, l := ekzhuThreshold(128, 5, 25)
	runtime.GC()
	t0 = time.Now()
	f := lsh.NewMinhashLSH32(128, thr)
	for i, v := range vals {
		if sigs[i].Empty() {
			continue
		}
		f.Add(ids[i], v)
	}
	f.Index()
	res.EkzhuBuildDocsS = float64(n) / time.Since(t0).Seconds()
	withIndex = liveHeap()
	cands = timeQueries(qidx, lat, func(q int) int { return len(f.Query(vals[q])) })
	res.EkzhuQueryP50us, res.EkzhuQueryP99us = pct(lat, 0.50), pct(lat, 0.99)
	fmt.Printf("    ekzhu/minhash-lsh (32-bit, threshold %.2f -> %d bands x %d rows, unverified candidates): build %.0f docs/s, query p50 %.2fµs p99 %.2fµs (mean %.1f candidates)\n",
		thr, l, k, res.EkzhuBuildDocsS, res.EkzhuQueryP50us, res.EkzhuQueryP99us, float64(cands)/float64(queries))
	runtime.KeepAlive(f)
	f = nil
	res.EkzhuBytesDoc = float64(withIndex-liveHeap()) / float64(n)
	fmt.Printf("    ekzhu/minhash-lsh holds %.0f heap B/doc\n", res.EkzhuBytesDoc)
	fmt.Printf("    ratios neardup/ekzhu: build %.2fx, unverified query p50 %.2fx and p99 %.2fx faster (verified %.2fx and %.2fx), memory %.2fx smaller\n",
		res.LSHBuildDocsS/res.EkzhuBuildDocsS, res.EkzhuQueryP50us/res.LSHCandP50us, res.EkzhuQueryP99us/res.LSHCandP99us,
		res.EkzhuQueryP50us/res.LSHQueryP50us, res.EkzhuQueryP99us/res.LSHQueryP99us, res.EkzhuBytesDoc/res.IndexBytesDoc)

	// (d) datasketch, optional.
	datasketch(src, m)

	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// pairBatch is how many articles each pipeline signs in its turn.
const pairBatch = 25

// cpuTime returns the process CPU time fn took (wall time where process
// CPU time is not available).
func cpuTime(fn func()) time.Duration {
	t, c := time.Now(), synth.ProcessCPU()
	fn()
	if c > 0 {
		return synth.ProcessCPU() - c
	}
	return time.Since(t)
}

// liveHeap returns the live heap after a full GC. The memory a structure
// holds is liveHeap with it minus liveHeap after dropping it, so frees of
// unrelated garbage do not count.
func liveHeap() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// timeQueries runs query for each document of qidx, timing each call into
// lat, and returns the results the calls reported in all.
func timeQueries(qidx []int, lat []time.Duration, query func(q int) int) int {
	n := 0
	for i, q := range qidx {
		t := time.Now()
		r := query(q)
		lat[i] = time.Since(t)
		n += r
	}
	return n
}

func pct(lat []time.Duration, p float64) float64 {
	s := slices.Clone(lat)
	slices.Sort(s)
	i := min(len(s)-1, int(math.Ceil(p*float64(len(s))))-1)
	return float64(s[max(i, 0)].Nanoseconds()) / 1e3
}

// ekzhuThreshold returns the threshold for which ekzhu/minhash-lsh picks
// the banding nearest to bands x rows, and the banding it picks.
func ekzhuThreshold(numHash, rows, bands int) (thr float64, k, l int) {
	best := math.MaxInt
	for t := 0.05; t < 0.96; t += 0.01 {
		kk, ll := lsh.NewMinhashLSH32(numHash, t).Params()
		if dist := abs(kk-rows)*100 + abs(ll-bands); dist < best {
			best, thr, k, l = dist, t, kk, ll
		}
	}
	return thr, k, l
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// userStack is the pipeline a Go user would write with the same
// dependencies, each call making fresh strings and a fresh sketch.
type userStack struct {
	seed2 uint64
}

func newUserStack() *userStack { return &userStack{seed2: 0x9e3779b97f4a7c15} }

func (u *userStack) sign(text string) []uint64 {
	var terms []string
	for _, f := range strings.Fields(text) {
		w := strings.TrimFunc(strings.ToLower(f), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		if w == "" {
			continue
		}
		s, err := snowball.Stem(w, "english", false)
		if err != nil {
			s = w
		}
		terms = append(terms, s)
	}
	mw := minhash.NewMinWise(xxhash.Sum64, func(b []byte) uint64 {
		d := xxhash.NewWithSeed(u.seed2)
		d.Write(b)
		return d.Sum64()
	}, 128)
	for i := 0; i+3 <= len(terms); i++ {
		mw.Push([]byte(strings.Join(terms[i:i+3], " ")))
	}
	return mw.Signature()
}

// datasketch times Python's datasketch MinHash (k=128, word 3-grams of
// lowercased whitespace tokens, no stemming) on the first m articles of
// the same corpus, if python3 can import it.
func datasketch(src *corpus.Source, m int) {
	if err := exec.Command("python3", "-c", "import datasketch").Run(); err != nil {
		fmt.Println("(d) datasketch: skipped (python3 -c 'import datasketch' failed; pip install datasketch to include it)")
		return
	}
	dir, err := os.MkdirTemp("", "compare")
	if err != nil {
		fmt.Println("(d) datasketch:", err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "corpus.jsonl")
	f, err := os.Create(path)
	if err != nil {
		fmt.Println("(d) datasketch:", err)
		return
	}
	cfg := corpus.DefaultConfig(m, 1)
	cfg.Source = src
	_, err = corpus.Write(f, cfg)
	f.Close()
	if err != nil {
		fmt.Println("(d) datasketch:", err)
		return
	}
	const script = `
import json, sys, time
from datasketch import MinHash
texts = [json.loads(l)["text"] for l in open(sys.argv[1])]
t = time.perf_counter()
for text in texts:
    w = text.lower().split()
    m = MinHash(num_perm=128)
    m.update_batch([" ".join(w[i:i+3]).encode() for i in range(len(w)-2)])
d = time.perf_counter() - t
print("%.3f" % (sum(len(x.encode()) for x in texts) / 1e6 / d))
`
	out, err := exec.Command("python3", "-c", script, path).Output()
	if err != nil {
		fmt.Println("(d) datasketch: failed:", err)
		return
	}
	fmt.Printf("(d) datasketch MinHash (k=128, no stemming, one core): %s MB/s\n", strings.TrimSpace(string(out)))
}
