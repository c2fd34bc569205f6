package dedup

import (
	"math/bits"
	"slices"

	"github.com/neardup/neardup/internal/hashmix"
	"github.com/neardup/neardup/shingle"
)

// Evidence is the compact record an index keeps of each article beside
// its signature: what the decision rules need of the text, so
// that the stream, the index and the batch decide a pair alike without
// keeping texts.
//
// It is the article's word sequence, 2 bytes a word: a 14-bit fingerprint
// of the word's term hash, a stop-word bit and a sentence-start bit. From
// it the rules rebuild, without the text,
//
//   - the shingle set (the Config's word n-grams), for the exact Jaccard
//     similarity and containment of a pair near the threshold;
//   - the content-word 1-, 2- and 3-grams and the content words of each
//     sentence, for the heavy-rewrite evidence;
//   - the shingles of each sentence, for partial relations.
//
// Two different words share a fingerprint with probability 2^-14: two
// 300-word vocabularies share about 5 words by chance, which moves a
// content-word Jaccard by about 0.005, and an n-gram of n >= 2 matches by
// chance only if every word does. Exact scores from Evidence equal the
// scores of the texts (Hasher.Compare) to about 1e-3 (TestEvidenceScores).
//
// It is packed in 32-bit words, as Record.Evidence keeps it: a header word
// (evidenceTag<<24), the word count, then two words per 32 bits. A text
// of more than MaxEvidenceWords words, and one with no words, has no
// Evidence (nil); the rules then use the signature's estimates alone.
// An Evidence is immutable once made and safe for concurrent reads.
type Evidence []uint32

const (
	// MaxEvidenceWords is the most words an Evidence records (2 MiB);
	// a longer article has none and is decided on its signature alone.
	MaxEvidenceWords = 1 << 20

	evidenceTag   = 0xE1 // format 1
	evFingerprint = 1<<14 - 1
	evStop        = 1 << 14
	evStart       = 1 << 15
)

// makeEvidence packs the words of one text.
func makeEvidence(words []shingle.Word) Evidence {
	n := len(words)
	if n == 0 || n > MaxEvidenceWords {
		return nil
	}
	ev := make(Evidence, 2+(n+1)/2)
	ev[0] = evidenceTag << 24
	ev[1] = uint32(n)
	for i, w := range words {
		u := uint32(w.Term>>50) & evFingerprint
		if w.Stop {
			u |= evStop
		}
		if i > 0 && w.Sentence != words[i-1].Sentence {
			u |= evStart
		}
		ev[2+i/2] |= u << (16 * uint(i&1))
	}
	return ev
}

// valid reports whether ev is a well-formed Evidence (a Store may hand
// back anything a caller stored).
func (ev Evidence) valid() bool {
	if len(ev) < 2 || ev[0] != evidenceTag<<24 {
		return false
	}
	n := int(ev[1])
	return n > 0 && n <= MaxEvidenceWords && len(ev) == 2+(n+1)/2
}

// Words returns the number of words ev records; 0 for a nil or malformed
// Evidence.
func (ev Evidence) Words() int {
	if !ev.valid() {
		return 0
	}
	return int(ev[1])
}

// unit returns word i of ev.
func (ev Evidence) unit(i int) uint32 { return ev[2+i/2] >> (16 * uint(i&1)) & 0xffff }

// evScratch holds reusable buffers for reading Evidence. It is not safe
// for concurrent use.
type evScratch struct {
	terms []uint64
	sent  []int32
}

// gramSeed is the start of the hash of an n-gram of Evidence words;
// kind keeps the n-grams of different uses apart.
func gramSeed(kind, n int) uint64 {
	return bits.RotateLeft64(uint64(kind)<<32^uint64(n)*0x9e3779b97f4a7c15, 29)
}

// gram hashes the fingerprints terms (fingerprint + 1, so that none is 0).
func gram(seed uint64, terms []uint64) uint64 {
	h := seed
	for _, t := range terms {
		h = hashmix.Mix64(bits.RotateLeft64(h, 29) ^ t)
	}
	return h
}

// load fills sc.terms with the fingerprints of ev's words that pass keep
// and sc.sent with each one's sentence.
func (sc *evScratch) load(ev Evidence, content, dropStop bool) {
	sc.terms, sc.sent = sc.terms[:0], sc.sent[:0]
	n := ev.Words()
	sent := int32(0)
	for i := range n {
		u := ev.unit(i)
		if u&evStart != 0 {
			sent++
		}
		if u&evStop != 0 && (content || dropStop) {
			continue
		}
		sc.terms = append(sc.terms, uint64(u&evFingerprint)+1)
		sc.sent = append(sc.sent, sent)
	}
}

// appendGrams appends the n-gram hashes of terms (one gram of all of them
// if there are fewer than n), unsorted.
func appendGrams(dst []uint64, kind, n int, terms []uint64) []uint64 {
	if len(terms) == 0 {
		return dst
	}
	n = min(n, len(terms))
	seed := gramSeed(kind, n)
	for i := 0; i+n <= len(terms); i++ {
		dst = append(dst, gram(seed, terms[i:i+n]))
	}
	return dst
}

// sortedSet sorts set and removes repeats.
func sortedSet(set []uint64) []uint64 {
	slices.Sort(set)
	return slices.Compact(set)
}

// Kinds of Evidence n-grams.
const (
	gramShingle = 1 // the Config's shingles
	gramContent = 2 // content-word 1..3-grams (rewrite derivation)
	gramWord    = 3 // content words of a sentence (rewrite correspondence)
)

// appendShingles appends ev's shingle set (sorted, distinct) under cfg's
// shingle size and stop-word setting.
func (sc *evScratch) appendShingles(dst []uint64, ev Evidence, cfg *Config) []uint64 {
	sc.load(ev, false, cfg.Shingle.StopWords)
	base := len(dst)
	dst = appendGrams(dst, gramShingle, cfg.Shingle.Size, sc.terms)
	return append(dst[:base], sortedSet(dst[base:])...)
}

// evidenceScore returns the exact Jaccard similarity and containment of
// two articles' shingle sets from their Evidence, and false if either has
// none.
func (sc *evScratch) score(a, b Evidence, cfg *Config, buf []uint64) (Score, []uint64) {
	if !a.valid() || !b.valid() {
		return Score{}, buf
	}
	buf = sc.appendShingles(buf[:0], a, cfg)
	na := len(buf)
	buf = sc.appendShingles(buf, b, cfg)
	x, y := buf[:na], buf[na:]
	if len(x) == 0 || len(y) == 0 {
		return Score{}, buf
	}
	inter := intersectSorted(x, y)
	return Score{
		Similarity:  float64(inter) / float64(len(x)+len(y)-inter),
		Containment: float64(inter) / float64(min(len(x), len(y))),
	}, buf
}

// rewriteText returns the rewrite view of ev: content-word 1..3-grams
// and the distinct content words of each sentence with at least
// rewriteMinWords of them.
func (sc *evScratch) rewriteText(ev Evidence) rewriteText {
	var t rewriteText
	if !ev.valid() {
		return t
	}
	sc.load(ev, true, true)
	t.union = sortedSet(sc.appendUnion(nil, ev)) // loads ev's content words
	seed := gramSeed(gramWord, 1)
	for i := 0; i < len(sc.terms); {
		j := i
		for j < len(sc.terms) && sc.sent[j] == sc.sent[i] {
			j++
		}
		words := make([]uint64, 0, j-i)
		for _, f := range sc.terms[i:j] {
			words = append(words, gram(seed, []uint64{f}))
		}
		words = sortedSet(words)
		if len(words) >= rewriteMinWords {
			t.sents = append(t.sents, words)
			t.words += len(words)
		}
		i = j
	}
	return t
}

// appendUnion appends ev's content-word 1..3-grams to dst, unsorted and
// with repeats: the union of rewriteText, for a quick count.
func (sc *evScratch) appendUnion(dst []uint64, ev Evidence) []uint64 {
	if !ev.valid() {
		return dst
	}
	sc.load(ev, true, true)
	for n := 1; n <= 3; n++ {
		dst = appendGrams(dst, gramContent+n<<4, n, sc.terms)
	}
	return dst
}

// appendSentenceShingles appends the shingles that lie wholly inside one
// sentence of ev, each with its sentence, without repeats within a
// sentence, as shingle.Shingler.AppendSentenceShingles makes them from
// the text (with Evidence hashes).
func (sc *evScratch) appendSentenceShingles(dst []shingle.SentenceShingle, ev Evidence, cfg *Config) []shingle.SentenceShingle {
	if !ev.valid() {
		return dst
	}
	sc.load(ev, false, cfg.Shingle.StopWords)
	n := cfg.Shingle.Size
	seed := gramSeed(gramShingle, n)
	for i := 0; i < len(sc.terms); {
		j := i
		for j < len(sc.terms) && sc.sent[j] == sc.sent[i] {
			j++
		}
		base := len(dst)
		for k := i; k+n <= j; k++ {
			dst = append(dst, shingle.SentenceShingle{Hash: gram(seed, sc.terms[k:k+n]), Sentence: int(sc.sent[i])})
		}
		part := dst[base:]
		slices.SortFunc(part, func(a, b shingle.SentenceShingle) int {
			switch {
			case a.Hash < b.Hash:
				return -1
			case a.Hash > b.Hash:
				return 1
			}
			return 0
		})
		dst = dst[:base+len(slices.CompactFunc(part, func(a, b shingle.SentenceShingle) bool { return a.Hash == b.Hash }))]
		i = j
	}
	return dst
}
