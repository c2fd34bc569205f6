package corpus

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Defaults used when the corresponding Config field is zero.
const (
	// DefaultMeanWords is the benchmark reference article size in words.
	DefaultMeanWords = 620
	// DefaultCopyRate is the fraction of articles that are reworded copies.
	DefaultCopyRate = 0.3
	// DefaultSwapMin and DefaultSwapMax bound the fraction of content words
	// a copy swaps for synonyms; each copy draws its own fraction.
	DefaultSwapMin = 0.10
	DefaultSwapMax = 0.30
)

// Config controls Generate, NewGenerator and Write.
type Config struct {
	// N is the number of articles to produce.
	N int
	// Seed selects the corpus: the same Seed, Config and Source always give
	// byte-identical output.
	Seed int64
	// CopyRate is the fraction of articles, in [0, 1), that are reworded
	// copies of an earlier base article. Zero means no copies; use
	// DefaultConfig for the default of 0.3.
	CopyRate float64
	// MeanWords is the mean length of a base article in words (copies are
	// a little shorter on average since they are often truncated). Zero
	// means DefaultMeanWords.
	MeanWords int
	// SwapMin and SwapMax bound the fraction of content words that a copy
	// replaces with synonyms; each copy draws uniformly from the range.
	// Both zero means DefaultSwapMin and DefaultSwapMax.
	SwapMin, SwapMax float64
	// Source is the loaded text. Nil means Load("") (the default location,
	// or $NEARDUP_WORDNET_DIR).
	Source *Source
}

// DefaultConfig returns the benchmark configuration for n articles.
func DefaultConfig(n int, seed int64) Config {
	return Config{N: n, Seed: seed, CopyRate: DefaultCopyRate, MeanWords: DefaultMeanWords,
		SwapMin: DefaultSwapMin, SwapMax: DefaultSwapMax}
}

// Article is one generated news article.
type Article struct {
	// ID is unique in the corpus: "a" and the zero-padded position.
	ID string `json:"id"`
	// Text is a headline, then paragraphs, separated by blank lines.
	Text string `json:"text"`
	// Cluster is the ID of the base story: for a copy, the article it was
	// derived from; for a base that has copies, its own ID; "" for an
	// article that has no copies.
	Cluster string `json:"cluster"`
}

// Summary counts what a generator has produced so far.
type Summary struct {
	Articles int   // articles produced
	Bases    int   // articles that are not copies
	Copies   int   // reworded copies
	Clusters int   // bases that have at least one copy
	Words    int64 // whitespace-separated words in all texts
	Bytes    int64 // bytes of text (JSON Lines output is larger)
}

// Generator produces the articles of one corpus in order, holding only the
// plan (a few bytes per article) in memory.
type Generator struct {
	src *Source
	cfg Config

	plan     []int32  // per position: -1 for a base, else the base position
	hasCopy  []uint64 // bit set of bases that have copies
	idWidth  int
	pos      int
	clusters int
	sum      Summary

	base, out doc
	buf       []byte
	scratch   []int32
	sel       []sent

	// per-article state used by template slots
	city, agency int
	used         [4]uint64 // templates used by the current article, per group
}

// errConfig wraps configuration errors.
var errConfig = errors.New("corpus: invalid config")

// NewGenerator checks cfg, loads the default source if cfg.Source is nil,
// and plans which articles are copies of which.
func NewGenerator(cfg Config) (*Generator, error) {
	if cfg.N < 0 || cfg.N > math.MaxInt32 {
		return nil, fmt.Errorf("%w: N=%d out of range", errConfig, cfg.N)
	}
	if !(cfg.CopyRate >= 0 && cfg.CopyRate < 1) {
		return nil, fmt.Errorf("%w: CopyRate=%v not in [0, 1)", errConfig, cfg.CopyRate)
	}
	if cfg.MeanWords == 0 {
		cfg.MeanWords = DefaultMeanWords
	}
	if cfg.MeanWords < 20 || cfg.MeanWords > 1000000 {
		return nil, fmt.Errorf("%w: MeanWords=%d not in [20, 1000000]", errConfig, cfg.MeanWords)
	}
	if cfg.SwapMin == 0 && cfg.SwapMax == 0 {
		cfg.SwapMin, cfg.SwapMax = DefaultSwapMin, DefaultSwapMax
	}
	if !(cfg.SwapMin >= 0 && cfg.SwapMin <= cfg.SwapMax && cfg.SwapMax <= 1) {
		return nil, fmt.Errorf("%w: swap range [%v, %v] not within [0, 1]", errConfig, cfg.SwapMin, cfg.SwapMax)
	}
	if cfg.Source == nil {
		s, err := Load("")
		if err != nil {
			return nil, err
		}
		cfg.Source = s
	}
	g := &Generator{src: cfg.Source, cfg: cfg, idWidth: 7}
	if w := len(strconv.Itoa(cfg.N - 1)); w > g.idWidth {
		g.idWidth = w
	}
	g.makePlan()
	return g, nil
}

// makePlan picks exactly round(N*CopyRate) copy positions and a base for
// each. Copies mostly follow recent stories, and popular stories attract
// more copies (a copy picks the story of an earlier copy 40% of the time),
// which gives the heavy-tailed cluster sizes of real wire syndication.
func (g *Generator) makePlan() {
	n := g.cfg.N
	g.plan = make([]int32, n)
	g.hasCopy = make([]uint64, (n+63)/64)
	copies := int(math.Round(g.cfg.CopyRate * float64(n)))
	if copies > n-1 {
		copies = max(n-1, 0)
	}
	r := seedFor(g.cfg.Seed, -1, 0x706c616e)
	bases := make([]int32, 0, n-copies)
	copyBases := make([]int32, 0, copies)
	left := copies
	for i := 0; i < n; i++ {
		if i == 0 || left == 0 || r.intn(n-i) >= left {
			g.plan[i] = -1
			bases = append(bases, int32(i))
			continue
		}
		left--
		var b int32
		switch x := r.float(); {
		case len(copyBases) > 0 && x < 0.4:
			b = copyBases[r.intn(len(copyBases))]
		case x < 0.85:
			b = bases[len(bases)-1-r.intn(min(len(bases), 500))]
		default:
			b = bases[r.intn(len(bases))]
		}
		g.plan[i] = b
		copyBases = append(copyBases, b)
		if g.hasCopy[b/64]&(1<<(b%64)) == 0 {
			g.hasCopy[b/64] |= 1 << (b % 64)
			g.clusters++
		}
	}
}

// Len returns the number of articles the generator produces in all.
func (g *Generator) Len() int { return g.cfg.N }

// Summary returns the counts of what has been produced so far; Clusters is
// the planned total.
func (g *Generator) Summary() Summary {
	s := g.sum
	s.Clusters = g.clusters
	return s
}

// Next returns the next article, or false when all N have been produced.
func (g *Generator) Next() (Article, bool) {
	if g.pos >= g.cfg.N {
		return Article{}, false
	}
	pos, text := g.next()
	a := Article{ID: g.id(pos), Text: string(text)}
	if c := g.cluster(pos); c >= 0 {
		a.Cluster = g.id(c)
	}
	return a, true
}

// next renders the article at g.pos into g.buf and advances.
func (g *Generator) next() (int, []byte) {
	pos := g.pos
	g.pos++
	g.buf = g.buf[:0]
	if b := g.plan[pos]; b < 0 {
		r := seedFor(g.cfg.Seed, pos, 0x62617365)
		g.buildBase(&g.base, &r)
		g.buf = g.render(g.buf, &g.base, nil, 0, 0)
		g.sum.Bases++
	} else {
		g.buf = g.buildCopy(g.buf, pos, int(b))
		g.sum.Copies++
	}
	g.sum.Articles++
	g.sum.Bytes += int64(len(g.buf))
	g.sum.Words += int64(countWords(g.buf))
	return pos, g.buf
}

// cluster returns the cluster's base position for pos, or -1.
func (g *Generator) cluster(pos int) int {
	if b := g.plan[pos]; b >= 0 {
		return int(b)
	}
	if g.hasCopy[pos/64]&(1<<(pos%64)) != 0 {
		return pos
	}
	return -1
}

func (g *Generator) appendID(dst []byte, pos int) []byte {
	dst = append(dst, 'a')
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(pos), 10)
	for i := len(s); i < g.idWidth; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

func (g *Generator) id(pos int) string {
	var d [24]byte
	return string(g.appendID(d[:0], pos))
}

// Generate returns all cfg.N articles in memory. For large corpora use
// NewGenerator or Write, which stream.
func Generate(cfg Config) ([]Article, error) {
	g, err := NewGenerator(cfg)
	if err != nil {
		return nil, err
	}
	out := make([]Article, 0, cfg.N)
	for {
		a, ok := g.Next()
		if !ok {
			return out, nil
		}
		out = append(out, a)
	}
}

// isSpace marks the bytes that separate words.
var isSpace = [256]uint8{' ': 1, '\n': 1, '\t': 1, '\r': 1}

// countWords counts whitespace-separated words, like len(strings.Fields).
func countWords(b []byte) int {
	n := 0
	prev := uint8(1)
	for _, c := range b {
		sp := isSpace[c]
		n += int(prev &^ sp)
		prev = sp
	}
	return n
}
