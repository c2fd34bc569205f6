package shingle

// This file keeps the pipeline as it was before the fast paths (the
// tokenizer copying words out, a map as stem cache, byte-by-byte ASCII
// normalization, slices.Sort), as the reference the fast code must match
// bit for bit: TestMatchesReference and FuzzMatchesReference.

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// refShingler is the reference pipeline's state.
type refShingler struct {
	cfg            Config
	lang           language
	keepApostrophe bool
	norm           normalizer
	buf, words     []byte
	spans          []span
}

func newRef(cfg Config) *refShingler {
	cfg = cfg.WithDefaults()
	return &refShingler{cfg: cfg, lang: snowballLanguages[cfg.Language], keepApostrophe: cfg.Language == "english"}
}

// refNormalize is normalizer.append as it was: an ASCII prefix scan, then
// byte-by-byte mapping.
func (s *refShingler) refNormalize(dst []byte, text string) []byte {
	appendASCII := func(dst []byte, text string) []byte {
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '`':
				c = '\''
			case (c < 0x20 && c != '\n') || c == 0x7f:
				c = ' '
			}
			dst = append(dst, c)
		}
		return dst
	}
	prefix := func(s string) int {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return i
			}
		}
		return len(s)
	}
	for len(text) > 0 {
		j := prefix(text)
		if j == len(text) {
			return appendASCII(dst, text)
		}
		start := max(j-1, 0)
		dst = appendASCII(dst, text[:start])
		end := j
		for end < len(text) {
			for end < len(text) && text[end] >= utf8.RuneSelf {
				end++
			}
			run := prefix(text[end:])
			if run >= minASCIIRun || end+run == len(text) {
				break
			}
			end += run
		}
		dst = s.norm.transform(dst, text[start:end])
		text = text[end:]
	}
	return dst
}

// tokenize normalizes text and splits it into words (s.words, s.spans).
func (s *refShingler) tokenize(text string) {
	s.buf = s.refNormalize(s.buf[:0], text)
	s.words = s.words[:0]
	s.spans = s.spans[:0]
	b := s.buf
	start := -1     // start of the current word in s.words, or -1
	var prev rune   // last rune appended to the current word
	letters := 0    // letters since the word began or since a joined dot
	sentence := 0   // sentence of the current word
	brk := false    // a sentence end was seen since the last word
	dotted := false // the current word is a dotted acronym
	begin := func() {
		start = len(s.words)
		letters = 0
		dotted = false
		if brk && len(s.spans) > 0 {
			sentence++
		}
		brk = false
	}
	end := func() {
		if start >= 0 {
			s.spans = append(s.spans, span{start, len(s.words), sentence})
			start = -1
		}
	}
	for i := 0; i < len(b); {
		c := b[i]
		if asciiClass[c] == asciiOther {
			// ASCII that is neither part of a word nor a joiner
			// ('.', ',', '\''): it ends the word, as in the
			// general case below.
			end()
			if c == '!' || c == '?' || c == '\n' {
				brk = true
			}
			i++
			continue
		}
		if asciiClass[c] == asciiWord {
			// A run of ASCII letters and digits, appended at once;
			// the same as the general case below byte by byte.
			if start < 0 {
				begin()
			}
			k := i
			for ; k < len(b) && asciiClass[b[k]] == asciiWord; k++ {
				if b[k] <= '9' {
					letters = 2 // digits end an acronym run
				} else {
					letters++
				}
			}
			s.words = append(s.words, b[i:k]...)
			prev = rune(b[k-1])
			i = k
			continue
		}
		r, size := runeAt(b, i)
		switch {
		case isWordRune(r) || (start >= 0 && r >= utf8.RuneSelf && unicode.IsMark(r)):
			if start < 0 {
				begin()
			}
			s.words = append(s.words, b[i:i+size]...)
			if isLetter(r) {
				letters++
			} else {
				letters = 2 // digits end an acronym run
			}
			prev = r
		case start >= 0 && (r == '\'' || r == '.' || r == ','):
			next, nsize := runeAt(b, i+size)
			switch {
			case r == '\'' && s.keepApostrophe && isLetter(prev) && isLetter(next):
				s.words = append(s.words, '\'')
			case r == '.' && isDigit(prev) && isDigit(next):
				s.words = append(s.words, '.')
			case r == ',' && isDigit(prev) && isDigit(next):
				// Thousands separator: dropped, the number goes on.
			case r == '.' && letters == 1 && isLetter(next) && !isWordRune(func() rune { r, _ := runeAt(b, i+size+nsize); return r }()):
				// An acronym written with dots: "u.s." joins to "us".
				letters = 0
				dotted = true
			default:
				end()
				// The dot closing "u.s." does not end a sentence.
				brk = brk || (r == '.' && !dotted)
			}
		default:
			end()
			brk = brk || r == '.' || r == '\u3002' || r == '\uff61'
		}
		i += size
	}
	end()
}

// terms returns the term hashes of text and their sentences.
func (s *refShingler) terms(text string) (hashes []uint64, sents []int) {
	s.tokenize(text)
	for _, sp := range s.spans {
		word := string(s.words[sp.start:sp.end])
		if s.cfg.StopWords && s.lang.isStop(word) {
			continue
		}
		stem := word
		if !s.cfg.NoStem {
			stem = s.lang.stem(word, false)
		}
		stem = strings.ReplaceAll(stem, "'", "")
		d := xxhash.NewWithSeed(s.cfg.Seed)
		d.WriteString(stem)
		hashes = append(hashes, d.Sum64())
		sents = append(sents, sp.sentence)
	}
	return hashes, sents
}

// hashes is AppendHashes as it was.
func (s *refShingler) hashes(text string) []uint64 {
	terms, _ := s.terms(text)
	if len(terms) == 0 {
		return nil
	}
	n := min(s.cfg.Size, len(terms))
	var out []uint64
	for i := 0; i+n <= len(terms); i++ {
		out = append(out, combine(s.cfg.Seed, terms[i:i+n]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tokens is AppendTokens as it was.
func (s *refShingler) tokens(text string) []string {
	s.tokenize(text)
	var out []string
	for _, sp := range s.spans {
		out = append(out, string(s.words[sp.start:sp.end]))
	}
	return out
}

// checkReference compares sh with the reference on text.
func checkReference(t *testing.T, sh *Shingler, ref *refShingler, text string) {
	t.Helper()
	if got, want := sh.AppendTokens(nil, text), ref.tokens(text); !slices.Equal(got, want) {
		t.Fatalf("tokens of %+q (%+v):\n got %q\nwant %q", text, ref.cfg, got, want)
	}
	if got, want := sh.AppendHashes(nil, text), ref.hashes(text); !slices.Equal(got, want) {
		t.Fatalf("hashes of %+q (%+v): got %d, want %d", text, ref.cfg, len(got), len(want))
	}
	got := sh.AppendSentenceShingles(nil, text)
	terms, sents := ref.terms(text)
	for _, ss := range got {
		ok := false
		for k := 0; k+ref.cfg.Size <= len(terms); k++ {
			if sents[k] == ss.Sentence && sents[k+ref.cfg.Size-1] == ss.Sentence && combine(ref.cfg.Seed, terms[k:k+ref.cfg.Size]) == ss.Hash {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("sentence shingle %+v of %+q not in the reference", ss, text)
		}
	}
}

// trickyText returns a random text made of pieces that exercise the
// normalizer's and tokenizer's special cases, ASCII and not.
func trickyText(rng *rand.Rand) string {
	pieces := []string{"The", "U.S.", "u.s.a.", "1,000", "2.5", "don't", "Taliban's", "l'armée", " ", " ", "  ", ". ", "! ", "? ", "\n", ",", "'", "`", "\t", "\x00", "\x7f",
		"two-thirds", "Straße", "İstanbul", "\u2019", "\u201c", "\u2014", "e\u0301", "\u00ad", "Ⅻ", "ＡＢＣ", "政府", "россия", "\xff", "a.b", "1.", ".5", "x",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "internationalization", "running", "jumps", "Q3", "café", "\u0301", "\u3002", "NaTiOnAl", "i.e.", "3,2,1"}
	var sb strings.Builder
	for range rng.IntN(60) {
		sb.WriteString(pieces[rng.IntN(len(pieces))])
		if rng.IntN(3) == 0 {
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

// refConfigs are the configs the reference tests run.
var refConfigs = []Config{{}, {Size: 1, StopWords: true}, {Size: 2, Language: "french", Seed: 9}, {Size: 4, NoStem: true, Language: "russian"}}

func TestMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	texts := slices.Clone(fuzzSeeds)
	for range 3000 {
		texts = append(texts, trickyText(rng))
	}
	for _, cfg := range refConfigs {
		sh, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ref := newRef(cfg)
		for _, text := range texts {
			checkReference(t, sh, ref, text)
		}
	}
}

func FuzzMatchesReference(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, text string, c uint8) {
		cfg := refConfigs[int(c)%len(refConfigs)]
		sh, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		checkReference(t, sh, newRef(cfg), text)
	})
}
