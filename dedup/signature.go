package dedup

import (
	"encoding/binary"
	"fmt"
	"math"
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
	values    []uint64
	shingles  int
	sentences []uint32 // sentence sketch, sorted and distinct; may be nil
	config    uint64   // Config.fingerprint of the maker
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
	s1, s2 uint64 // seeds of h1 and h2
	h1, h2 minhash.Hash64

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
	sh  *shingle.Shingler
	mw  *minhash.MinWise
	set []uint64
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
		// go-minhash derives value i of a shingle as h1 + i*h2. Our
		// shingles arrive already hashed (8 little-endian bytes), so
		// the two functions only need to remix them independently.
		h1: func(b []byte) uint64 { return mix64(binary.LittleEndian.Uint64(b) ^ s1) },
		h2: func(b []byte) uint64 { return mix64(binary.LittleEndian.Uint64(b)^s2) | 1 },
	}
	return h, nil
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
	return &signer{sh: sh, mw: minhash.NewMinWise(h.h1, h.h2, h.cfg.NumHashes)}
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
	// go-minhash has no Reset, but Signature returns its internal slice:
	// refilling that slice resets the sketch without a new allocation.
	mins := s.mw.Signature()
	for i := range mins {
		mins[i] = math.MaxUint64
	}
	if h.cfg.Method == MethodOPH {
		h.signOPH(mins, set)
	} else {
		h.signMinWise(mins, set)
	}
	values := make([]uint64, len(mins))
	copy(values, mins) // never hand out go-minhash's slice
	return Signature{values: values, shingles: len(set), config: h.fp}
}

// signMinWise lowers mins to the MinWise signature of set.
func (h *Hasher) signMinWise(mins []uint64, set []uint64) {
	// This is go-minhash's MinWise.Push inlined, h1 and h2 included:
	// value i of shingle v is h1(v) + i*h2(v), kept when smaller. Four
	// shingles share one pass over mins, and i*h2 is a running sum; the
	// values are exactly those of Push.
	i := 0
	for ; i+3 < len(set); i += 4 {
		a1, b1 := mix64(set[i]^h.s1), mix64(set[i]^h.s2)|1
		a2, b2 := mix64(set[i+1]^h.s1), mix64(set[i+1]^h.s2)|1
		a3, b3 := mix64(set[i+2]^h.s1), mix64(set[i+2]^h.s2)|1
		a4, b4 := mix64(set[i+3]^h.s1), mix64(set[i+3]^h.s2)|1
		for j := range mins {
			mins[j] = min(mins[j], a1, a2, a3, a4)
			a1 += b1
			a2 += b2
			a3 += b3
			a4 += b4
		}
	}
	for ; i+1 < len(set); i += 2 {
		a1, b1 := mix64(set[i]^h.s1), mix64(set[i]^h.s2)|1
		a2, b2 := mix64(set[i+1]^h.s1), mix64(set[i+1]^h.s2)|1
		for j := range mins {
			mins[j] = min(mins[j], a1, a2)
			a1 += b1
			a2 += b2
		}
	}
	if i < len(set) {
		a, b := mix64(set[i]^h.s1), mix64(set[i]^h.s2)|1
		for j := range mins {
			mins[j] = min(mins[j], a)
			a += b
		}
	}
}

// mix64 is the SplitMix64 finalizer, a bijective 64-bit mixer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

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
	return Score{
		Similarity:  float64(inter) / float64(len(x)+len(y)-inter),
		Containment: float64(inter) / float64(min(len(x), len(y))),
	}
}
