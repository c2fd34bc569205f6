package dedup

import (
	"fmt"
	"slices"
	"sync"
)

// Record is one indexed document as a Store keeps it.
type Record struct {
	// ID is the document's ID.
	ID string
	// Values holds the low 32 bits of each MinHash value: storing 32 bits
	// halves the memory and changes a similarity estimate by about 2^-32.
	Values []uint32
	// Shingles is the number of distinct shingles of the document.
	Shingles int
	// Sentences is the document's sentence sketch: sorted, distinct
	// 32-bit values, one or more per sentence, used as sentence-level
	// evidence when scoring a pair. It may be empty.
	Sentences []uint32
}

// Store keeps an Index's documents and LSH band postings. The in-memory
// store is the default; an implementation on a shared database lets many
// processes use one index. Implementations must be safe for concurrent
// use, and each method must be atomic: a document is either wholly stored
// (record and every posting) or not at all.
type Store interface {
	// Add stores rec and a posting for each of its band keys (keys[i] is
	// the key of band i). It returns an error wrapping ErrDuplicateID if
	// rec.ID is stored already, leaving the store unchanged. The store
	// must copy rec.Values if it keeps them.
	Add(rec Record, keys []uint64) error
	// Remove deletes the document with the given ID and all its
	// postings, and reports whether it was there.
	Remove(id string) (bool, error)
	// Candidates calls fn once for every stored document that has a
	// posting under at least one of keys (keys[i] is looked up in band
	// i only), until fn returns false. The Record passed to fn is only
	// valid during the call, and fn must not call the Store.
	Candidates(keys []uint64, fn func(Record) bool) error
	// Get returns the stored document with the given ID. Its Values are
	// the caller's.
	Get(id string) (Record, bool, error)
	// Len returns the number of stored documents.
	Len() (int, error)
	// Range calls fn for every stored document, in no set order, until fn
	// returns false. The Record is only valid during the call, and fn
	// must not call the Store.
	Range(fn func(Record) bool) error
}

// memStore is the in-memory Store: records in flat slices, and per band a
// map from band key to the first document of a chain of documents that
// share it. It is safe for concurrent use.
type memStore struct {
	mu    sync.RWMutex
	k     int // values per document
	bands int
	rows  int

	byID      map[string]uint32 // id -> document number
	ids       []string          // document number -> id ("" if free)
	shingles  []uint32
	values    []uint32   // k per document
	sentences [][]uint32 // per document
	free      []uint32

	heads []map[uint64]uint32 // per band: key -> document number + 1
	next  [][]uint32          // per band: document -> next document + 1
}

func newMemStore(k, bands, rows int) *memStore {
	s := &memStore{
		k: k, bands: bands, rows: rows,
		byID:  make(map[string]uint32),
		heads: make([]map[uint64]uint32, bands),
		next:  make([][]uint32, bands),
	}
	for i := range s.heads {
		s.heads[i] = make(map[uint64]uint32)
	}
	return s
}

func (s *memStore) Add(rec Record, keys []uint64) error {
	if len(rec.Values) != s.k || len(keys) != s.bands {
		return fmt.Errorf("%w: record of %d values and %d keys, store wants %d and %d",
			ErrConfigMismatch, len(rec.Values), len(keys), s.k, s.bands)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[rec.ID]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicateID, rec.ID)
	}
	var doc uint32
	if n := len(s.free); n > 0 {
		doc = s.free[n-1]
		s.free = s.free[:n-1]
		s.ids[doc] = rec.ID
		s.shingles[doc] = uint32(min(rec.Shingles, 1<<32-1))
		copy(s.values[int(doc)*s.k:], rec.Values)
		s.sentences[doc] = slices.Clone(rec.Sentences)
	} else {
		doc = uint32(len(s.ids))
		s.ids = append(s.ids, rec.ID)
		s.shingles = append(s.shingles, uint32(min(rec.Shingles, 1<<32-1)))
		s.values = append(s.values, rec.Values...)
		s.sentences = append(s.sentences, slices.Clone(rec.Sentences))
		for b := range s.next {
			s.next[b] = append(s.next[b], 0)
		}
	}
	s.byID[rec.ID] = doc
	for b, key := range keys {
		s.next[b][doc] = s.heads[b][key]
		s.heads[b][key] = doc + 1
	}
	return nil
}

func (s *memStore) Remove(id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.byID[id]
	if !ok {
		return false, nil
	}
	keys := bandKeys(nil, s.values[int(doc)*s.k:int(doc+1)*s.k], s.bands, s.rows)
	for b, key := range keys {
		// Unlink doc from the chain of its key in band b.
		p, head := uint32(0), s.heads[b][key]
	chain:
		for d := head; d != 0; p, d = d, s.next[b][d-1] {
			if d-1 != doc {
				continue
			}
			switch {
			case p != 0:
				s.next[b][p-1] = s.next[b][doc]
			case s.next[b][doc] != 0:
				s.heads[b][key] = s.next[b][doc]
			default:
				delete(s.heads[b], key)
			}
			break chain
		}
		s.next[b][doc] = 0
	}
	delete(s.byID, id)
	s.ids[doc] = ""
	s.sentences[doc] = nil
	s.free = append(s.free, doc)
	return true, nil
}

// scratch holds per-query candidate lists, pooled to avoid allocations.
var scratchPool = sync.Pool{New: func() any { return new([]uint32) }}

func (s *memStore) Candidates(keys []uint64, fn func(Record) bool) error {
	if len(keys) != s.bands {
		return fmt.Errorf("%w: %d band keys, store has %d bands", ErrConfigMismatch, len(keys), s.bands)
	}
	buf := scratchPool.Get().(*[]uint32)
	defer scratchPool.Put(buf)
	docs := (*buf)[:0]
	s.mu.RLock()
	defer s.mu.RUnlock()
	for b, key := range keys {
		for d := s.heads[b][key]; d != 0; d = s.next[b][d-1] {
			docs = append(docs, d-1)
		}
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

// record returns document d, sharing the store's slices.
func (s *memStore) record(d uint32) Record {
	return Record{
		ID:        s.ids[d],
		Values:    s.values[int(d)*s.k : int(d+1)*s.k],
		Shingles:  int(s.shingles[d]),
		Sentences: s.sentences[d],
	}
}

func (s *memStore) Range(fn func(Record) bool) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for d, id := range s.ids {
		if id != "" && !fn(s.record(uint32(d))) {
			break
		}
	}
	return nil
}

func (s *memStore) Get(id string) (Record, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	doc, ok := s.byID[id]
	if !ok {
		return Record{}, false, nil
	}
	rec := s.record(doc)
	rec.Values = slices.Clone(rec.Values)
	rec.Sentences = slices.Clone(rec.Sentences)
	return rec, true, nil
}

func (s *memStore) Len() (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID), nil
}
