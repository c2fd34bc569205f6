package shingle

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// fuzzSeeds are texts that exercise the corners of normalization and
// tokenization; testdata/fuzz holds more, among them inputs that once
// broke the properties below.
var fuzzSeeds = []string{
	"",
	"The U.S. economy grew 2.5% in Q3, officials said; 1,000,000 jobs were added.",
	"Taliban's don't l'armée aujourd'hui two-thirds co\u2014operate",
	"Straße İstanbul ǅemal ﬁnance Ⅻ ½ x² ＡＢＣ",
	"\u00df\u0301 \u03a5\u0308\u0301 \u1f82\u0301 \u13a0\uab70\u13f8",
	"أَعْلَنَتِ الحُكُومَةُ اليَوْمَ עברית 政府今天宣布 서울 Reuters",
	"caf\xc3 \xff\xfe\x00\x01 \u202b\u200f\u2067 \ufeff",
	"'' .. ,, -- '.' 1.2.3 a.b.c. 1,2,3 ,1 1.",
	"\u0301\u0308 leading marks",
}

// FuzzNormalize checks that Normalize returns valid UTF-8 without control
// characters other than newline, that it is idempotent, and that the
// ASCII fast path agrees with the transformer chain.
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Normalize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Normalize(%+q) = %+q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if r != '\n' && unicode.IsControl(r) {
				t.Fatalf("Normalize(%+q) = %+q: control character %U", s, out, r)
			}
		}
		if again := Normalize(out); again != out {
			t.Fatalf("Normalize not idempotent: %+q -> %+q -> %+q", s, out, again)
		}
		if isASCII(s) {
			chain, _, err := transform.String(newNormalizer(), s)
			if err != nil || chain != out {
				t.Fatalf("ASCII fast path %+q, chain %+q, for %+q", out, chain, s)
			}
		}
	})
}

// FuzzShingler checks tokenization, stemming and shingling of arbitrary
// text under arbitrary configs: no panic, words of valid UTF-8, a sorted
// set of as many shingles as distinct term n-grams, and answers that do
// not depend on what the Shingler saw before.
func FuzzShingler(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, uint8(i), uint8(i), uint8(i))
	}
	langs := Languages()
	f.Fuzz(func(t *testing.T, text string, size, lang, flags uint8) {
		cfg := Config{
			Size:      int(size)%MaxSize + 1,
			Language:  langs[int(lang)%len(langs)],
			StopWords: flags&1 != 0,
			NoStem:    flags&2 != 0,
			Seed:      uint64(flags >> 3),
		}
		if flags&4 != 0 {
			cfg.Mode = ModeChars
		}
		if snowballLanguages[cfg.Language].isStop == nil {
			cfg.StopWords = false
		}
		sh, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		tokens := sh.AppendTokens(nil, text)
		for _, w := range tokens {
			if w == "" || !utf8.ValidString(w) || strings.ContainsFunc(w, unicode.IsSpace) {
				t.Fatalf("token %+q of %+q", w, text)
			}
			if st := sh.Stem(w); !utf8.ValidString(st) {
				t.Fatalf("Stem(%+q) = %+q: invalid UTF-8", w, st)
			}
		}
		if again := sh.AppendTokens(nil, Normalize(text)); !slices.Equal(again, tokens) {
			t.Fatalf("tokens of %+q: %q, of its normal form: %q", text, tokens, again)
		}
		terms := sh.AppendTerms(nil, text)
		for _, w := range terms {
			if !utf8.ValidString(w) {
				t.Fatalf("term %+q of %+q: invalid UTF-8", w, text)
			}
		}
		if len(terms) > len(tokens) {
			t.Fatalf("%d terms from %d tokens", len(terms), len(tokens))
		}

		prefix := []uint64{7, 3}
		hashes := sh.AppendHashes(slices.Clone(prefix), text)
		if !slices.Equal(hashes[:2], prefix) {
			t.Fatalf("AppendHashes changed dst: %v", hashes[:2])
		}
		hashes = hashes[2:]
		for i := 1; i < len(hashes); i++ {
			if hashes[i-1] >= hashes[i] {
				t.Fatalf("hashes not strictly ascending: %v", hashes)
			}
		}
		if (len(hashes) == 0) != (len(terms) == 0) || len(hashes) > max(1, len(terms)-cfg.Size+1) {
			t.Fatalf("%d shingles from %d terms of size %d", len(hashes), len(terms), cfg.Size)
		}
		if shingles := sh.AppendShingles(nil, text); len(shingles) != len(hashes) {
			t.Fatalf("%d shingle strings, %d hashes: %q", len(shingles), len(hashes), shingles)
		}

		fresh, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if h := fresh.AppendHashes(nil, text); !slices.Equal(h, hashes) {
			t.Fatalf("a fresh Shingler gives other hashes for %+q", text)
		}
		if h := sh.AppendHashes(nil, text); !slices.Equal(h, hashes) {
			t.Fatalf("a second call gives other hashes for %+q", text)
		}
	})
}
