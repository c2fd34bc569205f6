package dedup

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Binary forms of a Signature and a Doc, so that callers can keep them in
// their own database and rebuild them later.
//
// Signature (AppendBinary, MarshalBinary):
//
//	magic       4 bytes  "NDsg"
//	version     byte     1
//	fingerprint 8 bytes  little-endian: the signing settings of its Config
//	shingles    uvarint
//	k           uvarint  number of values (0 for an empty signature)
//	values      k × 8 bytes, little-endian
//
// Doc (AppendBinary, MarshalBinary):
//
//	magic       4 bytes  "NDdc"
//	version     byte     1
//	time        8 bytes  little-endian Unix nanoseconds; 0 for the zero Time
//	signature   uvarint length, then the Signature's binary form
//	evidence    uvarint count of 32-bit words, then each, little-endian
const (
	sigMagic      = "NDsg"
	docMagic      = "NDdc"
	encodeVersion = 1
)

// ErrEncoding reports bytes that are not the binary form of a Signature
// or Doc of this library: truncated, of an unknown version, or with
// values that do not hold together.
var ErrEncoding = errors.New("dedup: invalid encoding")

// AppendBinary appends the binary form of s to dst (see MarshalBinary).
func (s Signature) AppendBinary(dst []byte) ([]byte, error) {
	dst = append(dst, sigMagic...)
	dst = append(dst, encodeVersion)
	dst = binary.LittleEndian.AppendUint64(dst, s.config)
	dst = binary.AppendUvarint(dst, uint64(s.shingles))
	dst = binary.AppendUvarint(dst, uint64(len(s.values)))
	for _, v := range s.values {
		dst = binary.LittleEndian.AppendUint64(dst, v)
	}
	return dst, nil
}

// MarshalBinary returns the binary form of s: its values, shingle count
// and the fingerprint of the settings that made it, so that
// UnmarshalBinary rebuilds a Signature that compares (and is refused) as
// s is. It never fails.
func (s Signature) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, s.binarySize()))
}

// UnmarshalBinary sets s to the Signature whose binary form is data, or
// returns an error wrapping ErrEncoding and leaves s unchanged. It keeps
// no reference to data.
func (s *Signature) UnmarshalBinary(data []byte) error {
	t, rest, err := decodeSignature(data)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("%w: %d bytes after the signature", ErrEncoding, len(rest))
	}
	*s = t
	return nil
}

func decodeSignature(data []byte) (Signature, []byte, error) {
	if len(data) < len(sigMagic)+1+8 || string(data[:len(sigMagic)]) != sigMagic {
		return Signature{}, nil, fmt.Errorf("%w: not a signature", ErrEncoding)
	}
	if v := data[len(sigMagic)]; v != encodeVersion {
		return Signature{}, nil, fmt.Errorf("%w: signature encoding version %d, want %d", ErrEncoding, v, encodeVersion)
	}
	data = data[len(sigMagic)+1:]
	fp := binary.LittleEndian.Uint64(data)
	data = data[8:]
	shingles, n := binary.Uvarint(data)
	if n <= 0 || shingles > 1<<40 {
		return Signature{}, nil, fmt.Errorf("%w: signature shingle count", ErrEncoding)
	}
	data = data[n:]
	k, n := binary.Uvarint(data)
	if n <= 0 || k > MaxNumHashes || uint64(len(data)-n) < 8*k {
		return Signature{}, nil, fmt.Errorf("%w: signature of %d values in %d bytes", ErrEncoding, k, len(data))
	}
	data = data[n:]
	if shingles > 0 && k == 0 {
		return Signature{}, nil, fmt.Errorf("%w: signature of %d shingles and no values", ErrEncoding, shingles)
	}
	s := Signature{shingles: int(shingles), config: fp}
	if k > 0 {
		s.values = make([]uint64, k)
		for i := range s.values {
			s.values[i] = binary.LittleEndian.Uint64(data[8*i:])
		}
	}
	return s, data[8*k:], nil
}

// SignatureOf returns the Signature of a set of shingles signed by h's
// Config whose MinHash values are values (as AppendValues gives them) and
// which had shingles distinct shingles: a signature kept elsewhere as
// numbers, rebuilt. It copies values. It returns an error wrapping
// ErrConfigMismatch if len(values) is not the Config's NumHashes, and one
// wrapping ErrEncoding for a negative shingle count. With shingles 0 the
// signature is empty (values are kept, but an empty signature matches
// nothing); with no values too it is the zero Signature.
func (h *Hasher) SignatureOf(values []uint64, shingles int) (Signature, error) {
	switch {
	case shingles < 0:
		return Signature{}, fmt.Errorf("%w: %d shingles", ErrEncoding, shingles)
	case shingles == 0 && len(values) == 0:
		return Signature{}, nil
	case len(values) != h.cfg.NumHashes:
		return Signature{}, fmt.Errorf("%w: %d values, the config makes %d", ErrConfigMismatch, len(values), h.cfg.NumHashes)
	}
	return Signature{values: append([]uint64(nil), values...), shingles: shingles, config: h.fp}, nil
}

// AppendBinary appends the binary form of d to dst (see MarshalBinary).
func (d Doc) AppendBinary(dst []byte) ([]byte, error) {
	if len(d.Evidence) > 0 && !d.Evidence.valid() {
		return dst, fmt.Errorf("%w: malformed Evidence", ErrEncoding)
	}
	dst = append(dst, docMagic...)
	dst = append(dst, encodeVersion)
	var t int64
	if !d.Time.IsZero() {
		t = d.Time.UnixNano()
	}
	dst = binary.LittleEndian.AppendUint64(dst, uint64(t))
	dst = binary.AppendUvarint(dst, uint64(d.Signature.binarySize()))
	dst, _ = d.Signature.AppendBinary(dst)
	dst = binary.AppendUvarint(dst, uint64(len(d.Evidence)))
	for _, w := range d.Evidence {
		dst = binary.LittleEndian.AppendUint32(dst, w)
	}
	return dst, nil
}

// binarySize returns the length of s's binary form.
func (s Signature) binarySize() int {
	var b [binary.MaxVarintLen64]byte
	return len(sigMagic) + 1 + 8 + binary.PutUvarint(b[:], uint64(s.shingles)) +
		binary.PutUvarint(b[:], uint64(len(s.values))) + 8*len(s.values)
}

// MarshalBinary returns the binary form of d: its Signature, Evidence
// and Time (to the nanosecond, without its location). It returns an error
// wrapping ErrEncoding for a malformed Evidence.
func (d Doc) MarshalBinary() ([]byte, error) { return d.AppendBinary(nil) }

// UnmarshalBinary sets d to the Doc whose binary form is data, or returns
// an error wrapping ErrEncoding and leaves d unchanged. It keeps no
// reference to data. The Time comes back in the local location.
func (d *Doc) UnmarshalBinary(data []byte) error {
	if len(data) < len(docMagic)+1+8 || string(data[:len(docMagic)]) != docMagic {
		return fmt.Errorf("%w: not a doc", ErrEncoding)
	}
	if v := data[len(docMagic)]; v != encodeVersion {
		return fmt.Errorf("%w: doc encoding version %d, want %d", ErrEncoding, v, encodeVersion)
	}
	data = data[len(docMagic)+1:]
	var doc Doc
	if t := int64(binary.LittleEndian.Uint64(data)); t != 0 {
		doc.Time = time.Unix(0, t)
	}
	data = data[8:]
	n, w := binary.Uvarint(data)
	if w <= 0 || n > uint64(len(data)-w) {
		return fmt.Errorf("%w: doc signature length", ErrEncoding)
	}
	data = data[w:]
	if err := doc.Signature.UnmarshalBinary(data[:n]); err != nil {
		return err
	}
	data = data[n:]
	words, w := binary.Uvarint(data)
	if w <= 0 || words > uint64(len(data)-w)/4 {
		return fmt.Errorf("%w: doc evidence length", ErrEncoding)
	}
	data = data[w:]
	if uint64(len(data)) != 4*words {
		return fmt.Errorf("%w: %d bytes after the doc's evidence", ErrEncoding, uint64(len(data))-4*words)
	}
	if words > 0 {
		ev := make(Evidence, words)
		for i := range ev {
			ev[i] = binary.LittleEndian.Uint32(data[4*i:])
		}
		if !ev.valid() {
			return fmt.Errorf("%w: malformed doc evidence", ErrEncoding)
		}
		doc.Evidence = ev
	}
	*d = doc
	return nil
}
