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

// NewWithIndex returns a Deduper that signs with cfg and indexes into ix.
// cfg.Adopt(ix.Config()) applies: the Deduper decides at cfg's Threshold
// and rules, with ix's banding, or NewWithIndex returns an error wrapping
// ErrConfigMismatch naming the field that makes them incomparable. When
// cfg decides differently from ix, Index returns a view of ix under the
// Deduper's Config, sharing ix's documents and clusters.
func NewWithIndex(cfg Config, ix *Index) (*Deduper, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if ix == nil {
		return nil, fmt.Errorf("%w: nil index", ErrConfig)
	}
	cfg, err := cfg.Adopt(ix.cfg)
	if err != nil {
		return nil, err
	}
	return newDeduper(newHasher(cfg), ix.withConfig(cfg)), nil
}

// Config returns the configuration, with defaults filled in.
func (d *Deduper) Config() Config { return d.h.cfg }

// Hasher returns the Deduper's signer.
func (d *Deduper) Hasher() *Hasher { return d.h }

// Index returns the index of articles added with Add.
func (d *Deduper) Index() *Index { return d.ix }

// Len returns the number of articles indexed.
func (d *Deduper) Len() int { return d.ix.Len() }

// Remove forgets the article id and reports whether it was indexed. Its
// cluster keeps its name and its other articles.
func (d *Deduper) Remove(id string) (bool, error) { return d.ix.Remove(id) }

// Save writes the Deduper's index, with its clusters and times, to the
// file at path atomically; see Index.Save. Resume it with LoadIndex and
// NewWithIndex.
func (d *Deduper) Save(path string) error { return d.ix.Save(path) }
