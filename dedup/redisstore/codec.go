package redisstore

import (
	"encoding/binary"
	"fmt"

	"github.com/neardup/neardup/dedup"
)

// docVersion is the first byte of every document blob.
const docVersion = 1

// appendDoc appends the blob of rec to dst:
//
//	version byte (1)
//	uvarint len(ID), ID
//	uvarint Shingles
//	uvarint len(Values), Values as 4-byte little-endian
//	uvarint len(Evidence), Evidence as 4-byte little-endian
func appendDoc(dst []byte, rec dedup.Record) []byte {
	dst = append(dst, docVersion)
	dst = binary.AppendUvarint(dst, uint64(len(rec.ID)))
	dst = append(dst, rec.ID...)
	dst = binary.AppendUvarint(dst, uint64(max(rec.Shingles, 0)))
	dst = binary.AppendUvarint(dst, uint64(len(rec.Values)))
	for _, v := range rec.Values {
		dst = binary.LittleEndian.AppendUint32(dst, v)
	}
	dst = binary.AppendUvarint(dst, uint64(len(rec.Evidence)))
	for _, v := range rec.Evidence {
		dst = binary.LittleEndian.AppendUint32(dst, v)
	}
	return dst
}

// docReader decodes a blob held in a string without copying it.
type docReader struct {
	s   string
	err error
}

func (r *docReader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(r.s) == 0 {
			r.fail("truncated varint")
			return 0
		}
		b := r.s[0]
		r.s = r.s[1:]
		x |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return x
		}
	}
	r.fail("varint overflows 64 bits")
	return 0
}

func (r *docReader) fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: document blob: %s", ErrCorrupt, msg)
	}
	r.s = ""
}

// count reads a length of items of size bytes each and checks that they fit.
func (r *docReader) count(size int) int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.s)/size) {
		r.fail("length beyond end")
		return 0
	}
	return int(n)
}

func (r *docReader) uint32s(dst []uint32) []uint32 {
	n := r.count(4)
	for range n {
		s := r.s
		dst = append(dst, uint32(s[0])|uint32(s[1])<<8|uint32(s[2])<<16|uint32(s[3])<<24)
		r.s = s[4:]
	}
	return dst
}

// decodeDoc decodes blob into a Record whose Values and Evidence are
// appended to vals[:0] and sents[:0] (pass nil for fresh slices). The ID
// shares blob's memory.
func decodeDoc(blob string, vals, sents []uint32) (dedup.Record, error) {
	r := docReader{s: blob}
	if len(blob) == 0 || blob[0] != docVersion {
		return dedup.Record{}, fmt.Errorf("%w: document blob of unknown version", ErrCorrupt)
	}
	r.s = r.s[1:]
	var rec dedup.Record
	if n := r.count(1); r.err == nil {
		rec.ID = r.s[:n]
		r.s = r.s[n:]
	}
	rec.Shingles = int(min(r.uvarint(), 1<<31-1))
	rec.Values = r.uint32s(vals[:0])
	rec.Evidence = r.uint32s(sents[:0])
	if r.err == nil && len(r.s) != 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return dedup.Record{}, r.err
	}
	if len(rec.Evidence) == 0 {
		rec.Evidence = nil
	}
	return rec, nil
}

// appendKeys appends the band-keys blob the Lua scripts read to find a
// document's postings: each key as 8 big-endian bytes (so that its hex
// form in the posting key name reads as the number), then the ID.
func appendKeys(dst []byte, keys []uint64, id string) []byte {
	for _, k := range keys {
		dst = binary.BigEndian.AppendUint64(dst, k)
	}
	return append(dst, id...)
}
