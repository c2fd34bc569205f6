package dedup

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"sync"

	minhash "github.com/dgryski/go-minhash"
	"github.com/neardup/neardup/internal/hashmix"
	"github.com/neardup/neardup/shingle"
)

// Signature is the MinHash signature of one text's shingle set, tagged with
// the configuration that made it. The zero Signature is empty.
//
// A Signature is immutable and safe for concurrent use; its values are
// never shared with go-minhash or with the caller.
type Signature struct {
	values   []uint64
	shingles int
	config   uint64 // Config.fingerprint of the maker
}

// Len returns the number of MinHash values.
func (s Signature) Len() int { return len(s.values) }

// Shingles returns the number of distinct shingles in the signed set.
func (s Signature) Shingles() int { return s.shingles }

// Empty reports whether the signed set had no shingles.
func (s Signature) Empty() bool { return s.shingles == 0 }

// AppendValues appends the MinHash values to dst.
func (s Signature) AppendValues(dst []uint64) []uint64 { return append(dst, s.values...) }

// Similarity returns the MinHash estimate of the Jaccard similarity of the
// two signed sets: the fraction of equal values. It returns an error
// wrapping ErrConfigMismatch if the signatures were made under configs
// that cannot be compared. An empty signature (the zero Signature too)
// has similarity 0 with every signature, itself included, whatever the
// configs.
func (s Signature) Similarity(t Signature) (float64, error) {
	if s.Empty() || t.Empty() {
		return 0, nil
	}
	if s.config != t.config || len(s.values) != len(t.values) {
		return 0, fmt.Errorf("%w: signature lengths %d and %d", ErrConfigMismatch, len(s.values), len(t.values))
	}
	eq := 0
	for i, v := range s.values {
		if t.values[i] == v {
			eq++
		}
	}
	return float64(eq) / float64(len(s.values)), nil
}

// Hasher makes signatures under one Config. It is safe for concurrent use:
// each call borrows a private shingler and go-minhash sketch, which the
// Hasher keeps for later calls.
type Hasher struct {
	cfg    Config
	fp     uint64
	s1, s2 uint64 // seeds (s1 seeds the OPH mode, s2 its densification and the samplers)
	h1, h2 minhash.Hash64
	stride int // signature value p is sketch value p*stride mod NumHashes

	// free holds idle signers. Unlike a sync.Pool it survives garbage
	// collections, so the signers' stem caches stay warm in a long job.
	mu   sync.Mutex
	free []*signer
}

// maxFreeSigners bounds Hasher.free: more idle signers than goroutines
// signing at once are only kept up to this many.
const maxFreeSigners = 64

// signer is the per-goroutine state of a Hasher.
type signer struct {
	sh    *shingle.Shingler
	mw    *minhash.MinWise // nil in the OPH mode
	set   []uint64
	words []shingle.Word // Evidence scratch (Hasher.Doc)
	buf   [8]byte        // a shingle as go-minhash takes it

	// WordSimilarity's scratch.
	terms, restA, restB       []string
	keyed                     []uint64
	adj, adjStart, mate, last []int32
	seen                      []bool
}

// NewHasher returns a Hasher for cfg, or an error wrapping ErrConfig.
func NewHasher(cfg Config) (*Hasher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return newHasher(cfg.WithDefaults()), nil
}

// newHasher returns a Hasher for cfg, which is valid and has its defaults.
func newHasher(cfg Config) *Hasher {
	s1 := mix64(cfg.Seed ^ 0x5851f42d4c957f2d)
	s2 := sampleSeed(cfg)
	h := &Hasher{
		cfg: cfg,
		fp:  cfg.fingerprint(),
		s1:  s1,
		s2:  s2,
	}
	if cfg.Method != MethodOPH {
		// go-minhash derives value i of a shingle as h1 + i*h2 (mod
		// 2^64), so a shingle walks the 2^64 circle in steps of h2 and
		// wins value i when it passes closest above 0 there. With a
		// uniformly random h2, some shingle of a set often has a step
		// close to 0, or to a fraction p/q with a small q: it then wins a
		// whole run of values, and estimates get heavy tails (with
		// random steps 51 of TestSignatureEstimatorTails's 25,000 pairs
		// land beyond 5σ where 0.09 are expected, and a pair of Jaccard
		// 0.9 was once estimated at 0.35). One constant step for
		// every shingle avoids that but makes the values of a set
		// smaller than the sketch depend on each other.
		//
		// So h2 picks, by an independent hash of the shingle, one of 256
		// steps that are badly approximable up to the sketch size:
		// |q*step mod 2^64| >= 2^61/q for every 0 < q < NumHashes
		// (minWiseSteps). A shingle then wins about its fair share of the
		// values and no run of them, and shingles with different steps
		// are unrelated. Estimates are unbiased and spread no more than
		// the binomial bound of k independent hash functions (less for
		// sets smaller than k), with no heavy tail (TestSignatureEstimator*).
		steps := minWiseSteps(cfg.NumHashes)
		s3 := mix64(cfg.Seed ^ 0x2545f4914f6cdd1d)
		h.h1 = func(b []byte) uint64 { return mix64(binary.LittleEndian.Uint64(b) ^ s1) }
		h.h2 = func(b []byte) uint64 { return steps[mix64(binary.LittleEndian.Uint64(b)^s3)>>56] }
		// Values of nearby sketch positions are slightly anti-correlated
		// for small sets (a shingle cannot win two of them), so the
		// signature takes them in a golden-ratio stride: the rows of an
		// LSH band come from far-apart positions.
		h.stride = goldenStride(cfg.NumHashes)
	}
	return h
}

// minWiseStepCount is the number of go-minhash h2 steps, indexed by the
// top 8 bits of a hash.
const minWiseStepCount = 256

// stepTables caches minWiseSteps by sketch size.
var stepTables sync.Map // int -> *[minWiseStepCount]uint64

// minWiseSteps returns the h2 steps for sketches of k values: odd 64-bit
// numbers c, drawn from a fixed SplitMix64 sequence, kept when
// |q*c mod 2^64| >= 2^61/q for every 0 < q < k (the distance to 0 on
// the circle). About one draw in 3.4 passes at k = 128 and one in 7.5 at
// k = 4096; the table depends only on k, and the first Hasher for a k
// computes it (0.13 ms at k = 128, 2.4 ms at k = 4096).
func minWiseSteps(k int) *[minWiseStepCount]uint64 {
	if t, ok := stepTables.Load(k); ok {
		return t.(*[minWiseStepCount]uint64)
	}
	var t [minWiseStepCount]uint64
	state := uint64(0x6a09e667f3bcc908) // any fixed start
	for n := 0; n < len(t); {
		state += weylStep
		c := mix64(state) | 1
		if badlyApproximable(c, k) {
			t[n] = c
			n++
		}
	}
	got, _ := stepTables.LoadOrStore(k, &t)
	return got.(*[minWiseStepCount]uint64)
}

// badlyApproximable reports whether |q*c mod 2^64| * q >= 2^61 for every
// 0 < q < k, with |x| the distance from x to 0 on the 2^64 circle.
func badlyApproximable(c uint64, k int) bool {
	for q := uint64(1); q < uint64(k); q++ {
		d := q * c
		d = min(d, -d)
		if hi, lo := bits.Mul64(d, q); hi == 0 && lo < 1<<61 {
			return false
		}
	}
	return true
}

// goldenStride returns the first integer from round(k/φ) up that is
// coprime to k, so that p -> p*stride mod k is a permutation of 0..k-1.
func goldenStride(k int) int {
	s := int(math.Round(float64(k) * 0.6180339887498949))
	for gcd(s, k) != 1 {
		s++
	}
	return s
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Config returns the Hasher's configuration, with defaults filled in.
func (h *Hasher) Config() Config { return h.cfg }

// put returns a signer taken with get.
func (h *Hasher) put(s *signer) {
	h.mu.Lock()
	if len(h.free) < maxFreeSigners {
		h.free = append(h.free, s)
	}
	h.mu.Unlock()
}

func (h *Hasher) get() *signer {
	h.mu.Lock()
	if n := len(h.free); n > 0 {
		s := h.free[n-1]
		h.free = h.free[:n-1]
		h.mu.Unlock()
		return s
	}
	h.mu.Unlock()
	sh, err := shingle.New(h.cfg.Shingle)
	if err != nil {
		// NewHasher validated the config.
		panic(err)
	}
	s := &signer{sh: sh}
	if h.h1 != nil {
		s.mw = minhash.NewMinWise(h.h1, h.h2, h.cfg.NumHashes)
	}
	return s
}

// Sign returns the signature of text. A text with no words gives an empty
// signature (see Signature.Empty).
func (h *Hasher) Sign(text string) Signature {
	s := h.get()
	s.set = s.sh.AppendHashes(s.set[:0], text)
	sig := h.sign(s, s.set)
	h.put(s)
	return sig
}

// SignShingles returns the signature of a set of shingle hashes, such as
// one made by shingle.Shingler.AppendHashes. Repeated values count once
// only if the caller removed them; the shingle count is len(set).
func (h *Hasher) SignShingles(set []uint64) Signature {
	s := h.get()
	sig := h.sign(s, set)
	h.put(s)
	return sig
}

func (h *Hasher) sign(s *signer, set []uint64) Signature {
	values := make([]uint64, 0, h.cfg.NumHashes)
	if h.cfg.Method == MethodOPH {
		values = values[:h.cfg.NumHashes]
		for i := range values {
			values[i] = math.MaxUint64
		}
		h.signOPH(values, set)
	} else {
		// go-minhash has no Reset, but Signature returns its internal
		// slice: refilling it resets the sketch without an allocation.
		mins := s.mw.Signature()
		for i := range mins {
			mins[i] = math.MaxUint64
		}
		for _, v := range set {
			binary.LittleEndian.PutUint64(s.buf[:], v)
			s.mw.Push(s.buf[:])
		}
		// Copy out in stride order (see NewHasher): go-minhash's slice
		// is never handed out.
		values = values[:h.cfg.NumHashes]
		j, k := 0, len(mins)
		for p := range values {
			values[p] = mins[j]
			if j += h.stride; j >= k {
				j -= k
			}
		}
	}
	return Signature{values: values, shingles: len(set), config: h.fp}
}

// weylStep is 2^64 divided by the golden ratio, made odd.
const weylStep = 0x9e3779b97f4a7c15

// mix64 is the SplitMix64 finalizer (hashmix.Mix64), inlined.
func mix64(x uint64) uint64 { return hashmix.Mix64(x) }

// Score is the exact similarity of two texts' shingle sets.
type Score struct {
	// Similarity is the Jaccard similarity |A∩B| / |A∪B|: the value a
	// signature comparison estimates.
	Similarity float64 `json:"similarity"`
	// Containment is the overlap coefficient |A∩B| / min(|A|,|B|).
	Containment float64 `json:"containment"`
}

// Compare returns the exact similarity of the shingle sets of two texts,
// without MinHash estimation error. Use it to score a pair at hand; use
// signatures and an Index to search many. Texts with no words score 0.
func (h *Hasher) Compare(a, b string) Score {
	s := h.get()
	defer h.put(s)
	s.set = s.sh.AppendHashes(s.set[:0], a)
	na := len(s.set)
	s.set = s.sh.AppendHashes(s.set, b)
	x, y := s.set[:na], s.set[na:]
	if len(x) == 0 || len(y) == 0 {
		return Score{}
	}
	inter := intersectSorted(x, y)
	return Score{
		Similarity:  float64(inter) / float64(len(x)+len(y)-inter),
		Containment: float64(inter) / float64(min(len(x), len(y))),
	}
}

// intersectSorted returns the number of values two sorted sets share.
func intersectSorted(x, y []uint64) int {
	inter := 0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return inter
}

// sampleSeed is the seed of the OPH densification and of the shingle
// samplers (sampleShingles) under cfg.
func sampleSeed(cfg Config) uint64 { return mix64(cfg.Seed ^ 0x14057b7ef767814f) }
