package dedup

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// bandKey returns the key of band b of a document whose band-b values are
// vals: bandKeys(nil, values, bands, rows)[b] == bandKey(values[b*rows:(b+1)*rows], b).
func bandKey(vals []uint32, b int) uint64 {
	h := uint64(b+1) * 0x9e3779b97f4a7c15
	for _, v := range vals {
		h = mix64(h ^ uint64(v))
	}
	return h
}

// bandSlot is a slot of a bandTable: the high 32 bits of a band key and
// the first document + 1 of the key's chain (0: the slot is empty).
type bandSlot struct {
	tag  uint32
	head uint32
}

// bandTable is an open-addressing (linear probing) hash table from band
// key to the head of the key's chain of documents. A slot keeps only the
// high 32 bits of its key (the tag) and the head document: two keys with
// the same tag are told apart by recomputing the head document's band key
// from its values (memStore.find), so lookups stay exact. The home slot of
// a key depends on its tag only, so the table can grow and delete
// (backward shift, no tombstones) without the full keys.
type bandTable struct {
	slots []bandSlot
	used  int
}

// Load factor limits: Add grows a table past 3/4 full; a bulk load sizes
// it to be bulkLoad full.
const bulkLoad = 0.7

// newSlots returns n empty slots, in huge pages where the system allows
// (see adviseHuge).
func newSlots(n int) []bandSlot {
	sl := make([]bandSlot, n)
	adviseHuge(unsafe.Pointer(unsafe.SliceData(sl)), uintptr(n)*unsafe.Sizeof(bandSlot{}))
	return sl
}

// home returns the home slot of tag (the table must have slots). Tags are
// the high bits of mixed hashes, so uniform.
func (t *bandTable) home(tag uint32) int {
	return int(uint64(tag) * uint64(len(t.slots)) >> 32)
}

func (t *bandTable) needGrow() bool {
	return 4*(t.used+1) > 3*len(t.slots)
}

// grow enlarges the table by half: its load then stays within 1/2..3/4
// (doubling would leave it between 3/8 and 3/4).
func (t *bandTable) grow() { t.resize(max(len(t.slots)+len(t.slots)/2, 8)) }

// resize rehashes the table into n > used slots.
func (t *bandTable) resize(n int) {
	old := t.slots
	t.slots = newSlots(n)
	for _, sl := range old {
		if sl.head == 0 {
			continue
		}
		i := t.home(sl.tag)
		for t.slots[i].head != 0 {
			if i++; i == n {
				i = 0
			}
		}
		t.slots[i] = sl
	}
}

// remove empties slot i, shifting back the slots after it that would
// otherwise be unreachable.
func (t *bandTable) remove(i int) {
	n := len(t.slots)
	j := i
	for {
		if j++; j == n {
			j = 0
		}
		sl := t.slots[j]
		if sl.head == 0 {
			break
		}
		h := t.home(sl.tag)
		// sl stays at j if its home lies cyclically in (i, j].
		if i <= j {
			if i < h && h <= j {
				continue
			}
		} else if i < h || h <= j {
			continue
		}
		t.slots[i] = sl
		i = j
	}
	t.slots[i] = bandSlot{}
	t.used--
}

// sentences keeps the sentence sketches of a store's documents in one
// slab: a document's sketch is slab[off:off+n], with off and n packed in
// ref[doc] (0: none). Sketches of removed or replaced documents are
// garbage until the slab is compacted, which happens once garbage
// outweighs live values. This saves a slice header and an allocation per
// document.
type sentences struct {
	slab    []uint32
	ref     []uint64 // per document: off<<sentLenBits | n
	long    map[uint32][]uint32
	garbage int
}

const (
	sentLenBits = 25 // MaxSavedEvidence = 1<<24 fits
	sentLenMask = 1<<sentLenBits - 1
	sentLong    = sentLenMask // ref length: the sketch is in long
)

func (s *sentences) get(doc uint32) []uint32 {
	if int(doc) >= len(s.ref) {
		return nil
	}
	r := s.ref[doc]
	n := int(r & sentLenMask)
	switch n {
	case 0:
		return nil
	case sentLong:
		return s.long[doc]
	}
	off := int(r >> sentLenBits)
	return s.slab[off : off+n : off+n]
}

// set replaces doc's sketch with a copy of v. While no document has a
// sketch, ref stays empty.
func (s *sentences) set(doc uint32, v []uint32) {
	if len(v) == 0 && int(doc) >= len(s.ref) {
		return
	}
	for int(doc) >= len(s.ref) {
		s.ref = append(s.ref, 0)
	}
	if n := int(s.ref[doc] & sentLenMask); n == sentLong {
		delete(s.long, doc)
	} else {
		s.garbage += n
	}
	s.ref[doc] = 0
	switch {
	case len(v) == 0:
	case len(v) >= sentLong:
		if s.long == nil {
			s.long = make(map[uint32][]uint32)
		}
		s.long[doc] = append([]uint32(nil), v...)
		s.ref[doc] = sentLong
	default:
		s.ref[doc] = uint64(len(s.slab))<<sentLenBits | uint64(len(v))
		s.slab = append(s.slab, v...)
	}
	if s.garbage > 1024 && s.garbage > len(s.slab)/2 {
		s.compact()
	}
}

// compact drops the garbage from the slab.
func (s *sentences) compact() {
	slab := make([]uint32, 0, len(s.slab)-s.garbage)
	for d, r := range s.ref {
		n := int(r & sentLenMask)
		if n == 0 || n == sentLong {
			continue
		}
		off := int(r >> sentLenBits)
		s.ref[d] = uint64(len(slab))<<sentLenBits | uint64(n)
		slab = append(slab, s.slab[off:off+n]...)
	}
	s.slab, s.garbage = slab, 0
}

// Bulk loading. ReadIndex adds every record of a file with loadRecord and
// then builds the band postings with buildPostings; Index.AddBatch stores
// a batch's records and posts them in one go (addBatch). Both post the
// documents with postDocs: each table is sized once, and a chunk of
// documents is posted band by band, the home slots of a group of
// documents loaded before they are inserted (so that the cache misses on
// the table overlap) and the documents' chain links written in document
// order. (Posting a chunk in the order of home slots instead, after a
// counting sort, was no faster at 1M documents: the links were then
// written at random.)

// loadRecord stores rec without postings, or returns an error wrapping
// ErrDuplicateID. The store must be fresh from newMemStore, and
// buildPostings must follow before any other use.
func (s *memStore) loadRecord(rec Record) error {
	if _, ok := s.byID[rec.ID]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicateID, rec.ID)
	}
	if len(s.ids) >= maxDocs {
		return fmt.Errorf("dedup: memory store full (%d documents)", len(s.ids))
	}
	s.addRecord(rec)
	return nil
}

// buildPostings indexes every document stored by loadRecord.
func (s *memStore) buildPostings() {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.ids)
	for b := range s.heads {
		s.heads[b] = bandTable{slots: newSlots(max(int(float64(n)/bulkLoad)+1, 8))}
	}
	docs := make([]uint32, n)
	for d := range docs {
		docs[d] = uint32(d)
	}
	s.postDocs(docs)
}

// addBatch stores sigs[i] under ids[i], with their postings, as len(ids)
// calls of Add would (the same document numbers, the same chain order
// under every band key), or nothing at all: it returns an error wrapping
// ErrDuplicateID if an ID is stored already or comes twice in ids. The
// signatures must have been checked against the store's config.
func (s *memStore) addBatch(ids []string, sigs []Doc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := len(ids)
	if m > len(s.free)+maxDocs-len(s.ids) {
		return fmt.Errorf("dedup: memory store full (%d documents, batch of %d)", len(s.byID), m)
	}
	if len(s.byID) == 0 && m > 1024 {
		// A fresh store: size the ID map and list once.
		s.byID = make(map[string]uint32, m)
		s.ids = slices.Grow(s.ids, m)
	}
	nFree, nIDs := len(s.free), len(s.ids)
	docs := make([]uint32, m)
	for i, id := range ids {
		if _, ok := s.byID[id]; ok {
			s.undoRecords(docs[:i], nFree, nIDs)
			return fmt.Errorf("%w: %q", ErrDuplicateID, id)
		}
		doc := s.newDoc(id)
		blk := s.block(doc)
		for j, v := range sigs[i].Signature.values {
			blk[j] = uint32(v)
		}
		s.setTail(blk, id, sigs[i].Signature.shingles)
		s.sent.set(doc, sigs[i].Evidence)
		s.byID[id] = doc
		docs[i] = doc
	}
	for b := range s.heads {
		t := &s.heads[b]
		if 4*(t.used+m) > 3*len(t.slots) {
			t.resize(max(len(t.slots)+len(t.slots)/2, int(float64(t.used+m)/bulkLoad)+1, 8))
		}
	}
	s.postDocs(docs)
	return nil
}

// undoRecords removes the documents docs, the last ones stored (by
// newDoc, when the store had nFree free document numbers and nIDs
// numbers in all), without postings.
func (s *memStore) undoRecords(docs []uint32, nFree, nIDs int) {
	for _, d := range docs {
		delete(s.byID, s.ids[d])
		s.ids[d] = ""
	}
	// newDoc took the free numbers from the end of s.free, which still
	// holds them beyond its length.
	s.free = s.free[:nFree]
	clear(s.ids[nIDs:])
	s.ids = s.ids[:nIDs]
	if len(s.seq) > nIDs {
		s.seq = s.seq[:nIDs]
	}
	nc := (nIDs + chunkDocs - 1) / chunkDocs
	clear(s.blocks[nc:])
	s.blocks = s.blocks[:nc]
	if nc > 0 {
		s.blocks[nc-1] = s.blocks[nc-1][:(nIDs-(nc-1)*chunkDocs)*s.stride]
	}
}

// postChunk is how many documents postDocs posts band by band (their
// band keys are computed once, 8 bytes per band and document);
// insertGroup is how many home slots it loads ahead; parallelDocs is the
// least number of documents for which postDocs uses more than one
// goroutine.
const (
	postChunk    = 1 << 15
	insertGroup  = 16
	parallelDocs = 4096
)

// postDocs adds the postings of docs, whose links are clear, in every
// band, as calls of insert in the order of docs would. The tables must
// have room for all of them.
//
// The bands are independent: a band's table and the documents' links in
// that band are written by one goroutine only, and the values that
// confirm a key are not written at all. So a large batch is posted by up
// to GOMAXPROCS goroutines, each with its own run of bands, and the keys
// by the same goroutines, each with its own run of documents.
func (s *memStore) postDocs(docs []uint32) {
	workers := 1
	if len(docs) >= parallelDocs {
		workers = min(runtime.GOMAXPROCS(0), s.bands)
	}
	c := min(len(docs), postChunk)
	keys := make([]uint64, c*s.bands)
	sinks := make([]uint32, workers)
	for lo := 0; lo < len(docs); lo += postChunk {
		ch := docs[lo:min(lo+postChunk, len(docs))]
		n := len(ch)
		eachWorker(workers, func(w int) {
			var bk []uint64
			for i := w * n / workers; i < (w+1)*n/workers; i++ {
				bk = bandKeys(bk[:0], s.block(ch[i])[:s.k], s.bands, s.rows)
				for b, k := range bk {
					keys[b*n+i] = k
				}
			}
		})
		eachWorker(workers, func(w int) {
			for b := w * s.bands / workers; b < (w+1)*s.bands/workers; b++ {
				sinks[w] += s.postBand(b, keys[b*n:(b+1)*n], ch)
			}
		})
	}
	for _, x := range sinks {
		s.sink += x
	}
}

// eachWorker runs fn(0) … fn(workers-1), each on its own goroutine but
// the last, and returns when all have returned. (parallel, in contrast,
// hands out many small items to whichever goroutine is free.)
func eachWorker(workers int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := range workers - 1 {
		wg.Go(func() { fn(w) })
	}
	fn(workers - 1)
	wg.Wait()
}

// postBand adds the postings of docs under their keys sk in band b, and
// returns the sum of loads made only to bring lines into cache.
func (s *memStore) postBand(b int, sk []uint64, docs []uint32) uint32 {
	n := len(docs)
	t := &s.heads[b]
	// Load the home slots a group ahead of the inserts: independent
	// loads, whose misses overlap one another and the inserts of the
	// group before. insertNew reads them again (a group may change them).
	var x uint32
	for _, k := range sk[:min(insertGroup, n)] {
		x += t.slots[t.home(uint32(k>>32))].head
	}
	for g := 0; g < n; g += insertGroup {
		for _, k := range sk[min(g+insertGroup, n):min(g+2*insertGroup, n)] {
			x += t.slots[t.home(uint32(k>>32))].head
		}
		for i := g; i < min(g+insertGroup, n); i++ {
			s.insertNew(b, sk[i], docs[i])
		}
	}
	return x
}

// insertNew adds the posting of doc, whose values are stored, under key
// in band b. The table must have room.
func (s *memStore) insertNew(b int, key uint64, doc uint32) {
	t := &s.heads[b]
	tag := uint32(key >> 32)
	i := t.home(tag)
	vals := s.bandVals(doc, b)
	for {
		sl := t.slots[i]
		if sl.head == 0 {
			*s.link(doc, b) = 0
			t.slots[i] = bandSlot{tag: tag, head: doc + 1}
			t.used++
			return
		}
		if sl.tag == tag && s.hasKey(sl.head-1, b, key, vals) {
			*s.link(doc, b) = sl.head
			t.slots[i].head = doc + 1
			return
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}
