package shingle

import (
	"encoding/binary"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// isInvisible reports the format characters that only guide layout: soft
// hyphens, zero-width spaces and joiners, word joiners and byte-order
// marks. They are dropped, so "Afghani\u00ADstan" stays one word.
func isInvisible(r rune) bool {
	switch r {
	case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return false
}

// canonicalRune maps the many typographic forms of apostrophes, quotes and
// dashes to one ASCII form each, and control characters to a space.
func canonicalRune(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u02BC', '\u02BB', '\u0060', '\u00B4', '\uFF07':
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB', '\u2039', '\u203A', '\uFF02':
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D':
		return '-'
	case utf8.RuneError:
		return ' '
	}
	// Unicode folds Cherokee to its capitals; x/text's Fold lowercases
	// them instead, so that folding twice would flip them back.
	switch {
	case 0xAB70 <= r && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	case 0x13F8 <= r && r <= 0x13FD:
		return r - 8
	}
	if r != '\n' && unicode.IsControl(r) {
		return ' '
	}
	return r
}

// newNormalizer returns the transformer chain of the normalization stage.
// It is stateful: one per goroutine.
func newNormalizer() transform.Transformer {
	return transform.Chain(
		runes.ReplaceIllFormed(),
		// Before NFKC, which must see the marks they separated from
		// their letters (e+SHY+◌́ is é).
		runes.Remove(runes.Predicate(isInvisible)),
		norm.NFKC,
		cases.Fold(),
		norm.NFKC, // folding can break normalization (ß+◌́ → ss+◌́): redo it
		runes.Map(canonicalRune),
	)
}

// Normalize returns text after the normalization stage of the pipeline:
// invalid UTF-8 and control characters other than newline become spaces,
// then NFKC, full case
// folding, and one form each for apostrophes ('), quotes (") and dashes (-).
// It is safe for concurrent use.
func Normalize(text string) string {
	var n normalizer
	return string(n.append(nil, text))
}

// normalizer appends normalized text to a buffer, reusing its transformer.
type normalizer struct {
	t transform.Transformer
}

// isASCII reports whether s has only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// minASCIIRun is the shortest run of ASCII bytes that append copies with
// the fast path when it sits between non-ASCII text; shorter runs go
// through the transformer with their neighbours, so that text in another
// script is transformed in few calls.
const minASCIIRun = 32

// append appends the normalized form of text to dst. ASCII text takes a
// fast path that gives the same result as the transformer chain; in mixed
// text, only the non-ASCII stretches (with the ASCII byte before each, to
// which a combining mark may attach) go through the transformer. Cutting
// there is exact: an ASCII byte is a starter that never composes with what
// precedes it, case folding maps runes one by one, and no valid UTF-8
// sequence contains an ASCII byte.
func (n *normalizer) append(dst []byte, text string) []byte {
	for len(text) > 0 {
		var j int
		dst, j = appendASCIIPrefix(dst, text)
		if j == len(text) {
			return dst
		}
		// text[j] starts a non-ASCII stretch; its segment starts at
		// the ASCII byte before it, if any, which appendASCIIPrefix
		// copied: take it back (ASCII maps byte for byte).
		start := max(j-1, 0)
		dst = dst[:len(dst)-(j-start)]
		end := j
		for end < len(text) {
			for end < len(text) && text[end] >= utf8.RuneSelf {
				end++
			}
			run := asciiPrefix(text[end:])
			if run >= minASCIIRun || end+run == len(text) {
				break
			}
			end += run
		}
		dst = n.transform(dst, text[start:end])
		text = text[end:]
	}
	return dst
}

// Masks of the SWAR (8 bytes at a time) loops over ASCII text.
const (
	ones  = 0x0101010101010101 // 0x01 in every byte
	highs = 0x8080808080808080 // 0x80 in every byte
)

// load64 returns the 8 bytes of s from i, little-endian (the compiler
// makes it one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// asciiPrefix returns the length of the longest ASCII prefix of s.
func asciiPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load64(s, i)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return len(s)
}

// appendASCIIPrefix appends the normalized form of the longest ASCII
// prefix of text to dst, and returns the prefix's length. Eight bytes at
// a time, it lowercases A-Z with SWAR arithmetic; a group of eight with
// a byte that maps otherwise (a control byte, '`' or DEL) goes byte by
// byte through asciiByte.
func appendASCIIPrefix(dst []byte, text string) ([]byte, int) {
	n := len(dst)
	dst = slices.Grow(dst, len(text))[:n+len(text)]
	out := dst[n:]
	i := 0
	for ; i+8 <= len(text); i += 8 {
		x := load64(text, i)
		if x&highs != 0 {
			break
		}
		// Every byte is below 0x80, so no sum below carries into the
		// next byte. Bytes below 0x20 or equal to '`' or 0x7f map
		// otherwise than by case.
		if (x-0x20*ones)&^x&highs != 0 || ((x^0x60*ones)-ones)&^(x^0x60*ones)&highs != 0 || (x+ones)&highs != 0 {
			for j := i; j < i+8; j++ {
				out[j] = asciiByte(text[j])
			}
			continue
		}
		// 0x80 in the bytes >= 'A' and not > 'Z'; shifted to 0x20,
		// the case bit.
		upper := (x + (0x80-'A')*ones) &^ (x + (0x80-'Z'-1)*ones) & highs
		binary.LittleEndian.PutUint64(out[i:], x|upper>>2)
	}
	for ; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			break
		}
		out[i] = asciiByte(c)
	}
	return dst[:n+i], i
}

// asciiByte returns the normalized form of the ASCII byte c.
func asciiByte(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		c += 'a' - 'A'
	case c == '`':
		c = '\''
	case (c < 0x20 && c != '\n') || c == 0x7f:
		c = ' '
	}
	return c
}

// transform appends text run through the transformer chain to dst.
func (n *normalizer) transform(dst []byte, text string) []byte {
	if n.t == nil {
		n.t = newNormalizer()
	}
	n.t.Reset()
	// The transformer only reads src, so viewing the string's bytes
	// without a copy is safe.
	src := unsafe.Slice(unsafe.StringData(text), len(text))
	for {
		if cap(dst)-len(dst) < len(src)+16 {
			dst = append(dst[:cap(dst)], make([]byte, len(src)+64)...)[:len(dst)]
		}
		nDst, nSrc, err := n.t.Transform(dst[len(dst):cap(dst)], src, true)
		dst = dst[:len(dst)+nDst]
		src = src[nSrc:]
		if err != transform.ErrShortDst {
			// The chain has no other failure on any input:
			// ill-formed bytes are replaced, not rejected.
			return dst
		}
	}
}
