package shingle

import (
	"encoding/binary"
	"math/bits"
)

// maxCachedTerms bounds the stem cache of a Shingler; the cache is emptied
// when it reaches this many words. News vocabularies fit easily.
const maxCachedTerms = 1 << 18

// wordPad is how many bytes of capacity the tokenizer leaves past the end
// of its buffer, so that loadWord can read 8 bytes at any word start.
const wordPad = 8

// stemCache maps normalized words to their terms: an open-addressing
// table (linear probing) keyed by a 64-bit hash of the word. A slot keeps
// the word's first 8 bytes and its length, and the cold entry the whole
// word, so a hit is confirmed by comparing the word itself: a hash
// collision can never return another word's stem.
type stemCache struct {
	slots []cacheSlot // len is a power of two, or 0
	shift uint        // 64 - log2(len(slots))
	cold  []cacheEntry
}

// cacheSlot is the part of a cached word a hit reads.
type cacheSlot struct {
	hash uint64 // wordHash of the word
	head uint64 // the word's first 8 bytes (wordHead)
	term uint64 // the term hash: seeded xxhash64 of the stem
	meta uint64 // len<<metaLenShift | metaUsed | metaStop if a stop word | index into cold; 0 for an empty slot
}

// cacheEntry is the part of a cached word that only a miss or AppendTerms
// reads.
type cacheEntry struct {
	word string
	stem string
}

// Fields of cacheSlot.meta above the 32-bit index into cold.
const (
	metaStop     = 1 << 32
	metaUsed     = 1 << 33
	metaLenShift = 34
)

// loadWord returns the 8 bytes of b from i, past len(b) if need be: the
// caller guarantees cap(b) >= i+8.
func loadWord(b []byte, i int) uint64 {
	return binary.LittleEndian.Uint64(b[i : i+8 : i+8])
}

// wordHead returns the first min(n, 8) bytes of the word of n bytes at
// b[i:], little-endian, zero-padded (words hold no zero byte, so head and
// length tell words of up to 8 bytes apart).
func wordHead(b []byte, i, n int) uint64 {
	x := loadWord(b, i)
	if n < 8 {
		x &= 1<<(8*uint(n)) - 1
	}
	return x
}

// wordHash hashes the word b[i:i+n] whose head is head. Equal words hash
// equally; the table confirms hits, so the hash only needs to spread.
func wordHash(b []byte, i, n int, head uint64) uint64 {
	h := head ^ uint64(n)<<59
	for j := i + 8; j < i+n; j += 8 {
		x := loadWord(b, j)
		if rest := i + n - j; rest < 8 {
			x &= 1<<(8*uint(rest)) - 1
		}
		h = bits.RotateLeft64(h*0x9e3779b97f4a7c15, 27) ^ x
	}
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>31
}

// find returns the slot of the word b[i:i+n] (head and hash as computed by
// wordHead and wordHash), or nil.
func (c *stemCache) find(b []byte, i, n int, head, hash uint64) *cacheSlot {
	if len(c.slots) == 0 {
		return nil
	}
	mask := uint64(len(c.slots) - 1)
	for p := hash >> c.shift; ; p = (p + 1) & mask {
		sl := &c.slots[p]
		if sl.meta == 0 {
			return nil
		}
		if sl.hash == hash && sl.head == head && int(sl.meta>>metaLenShift) == n &&
			(n <= 8 || string(b[i+8:i+n]) == c.cold[uint32(sl.meta)].word[8:]) {
			return sl
		}
	}
}

// len returns the number of cached words.
func (c *stemCache) len() int { return len(c.cold) }

// reset empties the cache, keeping its table.
func (c *stemCache) reset() {
	clear(c.slots)
	clear(c.cold)
	c.cold = c.cold[:0]
}

// insert adds a word that find did not find, and returns its slot.
func (c *stemCache) insert(hash, head uint64, e cacheEntry, term uint64, stop bool) *cacheSlot {
	if 2*(len(c.cold)+1) > len(c.slots) {
		c.grow()
	}
	meta := uint64(len(e.word))<<metaLenShift | metaUsed | uint64(len(c.cold))
	if stop {
		meta |= metaStop
	}
	c.cold = append(c.cold, e)
	return c.place(cacheSlot{hash: hash, head: head, term: term, meta: meta})
}

// place puts sl in the first free slot of its probe sequence.
func (c *stemCache) place(sl cacheSlot) *cacheSlot {
	mask := uint64(len(c.slots) - 1)
	p := sl.hash >> c.shift
	for c.slots[p].meta != 0 {
		p = (p + 1) & mask
	}
	c.slots[p] = sl
	return &c.slots[p]
}

// grow doubles the table (it starts at 1024 slots) and re-places the
// cached words.
func (c *stemCache) grow() {
	old := c.slots
	n := max(2*len(old), 1024)
	c.slots = make([]cacheSlot, n)
	c.shift = uint(64 - bits.TrailingZeros(uint(n)))
	for _, sl := range old {
		if sl.meta != 0 {
			c.place(sl)
		}
	}
}
