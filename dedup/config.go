package dedup

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/shingle"
)

// Defaults used where a Config field is zero.
const (
	// DefaultNumHashes is the signature length when Config.NumHashes is 0.
	DefaultNumHashes = 128
	// DefaultThreshold is the similarity threshold when Config.Threshold is
	// 0. Reworded wire copies share few word 3-grams (real reprinted
	// pairs typically score 0.2–0.5), so it is far below the 0.5–0.9 of
	// generic tools.
	DefaultThreshold = 0.2
	// MaxNumHashes is the largest accepted Config.NumHashes.
	MaxNumHashes = 4096
	// MinAtThreshold is the lowest Banding().AtThreshold that Validate
	// accepts for Bands and Rows set by hand (unless no banding of
	// NumHashes values does better): a banding under it misses most
	// pairs at the threshold.
	MinAtThreshold = 0.5
)

// Methods of computing signatures (Config.Method).
const (
	// MethodMinWise hashes every shingle once per signature value and
	// keeps each hash function's minimum: k hashes per shingle. It is the
	// default; "" means it too.
	MethodMinWise = "minwise"
	// MethodOPH is one-permutation hashing with optimal densification:
	// one hash per shingle, several times faster than MethodMinWise, with
	// estimates as accurate for articles of more than NumHashes shingles.
	MethodOPH = "oph"
)

// signatureVersion changes whenever the way a signature is computed
// changes, so that signatures of different library versions are never
// compared silently.
const signatureVersion = 1

// Config holds every setting that decides whether two signatures, or a
// signature and an index, can be compared. The zero value is valid and
// means the defaults; Config values are comparable with ==, and marshal to
// JSON.
type Config struct {
	// NumHashes is the number of MinHash values per signature.
	// 0 means DefaultNumHashes.
	NumHashes int `json:"num_hashes"`
	// Threshold is the similarity at or above which two articles are
	// copies, in (0, 1]. 0 means DefaultThreshold.
	Threshold float64 `json:"threshold"`
	// Bands and Rows set the LSH banding by hand: Bands bands of Rows
	// values each, with Bands*Rows <= NumHashes. Both 0 (the default)
	// chooses them from Threshold; see Banding.
	Bands int `json:"bands"`
	Rows  int `json:"rows"`
	// Seed seeds the MinHash permutations.
	Seed uint64 `json:"seed"`
	// Shingle decides how text becomes shingles.
	Shingle shingle.Config `json:"shingle"`
	// Method is how signatures are computed: MethodMinWise (k hashes of
	// every shingle; "" means it too) or MethodOPH (one-permutation
	// hashing, one hash per shingle, several times faster). Signatures of
	// different methods cannot be compared.
	Method string `json:"method,omitempty"`

	// The rules beyond the threshold (see the package documentation),
	// each on by default, where the development data shows it finds
	// copies without joining stories. With both NoContainment and
	// NoRewrites, Threshold is a floor: no pair below it is joined. They
	// do not change signatures: indexes and signatures of configs that
	// differ only here are comparable.

	// NoContainment turns off the trimmed-copy rule: a pair whose
	// Jaccard similarity reaches half the threshold is a copy when the
	// shorter article is at least half inside the other.
	NoContainment bool `json:"no_containment,omitempty"`
	// NoRewrites turns off heavy-rewrite detection: an article with no
	// other copy that is reworded sentence by sentence from another.
	NoRewrites bool `json:"no_rewrites,omitempty"`
	// NoRelations turns off the partial relations of a batch
	// (Clustering.Related).
	NoRelations bool `json:"no_relations,omitempty"`
}

// DefaultConfig returns the zero Config with its defaults filled in.
func DefaultConfig() Config { return Config{}.WithDefaults() }

// WithDefaults returns c with zero fields replaced by their defaults,
// including the banding chosen from the threshold.
func (c Config) WithDefaults() Config {
	if c.NumHashes == 0 {
		c.NumHashes = DefaultNumHashes
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.Method == MethodMinWise {
		// MinWise is the zero value: "" and "minwise" are one Config.
		c.Method = ""
	}
	c.Shingle = c.Shingle.WithDefaults()
	if c.Bands == 0 && c.Rows == 0 && c.NumHashes > 0 && c.NumHashes <= MaxNumHashes &&
		c.Threshold > 0 && c.Threshold <= 1 {
		c.Bands, c.Rows = chooseBanding(c.NumHashes, c.Threshold)
	}
	return c
}

// Validate reports whether c is usable, with an error wrapping ErrConfig
// (or the shingle package's error) that names the bad field. Bands and
// Rows set by hand must make a pair at the threshold a candidate with
// probability at least MinAtThreshold, unless no banding does better.
func (c Config) Validate() error { return c.validate(true) }

// validate is Validate; the banding's candidate probability is checked
// only if checkBanding (an index saved before the check existed, or
// resumed at another threshold, keeps its banding).
func (c Config) validate(checkBanding bool) error {
	if c.NumHashes < 0 || c.NumHashes > MaxNumHashes {
		return fmt.Errorf("%w: NumHashes %d out of range 1..%d", ErrConfig, c.NumHashes, MaxNumHashes)
	}
	if math.IsNaN(c.Threshold) || c.Threshold < 0 || c.Threshold > 1 {
		return fmt.Errorf("%w: Threshold %v out of range (0, 1]", ErrConfig, c.Threshold)
	}
	if c.Bands < 0 || c.Rows < 0 {
		return fmt.Errorf("%w: Bands %d and Rows %d: neither may be negative", ErrConfig, c.Bands, c.Rows)
	}
	if (c.Bands == 0) != (c.Rows == 0) {
		return fmt.Errorf("%w: Bands %d and Rows %d: set both or neither", ErrConfig, c.Bands, c.Rows)
	}
	handBanded := c.Bands != 0
	c = c.WithDefaults()
	// Bands and Rows are checked alone first: their product may overflow.
	if c.Bands > c.NumHashes || c.Rows > c.NumHashes || c.Bands*c.Rows > c.NumHashes {
		return fmt.Errorf("%w: Bands %d × Rows %d exceeds NumHashes %d", ErrConfig, c.Bands, c.Rows, c.NumHashes)
	}
	if err := c.Shingle.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if c.Method != "" && c.Method != MethodOPH {
		return fmt.Errorf("%w: Method %q: want %q (or \"\") or %q", ErrConfig, c.Method, MethodMinWise, MethodOPH)
	}
	if handBanded && checkBanding {
		p := CandidateProbability(c.Threshold, c.Bands, c.Rows)
		b, r := chooseBanding(c.NumHashes, c.Threshold)
		if best := CandidateProbability(c.Threshold, b, r); p < MinAtThreshold && p < best {
			return fmt.Errorf("%w: Bands %d x Rows %d makes a pair at Threshold %v a candidate with probability %.3f, under %v (Bands %d x Rows %d: %.3f)",
				ErrConfig, c.Bands, c.Rows, c.Threshold, p, MinAtThreshold, b, r, best)
		}
	}
	return nil
}

// Adopt returns the Config to use with an index, index file or store made
// under saved: c's Threshold and rules (NoContainment, NoRewrites,
// NoRelations) with saved's banding, since the band keys already stored
// were cut by it. Configs that differ only there sign alike, so one saved
// index can be resumed, and one Redis index shared, at any threshold;
// Banding().AtThreshold tells how well the kept banding serves the new
// threshold (to band afresh, copy the documents into a new index: see
// Index.Range).
//
// It returns an error wrapping ErrConfigMismatch naming the first field
// that makes signatures or band keys incomparable: NumHashes, Seed,
// Method, a Shingle field, or Bands and Rows set by hand in c to other
// values than saved's. Every path that opens an existing index applies
// it: NewWithIndex, LoadIndex (LoadOptions.Config), NewIndexWithStore
// and CopyIndex (redisstore.Open does not yet: it refuses any stored
// config that differs). c and saved must be valid; the result has its
// defaults filled in.
func (c Config) Adopt(saved Config) (Config, error) {
	hand := c.Bands != 0 || c.Rows != 0
	c, saved = c.WithDefaults(), saved.WithDefaults()
	differ := func(field string, a, b any) (Config, error) {
		return Config{}, fmt.Errorf("%w: %s is %v here and %v in the saved index", ErrConfigMismatch, field, a, b)
	}
	switch {
	case c.NumHashes != saved.NumHashes:
		return differ("NumHashes", c.NumHashes, saved.NumHashes)
	case c.Seed != saved.Seed:
		return differ("Seed", c.Seed, saved.Seed)
	case c.Method != saved.Method:
		return differ("Method", methodName(c.Method), methodName(saved.Method))
	}
	if c.Shingle != saved.Shingle {
		a, b := reflect.ValueOf(c.Shingle), reflect.ValueOf(saved.Shingle)
		for i := range a.NumField() {
			if !a.Field(i).Equal(b.Field(i)) {
				return differ("Shingle."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	}
	if hand && (c.Bands != saved.Bands || c.Rows != saved.Rows) {
		return Config{}, fmt.Errorf("%w: Bands x Rows is %d x %d here and %d x %d in the saved index",
			ErrConfigMismatch, c.Bands, c.Rows, saved.Bands, saved.Rows)
	}
	if c.fingerprint() != saved.fingerprint() {
		// Unreachable while fingerprint hashes only the fields above.
		return Config{}, fmt.Errorf("%w: the configs sign differently", ErrConfigMismatch)
	}
	c.Bands, c.Rows = saved.Bands, saved.Rows
	return c, nil
}

// methodName returns the name of a Method, "" being MethodMinWise.
func methodName(m string) string {
	if m == "" {
		return MethodMinWise
	}
	return m
}

// fingerprint identifies the settings that decide signature values:
// two signatures with equal fingerprints can be compared.
func (c Config) fingerprint() uint64 {
	c = c.WithDefaults()
	var d xxhash.Digest
	d.ResetWithSeed(0)
	var b [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		d.Write(b[:])
	}
	put(signatureVersion)
	put(uint64(c.NumHashes))
	put(c.Seed)
	put(uint64(c.Shingle.Size))
	put(c.Shingle.Seed)
	flags := uint64(0)
	if c.Shingle.StopWords {
		flags |= 1
	}
	if c.Shingle.NoStem {
		flags |= 2
	}
	put(flags)
	d.WriteString(c.Shingle.Language)
	if c.Shingle.Mode != "" {
		// Only a non-default mode is hashed, so that fingerprints
		// made before Mode existed stay valid.
		d.WriteString("\x00mode=" + c.Shingle.Mode)
	}
	if c.Method == "" {
		// The MinWise values changed in version 2 (one sketch of k
		// values with badly approximable h2 steps instead of groups of
		// 8); OPH values did not, so its fingerprints stay.
		d.WriteString("\x00minwise=2")
	} else {
		// Only a non-default method is hashed, so that fingerprints
		// made before Method existed stay valid.
		d.WriteString("\x00method=" + c.Method)
	}
	return d.Sum64()
}
