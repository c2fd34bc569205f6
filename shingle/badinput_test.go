package shingle

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newBadInputShingler(t *testing.T, cfg Config) *Shingler {
	t.Helper()
	sh, err := New(cfg)
	require.NoError(t, err)
	return sh
}

func TestBadInputNoWordsShingles(t *testing.T) {
	sh := newBadInputShingler(t, Config{})
	for _, text := range []string{
		"", " ", "\t\n\r\n", "!!! ... --- ???", "— … « » “ ” ‘ ’ ' \"", "\x00\x00\x01\x7f",
		"\u200b\u200c\u200d\ufeff", "\u00a0\u3000\u2028", strings.Repeat(". ", 1<<16), "\u0301\u0308",
	} {
		assert.Empty(t, sh.AppendTokens(nil, text), "%+q", text)
		assert.Empty(t, sh.AppendTerms(nil, text), "%+q", text)
		assert.Empty(t, sh.AppendShingles(nil, text), "%+q", text)
		assert.Empty(t, sh.AppendHashes(nil, text), "%+q", text)
		assert.Equal(t, []uint64{1}, sh.AppendHashes([]uint64{1}, text), "dst is kept")
	}
}

func TestBadInputShorterThanShingle(t *testing.T) {
	for size := 1; size <= MaxSize; size++ {
		sh := newBadInputShingler(t, Config{Size: size})
		one := sh.AppendHashes(nil, "Reuters")
		require.Len(t, one, 1, "one word is one shingle at size %d", size)
		two := sh.AppendHashes(nil, "breaking news")
		if size == 1 {
			assert.Len(t, two, 2)
		} else {
			assert.Len(t, two, 1, "two words are one shingle at size %d", size)
			assert.Equal(t, []string{"break news"}, sh.AppendShingles(nil, "breaking news"))
		}
		if size > 1 {
			assert.NotEqual(t, one, sh.AppendHashes(nil, "Reuters Reuters"), "a repeated word is another shingle")
		}
	}
}

func TestBadInputInvalidUTF8Shingles(t *testing.T) {
	sh := newBadInputShingler(t, Config{})
	for bad, clean := range map[string]string{
		"caf\xc3 society":            "caf society",
		"\xff\xfe\xfdword":           "word",
		"half \xed\xa0\x80surrogate": "half surrogate",
		"ends in \xe2\x82":           "ends in",
		"over\xc0\xaflong":           "over long",
	} {
		norm := Normalize(bad)
		assert.True(t, utf8.ValidString(norm), "%+q", bad)
		assert.NotContains(t, norm, "\ufffd")
		assert.Equal(t, sh.AppendTokens(nil, clean), sh.AppendTokens(nil, bad), "%+q", bad)
		assert.Equal(t, sh.AppendHashes(nil, clean), sh.AppendHashes(nil, bad), "%+q", bad)
	}
}

func TestBadInputBinaryShingles(t *testing.T) {
	sh := newBadInputShingler(t, Config{})
	assert.Equal(t, []string{"alpha", "beta", "gamma"}, sh.AppendTokens(nil, "alpha\x00beta\x01gamma"))
	rng := rand.New(rand.NewSource(1))
	for range 50 {
		junk := make([]byte, rng.Intn(1<<16))
		rng.Read(junk)
		for _, w := range sh.AppendTokens(nil, string(junk)) {
			require.True(t, utf8.ValidString(w))
			require.NotEmpty(t, w)
		}
		h := sh.AppendHashes(nil, string(junk))
		require.True(t, slices.IsSorted(h))
	}
}

func TestBadInputLongWordShingles(t *testing.T) {
	sh := newBadInputShingler(t, Config{})
	word := strings.Repeat("a", 10<<20)
	tokens := sh.AppendTokens(nil, word)
	require.Len(t, tokens, 1)
	assert.Len(t, tokens[0], len(word))
	assert.Len(t, sh.AppendHashes(nil, word), 1)
	assert.NotEqual(t, sh.AppendHashes(nil, word), sh.AppendHashes(nil, word+"b"))
	accented := strings.Repeat("É", 1<<20)
	assert.Equal(t, []string{strings.Repeat("é", 1<<20)}, sh.AppendTokens(nil, accented))
	assert.Len(t, sh.AppendHashes(nil, "news "+word+" "+accented+" today"), 2)
}

func TestBadInputScriptsShingles(t *testing.T) {
	sh := newBadInputShingler(t, Config{})
	for text, want := range map[string][]string{
		"שלום עולם":                          {"שלום", "עולם"},
		"أعلنت الحكومة اليوم":                {"أعلنت", "الحكومة", "اليوم"},
		"أَعْلَنَتِ الحُكُومَةُ":             {"أَعْلَنَتِ", "الحُكُومَةُ"}, // marks stay in the word
		"政府今天宣布。教育改革":                        {"政府今天宣布", "教育改革"},            // no spaces: one word a run
		"Reuters: الحكومة, הממשלה & 政府 said": {"reuters", "الحكومة", "הממשלה", "政府", "said"},
		"The \u202bמחיר\u202c rose \u200f5%": {"the", "מחיר", "rose", "5"},
		"서울 증시는 상승했다":                        {"서울", "증시는", "상승했다"},
		"Ꭰ ꭰ ᏸ Ᏸ":                            {"Ꭰ", "Ꭰ", "Ᏸ", "Ᏸ"}, // Cherokee folds to its capitals
	} {
		assert.Equal(t, want, sh.AppendTokens(nil, text), "%+q", text)
		assert.NotEmpty(t, sh.AppendHashes(nil, text))
	}
}

// TestNormalizeIdempotentRegressions holds inputs for which Normalize was
// not idempotent: case folding left text that NFKC changes (ß and Greek
// iota subscript followed by combining marks), x/text's folding of
// Cherokee flipped between small and capital letters, and invisible
// characters removed after NFKC left a letter and its mark uncomposed.
func TestNormalizeIdempotentRegressions(t *testing.T) {
	for _, s := range []string{
		"\u00df\u0301", "\u1e9e\u0301", "\u03a5\u0308\u0301", "\u0399\u0308\u0301", "\u03d2\u0308\u0301",
		"\u1c82\u0308\u0301", "\u1f82\u0301", "\u1fb2\u0301", "\U0001d6b0\u0308\u0301",
		"\u13a0", "\uab70", "\u13f0", "\u13f8", "\u13fd", "\uabbf",
		"e\u00ad\u0301", "e\u200b\u0301", "a\ufeff\u0308", // invisible characters between letter and mark
	} {
		once := Normalize(s)
		assert.Equal(t, once, Normalize(once), "%+q -> %+q", s, once)
	}
	assert.Equal(t, Normalize("\u13a0"), Normalize("\uab70"), "Cherokee capital and small fold alike")
	assert.Equal(t, "\u13a0", Normalize("\uab70"))
	assert.Equal(t, "s\u015b", Normalize("\u00df\u0301"))
	assert.Equal(t, "\u00e9", Normalize("e\u00ad\u0301"))
}

func TestBadInputConfigShingles(t *testing.T) {
	for _, lang := range []string{"klingon", " english", "english ", "eng", "zz", "e", "\u0130ngilizce", "\xff"} {
		_, err := New(Config{Language: lang})
		assert.ErrorIs(t, err, ErrLanguage, lang)
	}
	for _, size := range []int{-1, MaxSize + 1, 1 << 40} {
		_, err := New(Config{Size: size})
		assert.ErrorIs(t, err, ErrSize, "size %d", size)
	}
	sh, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, Config{Size: DefaultSize, Language: DefaultLanguage}, sh.Config())
}
