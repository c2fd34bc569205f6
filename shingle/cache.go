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

// stemCache maps normalized words to their terms with two open-addressing
// tables (linear probing), so that a word seen before costs a probe and
// the comparison of the word itself, never a stem of another word:
//
//   - short: words of 1 to 8 bytes that are not stop words (nine words in
//     ten of news text), keyed by the word's bytes themselves (wordHead:
//     words hold no zero byte, so the 8 bytes tell every such word
//     apart). A slot is 16 bytes: the word and its term hash.
//   - long: every other word (longer ones, stop words when they are
//     removed, the empty word), keyed by a 64-bit hash of the word and
//     confirmed on its first 16 bytes and its length, and past 16 bytes
//     on the rest of the word, kept in cold.
//
// cold holds each cached word and its stem, for misses and for the
// methods that return stems.
type stemCache struct {
	short      []shortSlot // len is a power of two; head 0 marks a free slot
	shortIdx   []uint32    // index into cold of each short slot
	shortShift uint        // 64 - log2(len(short))
	shortLen   int         // words in short

	long      []longSlot // len is a power of two; meta 0 marks a free slot
	longShift uint
	longLen   int

	cold []cacheEntry
}

// shortSlot is a cached word of 1 to 8 bytes that is not a stop word.
type shortSlot struct {
	head uint64 // the word (wordHead)
	term uint64 // its term hash: seeded xxhash64 of the stem
}

// longSlot is any other cached word.
type longSlot struct {
	head uint64 // wordHead of the word: bytes 0 to 7
	next uint64 // bytes 8 to 15, zero-padded
	term uint64 // its term hash
	meta uint64 // len<<metaLenShift | metaUsed | metaStop if a stop word | index into cold
}

// Fields of longSlot.meta above the 32-bit index into cold.
const (
	metaStop     = 1 << 32
	metaUsed     = 1 << 33
	metaLenShift = 34
)

// cacheEntry is the part of a cached word that only a miss or a stem
// reader looks at.
type cacheEntry struct {
	word string
	stem string
	// stopWord is whether word is a stop word of the language, looked up
	// on first need whatever Config.StopWords says (AppendWords): 0 not
	// yet known, 1 no, 2 yes.
	stopWord uint8
}

// term is what the cache knows of one word.
type term struct {
	hash uint64 // the term hash
	idx  uint32 // index into stemCache.cold
	stop bool   // a stop word (only when Config.StopWords)
}

// loadWord returns the 8 bytes of b from i, past len(b) if need be: the
// caller guarantees cap(b) >= i+8.
func loadWord(b []byte, i int) uint64 {
	return binary.LittleEndian.Uint64(b[i : i+8 : i+8])
}

// wordHead returns the first min(n, 8) bytes of the word of n bytes at
// b[i:], little-endian, zero-padded: the bytes past the word are not
// looked at.
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

// shortHash spreads a short word's head over the table's index bits.
func shortHash(head uint64) uint64 { return head * 0x9e3779b97f4a7c15 }

// shortTerm returns the term hash of a cached short word (head of a word
// of 1 to 8 bytes), or false. It is the hot path of AppendHashes.
func (c *stemCache) shortTerm(head uint64) (uint64, bool) {
	if c.shortLen == 0 {
		return 0, false
	}
	mask := uint64(len(c.short) - 1)
	for p := shortHash(head) >> c.shortShift; ; p = (p + 1) & mask {
		sl := &c.short[p]
		if sl.head == head {
			return sl.term, true
		}
		if sl.head == 0 {
			return 0, false
		}
	}
}

// get returns the cached term of the word b[i:i+n], or false.
func (c *stemCache) get(b []byte, i, n int) (term, bool) {
	head := wordHead(b, i, n)
	if n >= 1 && n <= 8 && c.shortLen > 0 {
		mask := uint64(len(c.short) - 1)
		for p := shortHash(head) >> c.shortShift; ; p = (p + 1) & mask {
			sl := &c.short[p]
			if sl.head == head {
				return term{hash: sl.term, idx: c.shortIdx[p]}, true
			}
			if sl.head == 0 {
				break
			}
		}
	}
	if c.longLen == 0 {
		return term{}, false
	}
	next := wordNext(b, i, n)
	mask := uint64(len(c.long) - 1)
	for p := wordHash(b, i, n, head) >> c.longShift; ; p = (p + 1) & mask {
		sl := &c.long[p]
		if sl.meta == 0 {
			return term{}, false
		}
		if sl.head == head && sl.next == next && sl.meta>>metaLenShift == uint64(n) &&
			(n <= 16 || string(b[i+16:i+n]) == c.cold[uint32(sl.meta)].word[16:]) {
			return term{hash: sl.term, idx: uint32(sl.meta), stop: sl.meta&metaStop != 0}, true
		}
	}
}

// wordNext returns bytes 8 to 15 of the word b[i:i+n] like wordHead, or 0
// if it is no longer than 8 bytes.
func wordNext(b []byte, i, n int) uint64 {
	if n <= 8 {
		return 0
	}
	return wordHead(b, i+8, n-8)
}

// len returns the number of cached words.
func (c *stemCache) len() int { return len(c.cold) }

// reset empties the cache, keeping its tables.
func (c *stemCache) reset() {
	clear(c.short)
	clear(c.long)
	clear(c.cold)
	c.cold = c.cold[:0]
	c.shortLen, c.longLen = 0, 0
}

// put caches the word b[i:i+n] (which get did not find) with its stem,
// term hash and stop flag, and returns its term.
func (c *stemCache) put(b []byte, i, n int, e cacheEntry, hash uint64, stop bool) term {
	t := term{hash: hash, idx: uint32(len(c.cold)), stop: stop}
	c.cold = append(c.cold, e)
	head := wordHead(b, i, n)
	if n >= 1 && n <= 8 && !stop {
		if 2*(c.shortLen+1) > len(c.short) {
			c.growShort()
		}
		c.placeShort(shortSlot{head: head, term: hash}, t.idx)
		c.shortLen++
		return t
	}
	if 2*(c.longLen+1) > len(c.long) {
		c.growLong()
	}
	meta := uint64(n)<<metaLenShift | metaUsed | uint64(t.idx)
	if stop {
		meta |= metaStop
	}
	c.placeLong(longSlot{head: head, next: wordNext(b, i, n), term: hash, meta: meta}, wordHash(b, i, n, head))
	c.longLen++
	return t
}

// placeShort puts sl, whose word is cold[idx], in the short table.
func (c *stemCache) placeShort(sl shortSlot, idx uint32) {
	mask := uint64(len(c.short) - 1)
	p := shortHash(sl.head) >> c.shortShift
	for c.short[p].head != 0 {
		p = (p + 1) & mask
	}
	c.short[p] = sl
	c.shortIdx[p] = idx
}

// placeLong puts sl, whose word has hash hash, in the long table.
func (c *stemCache) placeLong(sl longSlot, hash uint64) {
	mask := uint64(len(c.long) - 1)
	p := hash >> c.longShift
	for c.long[p].meta != 0 {
		p = (p + 1) & mask
	}
	c.long[p] = sl
}

// growShort doubles the short table (it starts at 1024 slots).
func (c *stemCache) growShort() {
	old, oldIdx := c.short, c.shortIdx
	n := max(2*len(old), 1024)
	c.short = make([]shortSlot, n)
	c.shortIdx = make([]uint32, n)
	c.shortShift = uint(64 - bits.TrailingZeros(uint(n)))
	for p, sl := range old {
		if sl.head != 0 {
			c.placeShort(sl, oldIdx[p])
		}
	}
}

// growLong doubles the long table (it starts at 256 slots).
func (c *stemCache) growLong() {
	old := c.long
	n := max(2*len(old), 256)
	c.long = make([]longSlot, n)
	c.longShift = uint(64 - bits.TrailingZeros(uint(n)))
	var b []byte // the word, padded for wordHash
	for _, sl := range old {
		if sl.meta != 0 {
			w := c.cold[uint32(sl.meta)].word
			b = append(append(b[:0], w...), make([]byte, wordPad)...)
			c.placeLong(sl, wordHash(b, 0, len(w), sl.head))
		}
	}
}
