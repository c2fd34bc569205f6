package dedup

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"unsafe"
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
	// Evidence is the document's Evidence (Doc.Evidence), as 32-bit
	// words; empty for a document indexed by its Signature alone. Stores
	// keep and return it unchanged; the decision rules read it.
	Evidence []uint32
}

// Store keeps an Index's documents and LSH band postings. The in-memory
// store is the default; an implementation on a shared database lets many
// processes use one index. Implementations must be safe for concurrent
// use, and each method must be atomic: a document is either wholly stored
// (record and every posting) or not at all.
type Store interface {
	// Add stores rec and a posting for each of its band keys (keys[i] is
	// the key of band i). The keys must be the ones Index computes from
	// rec.Values (storetest.Prepare gives them for a signature): the
	// in-memory store confirms and removes postings by computing them
	// again. It returns an error wrapping ErrDuplicateID if rec.ID is
	// stored already, leaving the store unchanged. The store must copy
	// rec.Values and keys if it keeps them.
	Add(rec Record, keys []uint64) error
	// Remove deletes the document with the given ID and all its
	// postings, and reports whether it was there.
	Remove(id string) (bool, error)
	// Candidates calls fn once for every stored document that has a
	// posting under at least one of keys (keys[i] is looked up in band
	// i only), until fn returns false. A store may document a cap on
	// the documents it follows under one key (the in-memory store's
	// MaxPostings). The Record passed to fn is only
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

// DefaultMaxPostings is the posting cap of the in-memory store that
// NewIndex and NewMemoryStore make: Candidates follows at most this many
// documents under one band key (see MemoryStoreOptions.MaxPostings).
const DefaultMaxPostings = 256

// MemoryStoreOptions tune the in-memory store. The zero value means the
// defaults.
type MemoryStoreOptions struct {
	// MaxPostings caps the documents Candidates follows under one band
	// key: a key shared by more documents (a stop-key, typically made of
	// boilerplate such as datelines or credit lines that many articles
	// share) contributes only the MaxPostings documents most recently
	// added under it. Every posting is still stored, so removing
	// documents brings older ones back within the cap. Without a cap, a
	// few keys shared by a fixed share of a large corpus make every query
	// verify a fixed share of the index. A real copy shares many band
	// keys with its original, so a capped key rarely loses it; an exact
	// copy of many documents still finds the MaxPostings newest of
	// them. 0 means DefaultMaxPostings; a negative value means no cap.
	MaxPostings int
	// ExpectedDocs, if positive, sizes the band tables for that many
	// documents up front, saving the rehashing of growing tables.
	ExpectedDocs int
}

// NewMemoryStoreWith returns an empty in-memory Store for cfg with the
// given options. It is safe for concurrent use. Use it with
// NewIndexWithStore.
func NewMemoryStoreWith(cfg Config, opts MemoryStoreOptions) (Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	s := newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows)
	s.setOptions(opts)
	return s, nil
}

// check returns an error wrapping ErrConfig for options out of range.
func (opts MemoryStoreOptions) check() error {
	if opts.ExpectedDocs < 0 || opts.ExpectedDocs > maxDocs {
		return fmt.Errorf("%w: ExpectedDocs %d out of range 0..%d", ErrConfig, opts.ExpectedDocs, maxDocs)
	}
	return nil
}

// maxDocs is the most documents a memory store holds (document numbers
// + 1 are 32-bit).
const maxDocs = 1<<32 - 2

// memStore is the in-memory Store. Each document has a block of uint32 in
// a run of fixed-size chunks (see block): its k signature values, one
// chain link per band (the next document + 1 under the same band key, or
// 0), its shingle count and the first 8 bytes of its ID (see idPrefix).
// Per band an open-addressing table maps a band key to the first
// document of its chain (see bandTable). IDs, the ID map and sentence
// sketches are kept beside. It is safe for concurrent use.
//
// Per document and band it keeps the 4-byte chain link plus one 8-byte
// table slot per distinct key at a load factor of 1/2..3/4: about 17 B
// per band and document, against about 40 B for a map[uint64]uint32.
// Once a removed document's number has been reused it also keeps each
// document's place in the order of addition (8 B; see seq).
// Keeping a document's values and links together makes a query's chain
// steps and key checks land on the lines that verifying the candidate
// reads anyway, and chunks grow without copying.
type memStore struct {
	mu          sync.RWMutex
	k           int // values per document
	bands       int
	rows        int
	stride      int // uint32s per document block: k + bands + 3
	maxPostings int // postings Candidates follows per key; 0: all

	byID   map[string]uint32 // id -> document number
	ids    []string          // document number -> id ("" if free)
	blocks [][]uint32        // chunks of chunkDocs document blocks
	free   []uint32
	sent   sentences

	heads []bandTable // per band: key -> document number + 1

	sink uint32 // receives loads made only to bring lines into cache

	// seq is each document's place in the order of addition. Until a
	// freed document number is reused the numbers themselves are that
	// order and seq is nil (it costs 8 B a document only in a store that
	// has had removals). Range follows it, so that a saved index rebuilds
	// its chains, and with them which documents MaxPostings follows, in
	// the same order.
	seq     []uint64
	nextSeq uint64
}

// Document blocks are kept in chunks of chunkDocs blocks (the first chunk
// grows by doubling, so that small stores stay small).
const (
	chunkShift = 13
	chunkDocs  = 1 << chunkShift
	chunkMask  = chunkDocs - 1
)

func newMemStore(k, bands, rows int) *memStore {
	return &memStore{
		k: k, bands: bands, rows: rows, stride: k + bands + 3,
		maxPostings: DefaultMaxPostings,
		byID:        make(map[string]uint32),
		heads:       make([]bandTable, bands),
	}
}

func (s *memStore) setOptions(opts MemoryStoreOptions) {
	switch {
	case opts.MaxPostings < 0:
		s.maxPostings = 0
	case opts.MaxPostings > 0:
		s.maxPostings = opts.MaxPostings
	}
	if n := opts.ExpectedDocs; n > 0 {
		for b := range s.heads {
			s.heads[b].slots = newSlots(max(int(float64(n)/bulkLoad)+1, 8))
		}
		s.byID = make(map[string]uint32, n)
		s.ids = make([]string, 0, n)
	}
}

// block returns document d's block: values, links, shingle count, ID
// prefix.
func (s *memStore) block(d uint32) []uint32 {
	c := s.blocks[d>>chunkShift]
	off := int(d&chunkMask) * s.stride
	return c[off : off+s.stride : off+s.stride]
}

// link returns the address of document d's chain link in band b.
func (s *memStore) link(d uint32, b int) *uint32 {
	return &s.blocks[d>>chunkShift][int(d&chunkMask)*s.stride+s.k+b]
}

// keyOf returns the band-b key of document doc. It is the key Add was
// given for the document: band keys are computed from the values (see
// bandKeys), and Remove relies on that too.
func (s *memStore) keyOf(doc uint32, b int) uint64 {
	off := int(doc&chunkMask)*s.stride + b*s.rows
	return bandKey(s.blocks[doc>>chunkShift][off:off+s.rows], b)
}

// bandVals returns document doc's values in band b.
func (s *memStore) bandVals(doc uint32, b int) []uint32 {
	off := int(doc&chunkMask)*s.stride + b*s.rows
	return s.blocks[doc>>chunkShift][off : off+s.rows : off+s.rows]
}

// hasKey reports whether document doc's band-b key is key, whose band
// values are vals (nil if unknown). Equal values make equal keys, which
// saves hashing the document's values in the common case of a match;
// other values are hashed, so that the answer is exactly keyOf == key.
func (s *memStore) hasKey(doc uint32, b int, key uint64, vals []uint32) bool {
	if vals != nil && slices.Equal(s.bandVals(doc, b), vals) {
		return true
	}
	return s.keyOf(doc, b) == key
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
	if len(s.free) == 0 && len(s.ids) >= maxDocs {
		return fmt.Errorf("dedup: memory store full (%d documents)", len(s.ids))
	}
	for b := range s.heads {
		if t := &s.heads[b]; t.needGrow() {
			t.grow()
		}
	}
	doc := s.addRecord(rec)
	// Load the home slots of all bands first: the loads are independent,
	// so their cache misses overlap instead of coming one by one.
	var pre [prefetchGroup]bandSlot
	for g := 0; g < len(keys); g += prefetchGroup {
		ks := keys[g:min(g+prefetchGroup, len(keys))]
		for i, key := range ks {
			t := &s.heads[g+i]
			pre[i] = t.slots[t.home(uint32(key>>32))]
		}
		for i, key := range ks {
			s.insert(g+i, key, doc, pre[i])
		}
	}
	return nil
}

// prefetchGroup is how many bands' slots Add and Candidates load ahead.
const prefetchGroup = 32

// addRecord stores rec, without postings, under a free or new document
// number, which it returns. rec.ID must not be stored.
func (s *memStore) addRecord(rec Record) uint32 {
	doc := s.newDoc(rec.ID)
	blk := s.block(doc)
	copy(blk, rec.Values)
	s.setTail(blk, rec.ID, rec.Shingles)
	s.sent.set(doc, rec.Evidence)
	s.byID[rec.ID] = doc
	return doc
}

// setTail sets the part of block blk after the values: no chain links,
// the shingle count and the prefix of the ID id.
func (s *memStore) setTail(blk []uint32, id string, shingles int) {
	clear(blk[s.k : s.k+s.bands])
	blk[s.k+s.bands] = uint32(min(shingles, 1<<32-1))
	p := idPrefix(id)
	blk[s.k+s.bands+1], blk[s.k+s.bands+2] = uint32(p>>32), uint32(p)
}

// idPrefix returns the first 8 bytes of id (zero-padded) as a big-endian
// number. Prefixes order IDs as strings do where they differ: if
// idPrefix(a) < idPrefix(b) then a < b. So a query orders matches of
// equal similarity by the prefixes kept in their blocks, and reads the
// IDs themselves (another cache miss each) only when the prefixes are
// equal.
func idPrefix(id string) uint64 {
	var b [8]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:])
}

// newDoc takes a free or new document number for id, which it returns,
// with room for its block; the caller fills the block and byID.
func (s *memStore) newDoc(id string) uint32 {
	if n := len(s.free); n > 0 {
		doc := s.free[n-1]
		s.free = s.free[:n-1]
		s.ids[doc] = id
		if s.seq == nil {
			s.seq = make([]uint64, len(s.ids))
			for d := range s.seq {
				s.seq[d] = uint64(d)
			}
			s.nextSeq = uint64(len(s.ids))
		}
		s.seq[doc] = s.nextSeq
		s.nextSeq++
		return doc
	}
	doc := uint32(len(s.ids))
	s.ids = append(s.ids, id)
	if s.seq != nil {
		s.seq = append(s.seq, s.nextSeq)
		s.nextSeq++
	}
	c := int(doc >> chunkShift)
	if c == len(s.blocks) {
		n := chunkDocs * s.stride
		if c == 0 {
			n = 8 * s.stride
		}
		nb := make([]uint32, 0, n)
		adviseHuge(unsafe.Pointer(unsafe.SliceData(nb)), uintptr(n)*4)
		s.blocks = append(s.blocks, nb)
	}
	ch := s.blocks[c]
	if len(ch)+s.stride > cap(ch) {
		// Only the first chunk grows.
		nc := make([]uint32, len(ch), min(2*cap(ch), chunkDocs*s.stride))
		copy(nc, ch)
		ch = nc
	}
	s.blocks[c] = ch[:len(ch)+s.stride]
	return doc
}

// insert adds the posting of doc under key in band b, whose home slot
// holds first. The table must have room.
func (s *memStore) insert(b int, key uint64, doc uint32, first bandSlot) {
	t := &s.heads[b]
	tag := uint32(key >> 32)
	i := t.home(tag)
	if first.head != 0 {
		var found bool
		if i, found = s.probe(b, key, i, first); found {
			*s.link(doc, b) = t.slots[i].head
			t.slots[i].head = doc + 1
			return
		}
	}
	*s.link(doc, b) = 0
	t.slots[i] = bandSlot{tag: tag, head: doc + 1}
	t.used++
}

// find returns the slot of key in band b's table and true, or the empty
// slot where key would go and false. The table must have a slot.
func (s *memStore) find(b int, key uint64) (int, bool) {
	t := &s.heads[b]
	i := t.home(uint32(key >> 32))
	return s.probe(b, key, i, t.slots[i])
}

// probe is find from slot i, which holds sl.
func (s *memStore) probe(b int, key uint64, i int, sl bandSlot) (int, bool) {
	t := &s.heads[b]
	tag := uint32(key >> 32)
	for {
		if sl.head == 0 {
			return i, false
		}
		if sl.tag == tag && s.keyOf(sl.head-1, b) == key {
			return i, true
		}
		if i++; i == len(t.slots) {
			i = 0
		}
		sl = t.slots[i]
	}
}

func (s *memStore) Remove(id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.byID[id]
	if !ok {
		return false, nil
	}
	for b := range s.heads {
		// Unlink doc from the chain of its key in band b.
		t := &s.heads[b]
		next := s.link(doc, b)
		if len(t.slots) == 0 {
			continue
		}
		i, found := s.find(b, s.keyOf(doc, b))
		if !found {
			continue
		}
		p := uint32(0)
		for d := t.slots[i].head; d != 0; p, d = d, *s.link(d-1, b) {
			if d-1 != doc {
				continue
			}
			switch {
			case p != 0:
				*s.link(p-1, b) = *next
			case *next != 0:
				t.slots[i].head = *next
			default:
				t.remove(i)
			}
			break
		}
		*next = 0
	}
	delete(s.byID, id)
	s.ids[doc] = ""
	s.sent.set(doc, nil)
	s.free = append(s.free, doc)
	return true, nil
}

func (s *memStore) Candidates(keys []uint64, fn func(Record) bool) error {
	if len(keys) != s.bands {
		return fmt.Errorf("%w: %d band keys, store has %d bands", ErrConfigMismatch, len(keys), s.bands)
	}
	qs := matchPool.Get().(*matchScratch)
	defer matchPool.Put(qs)
	s.mu.RLock()
	defer s.mu.RUnlock()
	docs := s.collect(qs.docs[:0], keys, nil)
	slices.Sort(docs)
	docs = slices.Compact(docs)
	qs.docs = docs
	for _, d := range docs {
		if !fn(s.record(d)) {
			break
		}
	}
	return nil
}

// appendCandidates appends to dst the IDs of the candidates of a query
// (band keys keys, compacted values vals), each once, in the order they
// are first found: what Index.AppendCandidates returns over Candidates,
// without the callback and without reading the candidates' values.
func (s *memStore) appendCandidates(dst []string, keys []uint64, vals []uint32) []string {
	qs := matchPool.Get().(*matchScratch)
	defer matchPool.Put(qs)
	s.mu.RLock()
	defer s.mu.RUnlock()
	docs := s.collect(qs.docs[:0], keys, vals)
	docs, qs.set = distinct(docs, qs.set)
	qs.docs = docs
	for _, d := range docs {
		dst = append(dst, s.ids[d])
	}
	return dst
}

// appendMatches appends to dst the candidates of a query (band keys
// keys, compacted values vals, shingles shingles) whose estimated
// similarity reaches threshold, most similar first, ties by ID: what
// Index.AppendQuery returns over Candidates, without the callback.
func (s *memStore) appendMatches(dst []Match, keys []uint64, vals []uint32, shingles int, threshold float64) []Match {
	qs := matchPool.Get().(*matchScratch)
	defer matchPool.Put(qs)
	s.mu.RLock()
	defer s.mu.RUnlock()
	docs := s.collect(qs.docs[:0], keys, vals)
	qs.docs = docs
	if len(docs) > 32 {
		// A document shares several band keys with a near copy, so it
		// comes several times: keep its first appearance (a hash set is
		// cheaper than sorting long lists; the order does not matter,
		// the matches are sorted below).
		docs, qs.set = distinct(docs, qs.set)
	} else {
		slices.Sort(docs)
		docs = slices.Compact(docs)
	}
	// Load every line of the candidates first: the loads are
	// independent, so their cache misses overlap, where verifying one
	// candidate after another would wait for each.
	var x uint32
	for _, d := range docs {
		blk := s.block(d)
		for j := 0; j < s.k; j += 16 {
			x += blk[j]
		}
		x += blk[s.k-1] + blk[s.stride-1] + uint32(len(s.ids[d]))
	}
	if x == 1 {
		// Never taken in practice; keeps the loads.
		runtime.KeepAlive(x)
	}
	hits := qs.hits[:0]
	n := float64(len(vals))
	for _, d := range docs {
		blk := s.block(d)
		eq := matching(vals, blk[:s.k])
		if float64(eq)/n < threshold {
			continue
		}
		tail := blk[s.k+s.bands:]
		hits = append(hits, queryHit{eq: eq, doc: d, prefix: uint64(tail[1])<<32 | uint64(tail[2])})
	}
	qs.hits = hits
	// Sort by the number of equal values (the similarity), then by ID
	// prefix, then by ID: the IDs' bytes are read only for equal
	// prefixes.
	slices.SortFunc(hits, func(a, b queryHit) int {
		if a.eq != b.eq {
			return cmp.Compare(b.eq, a.eq)
		}
		if a.prefix != b.prefix {
			return cmp.Compare(a.prefix, b.prefix)
		}
		return cmp.Compare(s.ids[a.doc], s.ids[b.doc])
	})
	for _, h := range hits {
		dst = append(dst, newMatch(s.ids[h.doc], h.eq, len(vals), shingles, int(s.block(h.doc)[s.k+s.bands])))
	}
	return dst
}

// queryHit is a verified candidate of a query being sorted: its number of
// values equal to the query's, document number and ID prefix.
type queryHit struct {
	eq     int
	doc    uint32
	prefix uint64
}

// matchScratch holds a query's candidate documents, the hash set that
// makes them distinct and the verified hits. Pooled.
type matchScratch struct {
	docs, set []uint32
	hits      []queryHit
}

var matchPool = sync.Pool{New: func() any { return new(matchScratch) }}

// collect appends to docs the documents with a posting under keys
// (keys[b] in band b; at most maxPostings per key, the newest), a
// document once per key it is found under. vals, if not nil, are the
// values whose band keys keys are: comparing them with a document's
// saves hashing its values to confirm a key. The read lock must be held.
func (s *memStore) collect(docs []uint32, keys []uint64, vals []uint32) []uint32 {
	var pos [prefetchGroup]int
	var pre [prefetchGroup]bandSlot
	var left [prefetchGroup]int
	for g := 0; g < len(keys); g += prefetchGroup {
		ks := keys[g:min(g+prefetchGroup, len(keys))]
		// The steps go band by band over all the group's bands, so
		// that the cache misses of one step overlap: home slots first,
		// then the head documents whose keys the tags point at, then
		// the chains, one link of every band at a time.
		for i, key := range ks {
			t := &s.heads[g+i]
			if len(t.slots) == 0 {
				pos[i] = -1
				continue
			}
			pos[i] = t.home(uint32(key >> 32))
			pre[i] = t.slots[pos[i]]
		}
		for i, key := range ks {
			if pos[i] < 0 {
				continue
			}
			// Probe to the first slot with key's tag, or an empty one.
			t := &s.heads[g+i]
			tag := uint32(key >> 32)
			j, sl := pos[i], pre[i]
			for sl.head != 0 && sl.tag != tag {
				if j++; j == len(t.slots) {
					j = 0
				}
				sl = t.slots[j]
			}
			pos[i], pre[i] = j, sl
		}
		for i, key := range ks {
			j, sl := pos[i], pre[i]
			pre[i].head = 0
			if j < 0 || sl.head == 0 {
				continue
			}
			b := g + i
			var bv []uint32
			if vals != nil {
				bv = vals[b*s.rows : (b+1)*s.rows]
			}
			if !s.hasKey(sl.head-1, b, key, bv) {
				// Another key with the same tag: probe on.
				t := &s.heads[b]
				if j++; j == len(t.slots) {
					j = 0
				}
				var found bool
				if j, found = s.probe(b, key, j, t.slots[j]); !found {
					continue
				}
				sl = t.slots[j]
			}
			pre[i].head = sl.head
			left[i] = s.maxPostings
		}
		// Walk the chains side by side.
		for more := true; more; {
			more = false
			for i := range ks {
				d := pre[i].head
				if d == 0 {
					continue
				}
				docs = append(docs, d-1)
				if left[i]--; left[i] == 0 {
					pre[i].head = 0
					continue
				}
				pre[i].head = *s.link(d-1, g+i)
				more = true
			}
		}
	}
	return docs
}

// distinct removes repeated documents from docs, in place, keeping first
// appearances in order, with set (grown as needed and returned) as an
// open-addressing set of document numbers + 1.
func distinct(docs, set []uint32) ([]uint32, []uint32) {
	shift := 32
	for n := 1; n < 2*len(docs); n <<= 1 {
		shift--
	}
	n := 1 << (32 - shift)
	if cap(set) < n {
		set = make([]uint32, n)
	}
	set = set[:n]
	clear(set)
	out := docs[:0]
	for _, d := range docs {
		for h := (d * 0x9e3779b1) >> shift; ; h = (h + 1) & uint32(n-1) {
			if set[h] == 0 {
				set[h] = d + 1
				out = append(out, d)
				break
			}
			if set[h] == d+1 {
				break
			}
		}
	}
	return out, set
}

// record returns document d, sharing the store's slices.
func (s *memStore) record(d uint32) Record {
	blk := s.block(d)
	return Record{
		ID:       s.ids[d],
		Values:   blk[:s.k:s.k],
		Shingles: int(blk[s.k+s.bands]),
		Evidence: s.sent.get(d),
	}
}

// Range calls fn for the stored documents in the order they were added.
func (s *memStore) Range(fn func(Record) bool) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.seq == nil {
		for d, id := range s.ids {
			if id != "" && !fn(s.record(uint32(d))) {
				break
			}
		}
		return nil
	}
	order := make([]uint32, 0, len(s.byID))
	for d, id := range s.ids {
		if id != "" {
			order = append(order, uint32(d))
		}
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(s.seq[a], s.seq[b]) })
	for _, d := range order {
		if !fn(s.record(d)) {
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
	rec.Evidence = slices.Clone(rec.Evidence)
	return rec, true, nil
}

func (s *memStore) Len() (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID), nil
}
