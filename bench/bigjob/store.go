package main

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/dedup"
)

// capStore is a dedup.Store for this job: like the library's in-memory
// store (records in flat slices, per band a map from band key to a chain
// of documents), without removal or sentence sketches, and with a cap on
// hot band keys: a key already shared by more than maxChain documents is
// skipped when looking up candidates. On a large corpus of news text a
// few band keys come from very common shingles (datelines, stock
// phrases) and are shared by a good part of all documents; following them
// makes every query verify a fixed share of the index, which is quadratic
// in the corpus. A real copy shares many bands with its original, so
// skipping a hot one rarely loses it.
type capStore struct {
	mu       sync.RWMutex
	k, bands int
	maxChain uint32

	ids      []string
	shingles []uint32
	values   []uint32
	heads    []map[uint64]uint64 // per band: key -> count<<32 | (doc+1)
	next     [][]uint32          // per band: doc -> next doc + 1

	skipped atomic.Int64 // postings not followed because of the cap
}

func newCapStore(cfg dedup.Config, maxChain int) *capStore {
	cfg = cfg.WithDefaults()
	s := &capStore{k: cfg.NumHashes, bands: cfg.Bands, maxChain: uint32(maxChain),
		heads: make([]map[uint64]uint64, cfg.Bands), next: make([][]uint32, cfg.Bands)}
	for i := range s.heads {
		s.heads[i] = make(map[uint64]uint64)
	}
	return s
}

func (s *capStore) Add(rec dedup.Record, keys []uint64) error {
	if len(rec.Values) != s.k || len(keys) != s.bands {
		return fmt.Errorf("%w: record of %d values and %d keys", dedup.ErrConfigMismatch, len(rec.Values), len(keys))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// IDs are unique by construction (input sequence numbers): no check.
	doc := uint32(len(s.ids))
	s.ids = append(s.ids, rec.ID)
	s.shingles = append(s.shingles, uint32(min(rec.Shingles, 1<<32-1)))
	s.values = append(s.values, rec.Values...)
	for b, key := range keys {
		h := s.heads[b][key]
		s.next[b] = append(s.next[b], uint32(h))
		s.heads[b][key] = (h>>32+1)<<32 | uint64(doc+1)
	}
	return nil
}

func (s *capStore) Remove(string) (bool, error) {
	return false, fmt.Errorf("bigjob store: Remove not supported")
}

var scratch = sync.Pool{New: func() any { return new([]uint32) }}

func (s *capStore) Candidates(keys []uint64, fn func(dedup.Record) bool) error {
	if len(keys) != s.bands {
		return fmt.Errorf("%w: %d band keys", dedup.ErrConfigMismatch, len(keys))
	}
	buf := scratch.Get().(*[]uint32)
	defer scratch.Put(buf)
	docs := (*buf)[:0]
	s.mu.RLock()
	defer s.mu.RUnlock()
	var skipped int64
	for b, key := range keys {
		h := s.heads[b][key]
		if uint32(h>>32) > s.maxChain {
			skipped += int64(h >> 32)
			continue
		}
		for d := uint32(h); d != 0; d = s.next[b][d-1] {
			docs = append(docs, d-1)
		}
	}
	if skipped > 0 {
		s.skipped.Add(skipped)
	}
	slices.Sort(docs)
	docs = slices.Compact(docs)
	*buf = docs
	for _, d := range docs {
		if !fn(s.record(d)) {
			break
		}
	}
	return nil
}

func (s *capStore) record(d uint32) dedup.Record {
	return dedup.Record{ID: s.ids[d], Values: s.values[int(d)*s.k : int(d+1)*s.k], Shingles: int(s.shingles[d])}
}

func (s *capStore) Get(id string) (dedup.Record, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for d, x := range s.ids {
		if x == id {
			r := s.record(uint32(d))
			r.Values = slices.Clone(r.Values)
			return r, true, nil
		}
	}
	return dedup.Record{}, false, nil
}

func (s *capStore) Len() (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.ids), nil
}

func (s *capStore) Range(fn func(dedup.Record) bool) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for d := range s.ids {
		if !fn(s.record(uint32(d))) {
			break
		}
	}
	return nil
}

// chainHistogram counts band keys by chain length, in powers of two.
func (s *capStore) chainHistogram() []int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var h []int
	for _, m := range s.heads {
		for _, v := range m {
			n := int(v >> 32)
			i := 0
			for n > 1 {
				n >>= 1
				i++
			}
			for len(h) <= i {
				h = append(h, 0)
			}
			h[i]++
		}
	}
	return h
}
