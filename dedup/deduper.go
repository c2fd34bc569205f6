package dedup

import (
	"fmt"
	"sync"
)

// Deduper finds reworded copies among news articles: in a batch with
// Cluster, or one article at a time with Add.
//
// A Deduper is safe for concurrent use. Concurrent Adds are serialized
// around the check-then-insert step, so of two copies of one article that
// arrive at the same time exactly one is reported as new. The Results and
// Clusterings it returns, and their slices, are the caller's.
type Deduper struct {
	h     *Hasher
	ix    *Index
	rules rules
	mu    sync.Mutex // serializes Add's query and insert
}

// New returns a Deduper with an empty in-memory index, or an error
// wrapping ErrConfig.
func New(cfg Config) (*Deduper, error) {
	h, err := NewHasher(cfg)
	if err != nil {
		return nil, err
	}
	ix, err := NewIndex(cfg)
	if err != nil {
		return nil, err
	}
	return newDeduper(h, ix), nil
}

// newDeduper returns a Deduper over ix.
func newDeduper(h *Hasher, ix *Index) *Deduper {
	return &Deduper{h: h, ix: ix, rules: newRules(h.cfg)}
}

// NewWithIndex returns a Deduper that signs with cfg and indexes into ix,
// whose Config must equal cfg after defaults.
func NewWithIndex(cfg Config, ix *Index) (*Deduper, error) {
	h, err := NewHasher(cfg)
	if err != nil {
		return nil, err
	}
	if ix == nil {
		return nil, fmt.Errorf("%w: nil index", ErrConfig)
	}
	if ix.fp != h.fp || ix.cfg != h.cfg {
		return nil, fmt.Errorf("%w: index config differs from deduper config", ErrConfigMismatch)
	}
	return newDeduper(h, ix), nil
}

// Config returns the configuration, with defaults filled in.
func (d *Deduper) Config() Config { return d.h.cfg }

// Hasher returns the Deduper's signer.
func (d *Deduper) Hasher() *Hasher { return d.h }

// Index returns the index of articles added with Add.
func (d *Deduper) Index() *Index { return d.ix }

// Compare returns the exact similarity of two texts under the Deduper's
// config; see Hasher.Compare.
func (d *Deduper) Compare(a, b string) Score { return d.h.Compare(a, b) }

// WordSimilarity returns how closely two short texts say the same thing
// under the Deduper's config; see Hasher.WordSimilarity.
func (d *Deduper) WordSimilarity(a, b string) float64 { return d.h.WordSimilarity(a, b) }
