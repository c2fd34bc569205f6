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

// memStore is the in-memory Store: records in flat slices, and per band an
// open-addressing table from band key to the first document of a chain of
// documents that share it (see bandTable). It is safe for concurrent use.
//
// Per document and band it keeps 4 bytes of chain link plus one 8-byte
// table slot per distinct key at a load factor of at most 3/4: about 15 B
// per band and document, against about 40 B for a map[uint64]uint32.
type memStore struct {
	mu    sync.RWMutex
	k     int // values per document
	bands int
	rows  int

	byID     map[string]uint32 // id -> document number
	ids      []string          // document number -> id ("" if free)
	shingles []uint32
	values   []uint32 // k per document
	free     []uint32
	sent     sentences

	heads []bandTable // per band: key -> document number + 1
	next  [][]uint32  // per band: document -> next document + 1
}

func newMemStore(k, bands, rows int) *memStore {
	return &memStore{
		k: k, bands: bands, rows: rows,
		byID:  make(map[string]uint32),
		heads: make([]bandTable, bands),
		next:  make([][]uint32, bands),
	}
}

// keyOf returns the band-b key of document doc. It is the key Add was
// given for the document: band keys are computed from the values (see
// bandKeys), and Remove relies on that too.
func (s *memStore) keyOf(doc uint32, b int) uint64 {
	off := int(doc)*s.k + b*s.rows
	return bandKey(s.values[off:off+s.rows], b)
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
	doc := s.addRecord(rec)
	for b, key := range keys {
		s.link(b, key, doc)
	}
	return nil
}

// addRecord stores rec, without postings, under a free or new document
// number, which it returns. rec.ID must not be stored.
func (s *memStore) addRecord(rec Record) uint32 {
	var doc uint32
	if n := len(s.free); n > 0 {
		doc = s.free[n-1]
		s.free = s.free[:n-1]
		s.ids[doc] = rec.ID
		s.shingles[doc] = uint32(min(rec.Shingles, 1<<32-1))
		copy(s.values[int(doc)*s.k:], rec.Values)
		s.sent.set(doc, rec.Sentences)
	} else {
		doc = uint32(len(s.ids))
		s.ids = append(s.ids, rec.ID)
		s.shingles = append(s.shingles, uint32(min(rec.Shingles, 1<<32-1)))
		s.values = append(s.values, rec.Values...)
		s.sent.set(doc, rec.Sentences)
		for b := range s.next {
			if len(s.next[b]) <= int(doc) {
				s.next[b] = append(s.next[b], 0)
			}
		}
	}
	s.byID[rec.ID] = doc
	return doc
}

// link adds the posting of doc under key in band b.
func (s *memStore) link(b int, key uint64, doc uint32) {
	t := &s.heads[b]
	if t.needGrow() {
		t.grow()
	}
	i, found := s.find(b, key)
	if found {
		s.next[b][doc] = t.slots[i].head
		t.slots[i].head = doc + 1
		return
	}
	s.next[b][doc] = 0
	t.slots[i] = bandSlot{tag: uint32(key >> 32), head: doc + 1}
	t.used++
}

// find returns the slot of key in band b's table and true, or the empty
// slot where key would go and false. The table must have a slot.
func (s *memStore) find(b int, key uint64) (int, bool) {
	t := &s.heads[b]
	tag := uint32(key >> 32)
	i := t.home(tag)
	for {
		sl := t.slots[i]
		if sl.head == 0 {
			return i, false
		}
		if sl.tag == tag && s.keyOf(sl.head-1, b) == key {
			return i, true
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
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
		t := &s.heads[b]
		if len(t.slots) == 0 {
			continue
		}
		i, found := s.find(b, key)
		if !found {
			continue
		}
		p := uint32(0)
		for d := t.slots[i].head; d != 0; p, d = d, s.next[b][d-1] {
			if d-1 != doc {
				continue
			}
			switch {
			case p != 0:
				s.next[b][p-1] = s.next[b][doc]
			case s.next[b][doc] != 0:
				t.slots[i].head = s.next[b][doc]
			default:
				t.remove(i)
			}
			break
		}
		s.next[b][doc] = 0
	}
	delete(s.byID, id)
	s.ids[doc] = ""
	s.sent.set(doc, nil)
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
		if len(s.heads[b].slots) == 0 {
			continue
		}
		i, found := s.find(b, key)
		if !found {
			continue
		}
		for d := s.heads[b].slots[i].head; d != 0; d = s.next[b][d-1] {
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
		Sentences: s.sent.get(d),
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
