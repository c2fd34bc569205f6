package dedup

import (
	"encoding/binary"
	"fmt"
	"github.com/neardup/neardup/internal/hashmix"
	"math"
	"slices"
	"sync"

	minhash "github.com/dgryski/go-minhash"
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
// that cannot be compared. An empty signature has similarity 0 with every
// signature, itself included.
func (s Signature) Similarity(t Signature) (float64, error) {
	if s.config != t.config || len(s.values) != len(t.values) {
		return 0, fmt.Errorf("%w: signature lengths %d and %d", ErrConfigMismatch, len(s.values), len(t.values))
	}
	if s.Empty() || t.Empty() {
		return 0, nil
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
	s1, s2 uint64           // seeds (s1 also seeds the OPH mode)
	h1     []minhash.Hash64 // one per group of minGroup values

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
	sh   *shingle.Shingler
	mws  []*minhash.MinWise // one per group of minGroup values
	set  []uint64
	keys []byte // set as little-endian bytes, the input of Push
}

// NewHasher returns a Hasher for cfg, or an error wrapping ErrConfig.
func NewHasher(cfg Config) (*Hasher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	s1 := mix64(cfg.Seed ^ 0x5851f42d4c957f2d)
	s2 := mix64(cfg.Seed ^ 0x14057b7ef767814f)
	h := &Hasher{
		cfg: cfg,
		fp:  cfg.fingerprint(),
		s1:  s1,
		s2:  s2,
	}
	// go-minhash derives value i of a shingle as h1 + i*h2 (mod 2^64).
	// With h2 random per shingle, a shingle whose h2 is small, or whose
	// j*h2 wraps close to 0 for a small j, wins a run of slots: slots
	// are correlated and estimates get heavy tails (in our tests a pair
	// of Jaccard 0.9 was once estimated at 0.35). So h2 is one constant,
	// the odd golden-ratio Weyl step: value i then takes the shingle
	// whose h1 follows the point -i*h2 on the 2^64 circle, and those
	// points are spread evenly (three-distance theorem), so each value
	// picks a uniformly random element of the union and nearby values
	// pick different ones. Points of one sketch are not independent,
	// which matters for sets smaller than the sketch, so the signature
	// is cut into groups of minGroup values, each a MinWise with its own
	// independently seeded h1.
	for g := 0; g < (cfg.NumHashes+minGroup-1)/minGroup; g++ {
		seed := mix64(s1 ^ uint64(g)*0x9e3779b97f4a7c15)
		h.h1 = append(h.h1, func(b []byte) uint64 { return mix64(binary.LittleEndian.Uint64(b) ^ seed) })
	}
	return h, nil
}

// weylH2 is go-minhash's second hash: the constant Weyl step.
func weylH2([]byte) uint64 { return weylStep }

// minGroup is the number of MinHash values per go-minhash sketch.
const minGroup = 8

// interleave returns where value p of group g (of groups) goes in a
// signature of k values: position p*groups+g while every group still has
// a value p; groups are full (minGroup values) except perhaps the last,
// whose tail values fill the remaining positions in order.
func interleave(p, g, groups, k int) int {
	last := k - (groups-1)*minGroup // size of the last group
	if p < last {
		return p*groups + g
	}
	// Past the last group's size only the full groups remain.
	return last*groups + (p-last)*(groups-1) + g
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
	for g, h1 := range h.h1 {
		size := min(minGroup, h.cfg.NumHashes-g*minGroup)
		s.mws = append(s.mws, minhash.NewMinWise(h1, weylH2, size))
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
		for _, mw := range s.mws {
			// go-minhash has no Reset, but Signature returns its
			// internal slice: refilling it resets the sketch
			// without an allocation.
			mins := mw.Signature()
			for i := range mins {
				mins[i] = math.MaxUint64
			}
		}
		// The shingles as go-minhash takes them (8 bytes each), then
		// one sketch at a time: measured 5% faster than pushing each
		// shingle into the 16 sketches in turn.
		s.keys = slices.Grow(s.keys[:0], 8*len(set))[:8*len(set)]
		keys := s.keys
		for i, v := range set {
			binary.LittleEndian.PutUint64(keys[8*i:], v)
		}
		for _, mw := range s.mws {
			for i := 0; i+8 <= len(keys); i += 8 {
				mw.Push(keys[i : i+8 : i+8])
			}
		}
		// Interleave the groups (value i comes from group i mod G), so
		// that the rows of an LSH band come from independent sketches.
		// This copies: go-minhash's slices are never handed out.
		values = values[:h.cfg.NumHashes]
		groups := len(s.mws)
		for g, mw := range s.mws {
			for p, v := range mw.Signature() {
				values[interleave(p, g, groups, h.cfg.NumHashes)] = v
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
