package bench

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kljensen/snowball"
	"github.com/neardup/neardup/bench/corpus"
	"github.com/neardup/neardup/bench/internal/synth"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// The benchmarks read their articles from bench/corpus (WordNet text, see
// its package doc). When the WordNet database is not installed they fall
// back to synthetic text made by synthArticles, and say so once.

// Article sizes (mean words per base article) the per-stage benchmarks run.
var wordSizes = []int{150, 620, 2500}

// poolSize is how many distinct articles a per-article benchmark cycles
// through: enough to defeat caches of single texts, small enough to load
// fast.
const poolSize = 256

var (
	srcOnce sync.Once
	src     *corpus.Source
	srcErr  error
	logOnce sync.Once

	artMu    sync.Mutex
	artCache = map[[2]int][]string{}
)

// articles returns n article texts of about words mean words, from the
// WordNet corpus if it is installed, else synthetic.
func articles(tb testing.TB, n, words int) []string {
	tb.Helper()
	artMu.Lock()
	defer artMu.Unlock()
	key := [2]int{n, words}
	if a, ok := artCache[key]; ok {
		return a
	}
	srcOnce.Do(func() { src, srcErr = corpus.Load("") })
	var texts []string
	if srcErr == nil {
		cfg := corpus.DefaultConfig(n, 1)
		cfg.MeanWords = words
		cfg.Source = src
		arts, err := corpus.Generate(cfg)
		if err != nil {
			tb.Fatal(err)
		}
		texts = make([]string, len(arts))
		for i, a := range arts {
			texts[i] = a.Text
		}
	} else {
		logOnce.Do(func() {
			if errors.Is(srcErr, corpus.ErrNotInstalled) {
				tb.Logf("bench/corpus source text not installed (%v); using synthetic text. Install: %s", srcErr, corpus.InstallCommand)
			} else {
				tb.Logf("bench/corpus: %v; using synthetic text", srcErr)
			}
		})
		texts = synthArticles(n, words, 1)
	}
	artCache[key] = texts
	return texts
}

// synthArticles returns n deterministic pseudo-English articles of about
// words words each: Zipf-distributed words from a generated vocabulary,
// with sentences, capitals, punctuation and a 30% share of reworded copies
// (10–30% of words replaced).
func synthArticles(n, words int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 0x6e656172))
	const vocab = 20000
	syll := []string{"ka", "lo", "mi", "ter", "an", "dus", "re", "vo", "pen", "st", "ing", "ed", "al", "or", "ti", "ne", "ba", "com", "ex", "pro"}
	lex := make([]string, vocab)
	for i := range lex {
		var sb strings.Builder
		for range 1 + r.IntN(3) {
			sb.WriteString(syll[r.IntN(len(syll))])
		}
		lex[i] = sb.String()
	}
	zipf := rand.NewZipf(r, 1.1, 2, vocab-1)
	write := func(ws []string) string {
		var sb strings.Builder
		for i, w := range ws {
			if i > 0 {
				sb.WriteByte(' ')
			}
			if i == 0 || strings.HasSuffix(ws[i-1], ".") {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			sb.WriteString(w)
		}
		return sb.String()
	}
	var bases [][]string
	out := make([]string, n)
	for i := range out {
		if len(bases) > 0 && r.Float64() < 0.3 {
			b := bases[r.IntN(len(bases))]
			c := make([]string, len(b))
			copy(c, b)
			swap := 0.1 + 0.2*r.Float64()
			for j := range c {
				if r.Float64() < swap {
					c[j] = lex[zipf.Uint64()]
				}
			}
			out[i] = write(c)
			continue
		}
		nw := words/2 + r.IntN(words+1)
		ws := make([]string, nw)
		for j := range ws {
			ws[j] = lex[zipf.Uint64()]
			if r.IntN(12) == 0 {
				ws[j] += "."
			} else if r.IntN(15) == 0 {
				ws[j] += ","
			}
		}
		bases = append(bases, ws)
		out[i] = write(ws)
	}
	return out
}

func totalBytes(texts []string) int64 {
	var n int64
	for _, t := range texts {
		n += int64(len(t))
	}
	return n
}

// perArticle runs fn on the articles in turn and sets bytes to their mean
// length, so MB/s is throughput of text. It also reports cpu-ns/op, the
// process CPU time per call (GC included), which a shared machine
// disturbs less than wall time.
func perArticle(b *testing.B, texts []string, fn func(string)) {
	b.SetBytes(totalBytes(texts) / int64(len(texts)))
	b.ReportAllocs()
	i := 0
	cpu := synth.ProcessCPU()
	for b.Loop() {
		fn(texts[i])
		i++
		if i == len(texts) {
			i = 0
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process CPU time since cpu per iteration.
func reportCPU(b *testing.B, cpu time.Duration) {
	if d := synth.ProcessCPU() - cpu; cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkNormalize(b *testing.B) {
	for _, w := range wordSizes {
		texts := articles(b, poolSize, w)
		b.Run("words="+strconv.Itoa(w), func(b *testing.B) {
			perArticle(b, texts, func(t string) { _ = shingle.Normalize(t) })
		})
	}
	// ASCII-only text takes the normalizer's fast path; curly quotes and
	// dashes send a text through the x/text transformer chain.
	texts := articles(b, poolSize, 620)
	ascii := make([]string, len(texts))
	curly := make([]string, len(texts))
	for i, t := range texts {
		a := strings.NewReplacer("\u2014", "-", "\u2019", "'", "\u201c", "\"", "\u201d", "\"").Replace(t)
		ascii[i] = strings.Map(func(r rune) rune {
			if r >= 0x80 {
				return ' '
			}
			return r
		}, a)
		curly[i] = strings.NewReplacer("'", "\u2019", " \"", " \u201c", "\" ", "\u201d ").Replace(a)
	}
	b.Run("words=620/ascii", func(b *testing.B) {
		perArticle(b, ascii, func(t string) { _ = shingle.Normalize(t) })
	})
	b.Run("words=620/curly", func(b *testing.B) {
		perArticle(b, curly, func(t string) { _ = shingle.Normalize(t) })
	})
}

func newShingler(b *testing.B) *shingle.Shingler {
	s, err := shingle.New(shingle.Config{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkShingle(b *testing.B) {
	for _, w := range wordSizes {
		texts := articles(b, poolSize, w)
		b.Run("words="+strconv.Itoa(w), func(b *testing.B) {
			s := newShingler(b)
			var set []uint64
			for _, t := range texts { // warm the stem cache
				set = s.AppendHashes(set[:0], t)
			}
			perArticle(b, texts, func(t string) { set = s.AppendHashes(set[:0], t) })
		})
	}
}

// stemWords returns the words of the corpus in text order (repeats kept).
func stemWords(b *testing.B) []string {
	s := newShingler(b)
	var words []string
	for _, t := range articles(b, poolSize, 620) {
		words = s.AppendTokens(words, t)
	}
	return words
}

// BenchmarkStem compares the Shingler's cached stemmer with calling
// kljensen/snowball for every word. ns/op is per word.
func BenchmarkStem(b *testing.B) {
	words := stemWords(b)
	b.Run("cached", func(b *testing.B) {
		s := newShingler(b)
		for _, w := range words {
			s.Stem(w)
		}
		b.ReportAllocs()
		i := 0
		cpu := synth.ProcessCPU()
		for b.Loop() {
			_ = s.Stem(words[i])
			if i++; i == len(words) {
				i = 0
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("snowball", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		cpu := synth.ProcessCPU()
		for b.Loop() {
			if _, err := snowball.Stem(words[i], "english", false); err != nil {
				b.Fatal(err)
			}
			if i++; i == len(words) {
				i = 0
			}
		}
		reportCPU(b, cpu)
	})
}

func newHasher(b testing.TB, cfg dedup.Config) *dedup.Hasher {
	h, err := dedup.NewHasher(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkSign is MinHash signing of ready shingle sets; bytes are the
// articles' text bytes, so MB/s compares with the other stages.
func BenchmarkSign(b *testing.B) {
	texts := articles(b, poolSize, 620)
	s := newShingler(b)
	sets := make([][]uint64, len(texts))
	for i, t := range texts {
		sets[i] = s.AppendHashes(nil, t)
	}
	for _, c := range []struct {
		k      int
		method string
	}{{64, ""}, {128, ""}, {256, ""}, {128, dedup.MethodOPH}} {
		k := c.k
		name := "k=" + strconv.Itoa(k)
		if c.method != "" {
			name += "/" + c.method
		}
		b.Run(name, func(b *testing.B) {
			h := newHasher(b, dedup.Config{NumHashes: k, Method: c.method})
			b.SetBytes(totalBytes(texts) / int64(len(texts)))
			b.ReportAllocs()
			i := 0
			cpu := synth.ProcessCPU()
			for b.Loop() {
				_ = h.SignShingles(sets[i])
				if i++; i == len(sets) {
					i = 0
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkEndToEnd is Hasher.Sign (normalize, tokenize, stem, shingle,
// MinHash) on one goroutine, with MinWise and with one-permutation hashing.
func BenchmarkEndToEnd(b *testing.B) {
	for _, w := range wordSizes {
		texts := articles(b, poolSize, w)
		for _, method := range []string{"", dedup.MethodOPH} {
			name := fmt.Sprintf("words=%d/k=128", w)
			if method != "" {
				name += "/" + method
			}
			b.Run(name, func(b *testing.B) {
				h := newHasher(b, dedup.Config{Method: method})
				for _, t := range texts {
					h.Sign(t)
				}
				perArticle(b, texts, func(t string) { _ = h.Sign(t) })
			})
		}
	}
}

// indexSizes are the index sizes of the LSH benchmarks; 1M runs only with
// NEARDUP_BENCH_1M=1 and never with -short.
func indexSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("NEARDUP_BENCH_1M") != "" && !testing.Short() {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// lshConfig is the banding the comparison with ekzhu/minhash-lsh uses.
var lshConfig = dedup.Config{NumHashes: 128, Bands: 25, Rows: 5, Threshold: 0.5}

var (
	sigMu    sync.Mutex
	sigCache = map[int][]dedup.Signature{}
)

// synthSigs returns n signatures of synthetic shingle sets (signing n real
// articles would dominate the benchmark's setup): sets of 200–600 random
// shingles, 30% of them near copies (10–30% of shingles replaced) of an
// earlier set, signed on every core.
func synthSigs(tb testing.TB, n int) []dedup.Signature {
	sigMu.Lock()
	defer sigMu.Unlock()
	if s, ok := sigCache[n]; ok {
		return s
	}
	sigs := synth.Signatures(newHasher(tb, lshConfig), n, uint64(n))
	sigCache[n] = sigs
	return sigs
}

func buildIndex(tb testing.TB, sigs []dedup.Signature, ids []string) *dedup.Index {
	ix, err := dedup.NewIndex(lshConfig)
	if err != nil {
		tb.Fatal(err)
	}
	for i, s := range sigs {
		if err := ix.Add(ids[i], s); err != nil {
			tb.Fatal(err)
		}
	}
	return ix
}

func makeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "a" + strconv.Itoa(i)
	}
	return ids
}

// BenchmarkIndexAdd builds an index of n documents per iteration and
// reports docs/s and the heap the index holds per document.
func BenchmarkIndexAdd(b *testing.B) {
	for _, n := range indexSizes() {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			sigs := synthSigs(b, n)
			ids := makeIDs(n)
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			ix := buildIndex(b, sigs, ids)
			runtime.GC()
			runtime.ReadMemStats(&ms1)
			runtime.KeepAlive(ix)
			perDoc := float64(int64(ms1.HeapAlloc)-int64(ms0.HeapAlloc)) / float64(n)
			ix = nil
			b.ReportAllocs()
			b.ResetTimer()
			cpu := synth.ProcessCPU()
			for b.Loop() {
				buildIndex(b, sigs, ids)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
			if d := synth.ProcessCPU() - cpu; cpu > 0 && d > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/d.Seconds(), "cpu-docs/s")
			}
			b.ReportMetric(perDoc, "heapB/doc")
		})
	}
}

// BenchmarkIndexQuery queries an index of n documents with signatures of
// indexed documents (each finds itself and its copies). ns/op is per query.
func BenchmarkIndexQuery(b *testing.B) {
	for _, n := range indexSizes() {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			sigs := synthSigs(b, n)
			ix := buildIndex(b, sigs, makeIDs(n))
			var dst []dedup.Match
			b.ReportAllocs()
			i := 0
			cpu := synth.ProcessCPU()
			for b.Loop() {
				var err error
				dst, err = ix.AppendQuery(dst[:0], sigs[i], ix.Config().Threshold)
				if err != nil {
					b.Fatal(err)
				}
				if i += 7919; i >= n {
					i -= n
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkIndexCandidates is BenchmarkIndexQuery for the LSH step alone
// (Index.AppendCandidates: unverified IDs). ns/op is per query.
func BenchmarkIndexCandidates(b *testing.B) {
	for _, n := range indexSizes() {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			sigs := synthSigs(b, n)
			ix := buildIndex(b, sigs, makeIDs(n))
			var dst []string
			b.ReportAllocs()
			i := 0
			cpu := synth.ProcessCPU()
			for b.Loop() {
				var err error
				dst, err = ix.AppendCandidates(dst[:0], sigs[i])
				if err != nil {
					b.Fatal(err)
				}
				if i += 7919; i >= n {
					i -= n
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkCluster runs Deduper.Cluster (all cores) on a batch of articles.
func BenchmarkCluster(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		texts := articles(b, n, 620)
		arts := make([]dedup.Article, n)
		for i, t := range texts {
			arts[i] = dedup.Article{ID: "a" + strconv.Itoa(i), Text: t}
		}
		b.Run("articles="+strconv.Itoa(n), func(b *testing.B) {
			d, err := dedup.New(dedup.Config{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(totalBytes(texts))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.Cluster(arts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// TestSynthArticles keeps the fallback generator honest: deterministic,
// and the shingler finds words in it.
func TestSynthArticles(t *testing.T) {
	a, b := synthArticles(20, 100, 3), synthArticles(20, 100, 3)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("article %d differs between runs", i)
		}
	}
	s, err := shingle.New(shingle.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.AppendHashes(nil, a[0])); n < 10 {
		t.Fatalf("article 0 has %d shingles", n)
	}
}

// BenchmarkDeduperAdd streams articles into a Deduper one at a time
// (Add: sign, record Evidence, decide by every rule, index, cluster).
func BenchmarkDeduperAdd(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		texts := articles(b, n, 620)
		b.Run("articles="+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(totalBytes(texts))
			b.ReportAllocs()
			for b.Loop() {
				d, err := dedup.New(dedup.Config{})
				if err != nil {
					b.Fatal(err)
				}
				for i, t := range texts {
					if _, err := d.Add("a"+strconv.Itoa(i), t); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// BenchmarkDoc measures Hasher.Doc (signature and Evidence from one pass)
// against Hasher.Sign, one core.
func BenchmarkDoc(b *testing.B) {
	texts := articles(b, 200, 620)
	h, err := dedup.NewHasher(dedup.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		fn   func(string)
	}{
		{"sign", func(t string) { h.Sign(t) }},
		{"doc", func(t string) { h.Doc(t) }},
	} {
		b.Run(c.name+"/words=620", func(b *testing.B) {
			b.SetBytes(totalBytes(texts) / int64(len(texts)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c.fn(texts[i%len(texts)])
				i++
			}
		})
	}
}

// BenchmarkIndexMemory reports the heap an index takes per article with
// Evidence (Index.AddDoc: signature values, bands, postings, Evidence,
// cluster state and rewrite postings), and the Evidence alone.
func BenchmarkIndexMemory(b *testing.B) {
	for _, n := range []int{20000} {
		texts := articles(b, n, 620)
		h, err := dedup.NewHasher(dedup.Config{})
		if err != nil {
			b.Fatal(err)
		}
		docs := make([]dedup.Doc, n)
		evBytes := 0
		for i, t := range texts {
			docs[i] = h.Doc(t)
			evBytes += 4 * len(docs[i].Evidence)
		}
		b.Run("articles="+strconv.Itoa(n), func(b *testing.B) {
			var perDoc float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				ix, err := dedup.NewIndex(dedup.Config{})
				if err != nil {
					b.Fatal(err)
				}
				for i, d := range docs {
					if err := ix.AddDoc("a"+strconv.Itoa(i), d); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				perDoc = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
				runtime.KeepAlive(ix)
			}
			b.ReportMetric(perDoc, "heap-B/article")
			b.ReportMetric(float64(evBytes)/float64(n), "evidence-B/article")
		})
	}
}
