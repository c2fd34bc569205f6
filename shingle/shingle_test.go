package shingle_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kljensen/snowball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/shingle"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCase is one input of the golden tests. Configs are explicit so
// that changes of the package defaults do not change the files.
type goldenCase struct {
	name string
	cfg  shingle.Config
	text string
}

var goldenCases = []goldenCase{
	{
		name: "english_rules",
		cfg:  shingle.Config{Size: 3, Language: "english"},
		text: "The TALIBAN’s “lightning” offensive — now over two-thirds of the country – cost $1,000,000; " +
			"2.5 million fled. U.S. officials didn't say why. O’Brien's café ﬁnance ＡＢＣ x² Straße\u00A0STRASSE " +
			"e.g. 1,2,3 and 3.14.15 at 10 a.m. rock ’n’ roll Cafe\u0301 12th \x00nul\ttab U.S.-led −5",
	},
	{
		name: "english_stopwords",
		cfg:  shingle.Config{Size: 2, Language: "english", StopWords: true},
		text: "According to Afghan officials, the Taliban have taken control of another provincial capital, " +
			"the southern city of Kandahar in the same-named province. They didn't fight.",
	},
	{
		name: "english_nostem",
		cfg:  shingle.Config{Size: 3, Language: "english", NoStem: true},
		text: "Insurgents have taken the 12th of Afghanistan’s 34 provincial capitals in a week-long blitz.",
	},
	{
		name: "french_rules",
		cfg:  shingle.Config{Size: 3, Language: "french"},
		text: "L’armée afghane a quitté aujourd’hui la ville d'Hérat : « C’est fini », a déclaré l'officier. " +
			"2,5 millions ; 1 000 soldats — qu’en pense-t-on ? ÉTATS-UNIS, U.S.A. Œuvre ﬁnale.",
	},
	{
		name: "french_stopwords",
		cfg:  shingle.Config{Size: 2, Language: "french", StopWords: true},
		text: "Les talibans ont pris le contrôle de Kandahar, la deuxième ville du pays, selon des responsables afghans.",
	},
	{
		name: "spanish_rules",
		cfg:  shingle.Config{Size: 3, Language: "spanish"},
		text: "¿Qué pasó? Los talibanes tomaron Kandahar, la segunda ciudad de Afganistán; " +
			"2,5 millones huyeron. «Es el fin», dijo el portavoz de EE.UU. a las 10.",
	},
	{
		name: "short_text",
		cfg:  shingle.Config{Size: 5, Language: "english"},
		text: "Kandahar falls.",
	},
	{
		name: "no_words",
		cfg:  shingle.Config{Size: 3, Language: "english"},
		text: " — … !!! “ ” '' ",
	},
}

// golden renders every stage of the pipeline for one case.
func golden(t *testing.T, c goldenCase) string {
	t.Helper()
	sh, err := shingle.New(c.cfg)
	require.NoError(t, err)
	var b strings.Builder
	list := func(name string, items []string) {
		fmt.Fprintf(&b, "%s (%d):\n", name, len(items))
		for _, it := range items {
			fmt.Fprintf(&b, "\t%s\n", it)
		}
	}
	fmt.Fprintf(&b, "# Golden file of shingle_test.go; rewrite with go test -run TestGolden -update, then check it by hand.\n")
	fmt.Fprintf(&b, "config: size=%d language=%s stop_words=%v no_stem=%v seed=%d\n",
		c.cfg.Size, c.cfg.Language, c.cfg.StopWords, c.cfg.NoStem, c.cfg.Seed)
	fmt.Fprintf(&b, "input: %q\n", c.text)
	fmt.Fprintf(&b, "normalized: %q\n", shingle.Normalize(c.text))
	list("tokens", sh.AppendTokens(nil, c.text))
	list("terms", sh.AppendTerms(nil, c.text))
	shingles := sh.AppendShingles(nil, c.text)
	list("shingles", shingles)
	fmt.Fprintf(&b, "distinct shingle hashes: %d\n", len(sh.AppendHashes(nil, c.text)))
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", c.name+".golden")
			got := golden(t, c)
			if *updateGolden {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "missing golden file; run go test -run TestGolden -update and check it by hand")
			assert.Equal(t, string(want), got)
		})
	}
}

// TestTokenRules checks the tokenization rules of the package doc, one by
// one, with hand-written expectations.
func TestTokenRules(t *testing.T) {
	en, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	require.NoError(t, err)
	fr, err := shingle.New(shingle.Config{Size: 3, Language: "french"})
	require.NoError(t, err)
	cases := []struct {
		rule string
		sh   *shingle.Shingler
		text string
		want []string
	}{
		{"case folding", en, "KANDAHAR Kandahar", []string{"kandahar", "kandahar"}},
		{"full case folding", en, "Straße STRASSE", []string{"strasse", "strasse"}},
		{"NFKC ligature", en, "ﬁnance", []string{"finance"}},
		{"NFKC fullwidth", en, "ＫＡＢＵＬ", []string{"kabul"}},
		{"NFKC composes", en, "Cafe\u0301", []string{"café"}},
		{"no-break space separates", en, "New\u00A0York", []string{"new", "york"}},
		{"hyphen splits", en, "two-thirds", []string{"two", "thirds"}},
		{"en dash splits", en, "Kabul–Kandahar", []string{"kabul", "kandahar"}},
		{"non-breaking hyphen splits", en, "week\u2011long", []string{"week", "long"}},
		{"thousands separator", en, "1,000 and 1,000,000", []string{"1000", "and", "1000000"}},
		{"decimal point", en, "2.5 percent", []string{"2.5", "percent"}},
		{"sentence end after number", en, "It was 34. Then", []string{"it", "was", "34", "then"}},
		{"comma after number", en, "34, 35", []string{"34", "35"}},
		{"possessive kept for English", en, "Taliban's", []string{"taliban's"}},
		{"curly apostrophe", en, "Taliban’s", []string{"taliban's"}},
		{"contraction", en, "didn't", []string{"didn't"}},
		{"leading and trailing apostrophes", en, "'tis the players' ball", []string{"tis", "the", "players", "ball"}},
		{"acronym", en, "U.S. troops", []string{"us", "troops"}},
		{"acronym of three", en, "U.S.A.", []string{"usa"}},
		{"acronym before hyphen", en, "U.S.-led", []string{"us", "led"}},
		{"dotted abbreviation of longer words", en, "Mr.Smith", []string{"mr", "smith"}},
		{"French elision", fr, "l’armée d'Hérat", []string{"l", "armée", "d", "hérat"}},
		{"French apostrophe always splits", fr, "aujourd'hui", []string{"aujourd", "hui"}},
		{"quotes", fr, "« fini »", []string{"fini"}},
		{"control characters", en, "a\x00b\x07c\td", []string{"a", "b", "c", "d"}},
		{"invalid UTF-8", en, "kan\xffdahar", []string{"kan", "dahar"}},
		{"digits and letters", en, "12th G20", []string{"12th", "g20"}},
		{"no words", en, " -- ... !!! ", nil},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.sh.AppendTokens(nil, c.text), "%s: %q", c.rule, c.text)
	}
}

// TestSoftHyphenIsInvisible: U+00AD SOFT HYPHEN is an invisible
// hyphenation hint inside a word (web pages put them in long words), not a
// dash; a word with soft hyphens must give the same token as without.
func TestSoftHyphenIsInvisible(t *testing.T) {
	sh, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	require.NoError(t, err)
	assert.Equal(t, []string{"afghanistan"}, sh.AppendTokens(nil, "Afghani\u00ADstan"))
	assert.Equal(t, sh.AppendHashes(nil, "the international community said"),
		sh.AppendHashes(nil, "the inter\u00ADnational com\u00ADmunity said"))
}

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"ABC def":                 "abc def",
		"“quoted” «guillemets»":   `"quoted" "guillemets"`,
		"‘single’ ‛x‚ ′ ʼ":        `'single' 'x' ' '`,
		"a–b—c−d‐e":               "a-b-c-d-e",
		"ﬁ ＡＢＣ x² ½":              "fi abc x2 1⁄2",
		"Straße İ":                "strasse i\u0307",
		"tab\tnul\x00bell\x07end": "tab nul bell end",
		"keep\nnewline":           "keep\nnewline",
		"bad\xffbyte":             "bad byte",
		"cafe\u0301":              "café",
		"back`tick":               "back'tick",
	}
	for in, want := range cases {
		assert.Equal(t, want, shingle.Normalize(in), "%q", in)
	}
}

// wordsOf returns every token of the texts, without repeats, in order of
// first appearance.
func wordsOf(t *testing.T, sh *shingle.Shingler, texts ...string) []string {
	t.Helper()
	var words []string
	seen := map[string]bool{}
	for _, text := range texts {
		for _, w := range sh.AppendTokens(nil, text) {
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	return words
}

func readKandahar(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "kandahar", "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		texts = append(texts, string(b))
	}
	return texts
}

// frenchText and spanishText are short news texts in French and Spanish
// for the stemming comparison.
const (
	frenchText = "Les talibans se sont emparés vendredi de Kandahar, deuxième ville d'Afghanistan, " +
		"après avoir pris Hérat la veille. Les insurgés contrôlent désormais la moitié des capitales " +
		"provinciales du pays ; l'armée afghane, démoralisée, s'est repliée vers l'aéroport. " +
		"Les États-Unis envoient des soldats pour évacuer leur ambassade à Kaboul, où les habitants " +
		"craignent une offensive imminente. « Nous sommes inquiets », a déclaré un responsable."
	spanishText = "Los talibanes se apoderaron el viernes de Kandahar, la segunda ciudad de Afganistán, " +
		"después de tomar Herat. Los insurgentes controlan ya la mitad de las capitales provinciales; " +
		"el ejército afgano, desmoralizado, se replegó hacia el aeropuerto. Estados Unidos enviará " +
		"soldados para evacuar su embajada en Kabul, donde los habitantes temen una ofensiva inminente."
)

// TestStemMatchesSnowball compares the pipeline's stems with
// kljensen/snowball's on every word of the Kandahar texts (English), of
// short French and Spanish texts and of the golden inputs: Stem is
// snowball.Stem of the normalized word, apostrophes removed.
func TestStemMatchesSnowball(t *testing.T) {
	byLang := map[string][]string{
		"english": readKandahar(t),
		"french":  {frenchText},
		"spanish": {spanishText},
	}
	// The words of the golden files too.
	for _, c := range goldenCases {
		byLang[c.cfg.Language] = append(byLang[c.cfg.Language], c.text)
	}
	for lang, texts := range byLang {
		t.Run(lang, func(t *testing.T) {
			sh, err := shingle.New(shingle.Config{Size: 3, Language: lang})
			require.NoError(t, err)
			words := wordsOf(t, sh, texts...)
			require.Greater(t, len(words), 40)
			changed := 0
			for _, w := range words {
				want, err := snowball.Stem(w, lang, false)
				require.NoError(t, err)
				want = strings.ReplaceAll(want, "'", "")
				assert.Equal(t, want, sh.Stem(w), "%s word %q", lang, w)
				if want != w {
					changed++
				}
			}
			t.Logf("%s: %d distinct words, %d changed by stemming", lang, len(words), changed)
			// Stemming really happened.
			assert.Greater(t, changed, len(words)/5)

			// AppendTerms is Stem of each token when no stop words are
			// removed.
			for _, text := range texts {
				var want []string
				for _, w := range sh.AppendTokens(nil, text) {
					want = append(want, sh.Stem(w))
				}
				assert.Equal(t, want, sh.AppendTerms(nil, text))
			}
		})
	}
}

func TestStemByHand(t *testing.T) {
	en, err := shingle.New(shingle.Config{Language: "english", Size: 3})
	require.NoError(t, err)
	for w, want := range map[string]string{
		"Taliban's":   "taliban", // possessive removed by the stemmer
		"capitals":    "capit",
		"running":     "run",
		"didn't":      "didnt", // apostrophe removed after stemming
		"Afghanistan": "afghanistan",
		"Provinces":   "provinc",
	} {
		assert.Equal(t, want, en.Stem(w), w)
	}
	fr, err := shingle.New(shingle.Config{Language: "french", Size: 3})
	require.NoError(t, err)
	assert.Equal(t, "capital", fr.Stem("capitales"))
	noStem, err := shingle.New(shingle.Config{Language: "english", Size: 3, NoStem: true})
	require.NoError(t, err)
	assert.Equal(t, "capitals", noStem.Stem("Capitals"))
	assert.Equal(t, "didnt", noStem.Stem("didn't"))
}

func TestStopWords(t *testing.T) {
	sh, err := shingle.New(shingle.Config{Size: 2, Language: "english", StopWords: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"taliban", "captur", "citi", "kandahar"},
		sh.AppendTerms(nil, "The Taliban have captured the city of Kandahar"))
	// Only stop words: no shingles at all.
	assert.Empty(t, sh.AppendHashes(nil, "of the and to"))
	assert.Empty(t, sh.AppendShingles(nil, "of the and to"))

	fr, err := shingle.New(shingle.Config{Size: 2, Language: "french", StopWords: true})
	require.NoError(t, err)
	// "l" and "la" are on Snowball's French stop list, "a" is not.
	assert.Equal(t, []string{"armé", "a", "quitt", "vill"}, fr.AppendTerms(nil, "L'armée a quitté la ville"))
}

func TestShingleCounts(t *testing.T) {
	for size := 1; size <= 5; size++ {
		sh, err := shingle.New(shingle.Config{Size: size, Language: "english", NoStem: true})
		require.NoError(t, err)
		// 10 distinct words: 10-size+1 distinct n-grams.
		text := "alpha bravo charlie delta echo foxtrot golf hotel india juliet"
		shingles := sh.AppendShingles(nil, text)
		assert.Len(t, shingles, 10-size+1, "size %d", size)
		assert.Len(t, sh.AppendHashes(nil, text), 10-size+1, "size %d", size)
		for _, s := range shingles {
			assert.Len(t, strings.Fields(s), size)
		}
		assert.Equal(t, strings.Join(strings.Fields(text)[:size], " "), shingles[0])

		// A repeating text has few distinct n-grams: "a b c" three
		// times has three distinct n-grams of any size from 1 to 5
		// (for 3: abc, bca, cab).
		rep := strings.Repeat("alpha bravo charlie ", 3)
		assert.Len(t, sh.AppendShingles(nil, rep), 3, "size %d", size)
		assert.Len(t, sh.AppendHashes(nil, rep), 3, "size %d", size)
	}
}

func TestShingleShortAndEmpty(t *testing.T) {
	sh, err := shingle.New(shingle.Config{Size: 4, Language: "english"})
	require.NoError(t, err)
	// Fewer words than Size: one shingle of all the words.
	assert.Equal(t, []string{"kandahar fall"}, sh.AppendShingles(nil, "Kandahar falls"))
	assert.Len(t, sh.AppendHashes(nil, "Kandahar falls"), 1)
	assert.Equal(t, []string{"kandahar"}, sh.AppendShingles(nil, "Kandahar!"))
	// Exactly Size words: one shingle.
	assert.Equal(t, []string{"kandahar fall on thursday"}, sh.AppendShingles(nil, "Kandahar falls on Thursday"))
	// The short shingle differs from any shingle of a longer text.
	assert.NotEqual(t, sh.AppendHashes(nil, "Kandahar falls"), sh.AppendHashes(nil, "Kandahar"))

	for _, empty := range []string{"", " ", "\n\t", "...", "— – -", "“”", "\x00\x01"} {
		assert.Empty(t, sh.AppendHashes(nil, empty), "%q", empty)
		assert.Empty(t, sh.AppendShingles(nil, empty), "%q", empty)
		assert.Empty(t, sh.AppendTerms(nil, empty), "%q", empty)
		assert.Empty(t, sh.AppendTokens(nil, empty), "%q", empty)
	}
	// Appending nothing leaves dst as it is.
	dst := []uint64{9, 1}
	assert.Equal(t, []uint64{9, 1}, sh.AppendHashes(dst, ""))
}

func TestAppendHashes(t *testing.T) {
	sh, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	require.NoError(t, err)
	texts := readKandahar(t)
	for _, text := range texts {
		set := sh.AppendHashes(nil, text)
		require.NotEmpty(t, set)
		// Sorted, distinct.
		assert.True(t, slices.IsSorted(set))
		assert.Equal(t, len(set), len(slices.Compact(slices.Clone(set))))
		// One hash per distinct shingle string.
		assert.Len(t, set, len(sh.AppendShingles(nil, text)))

		// Existing elements are left alone, and the appended part is
		// the same set.
		dst := []uint64{^uint64(0), 5, 5, 0}
		got := sh.AppendHashes(slices.Clone(dst), text)
		assert.Equal(t, dst, got[:len(dst)])
		assert.Equal(t, set, got[len(dst):])
		// Even when dst has spare capacity holding other values.
		buf := make([]uint64, 2, 4096)
		buf[0], buf[1] = 7, 3
		got = sh.AppendHashes(buf, text)
		assert.Equal(t, []uint64{7, 3}, got[:2])
		assert.Equal(t, set, got[2:])
	}
}

func TestHashesDeterministicAndSeeded(t *testing.T) {
	text := readKandahar(t)[0]
	cfg := shingle.Config{Size: 3, Language: "english", Seed: 1}
	a, err := shingle.New(cfg)
	require.NoError(t, err)
	b, err := shingle.New(cfg)
	require.NoError(t, err)
	ha := a.AppendHashes(nil, text)
	// Same text and config: same hashes, from another Shingler and from
	// the same one after other texts have filled its cache.
	assert.Equal(t, ha, b.AppendHashes(nil, text))
	for _, other := range readKandahar(t)[1:] {
		a.AppendHashes(nil, other)
	}
	assert.Equal(t, ha, a.AppendHashes(nil, text))

	// Another seed: other hashes (none in common), same count.
	cfg.Seed = 2
	c, err := shingle.New(cfg)
	require.NoError(t, err)
	hc := c.AppendHashes(nil, text)
	assert.Len(t, hc, len(ha))
	common := 0
	for _, h := range hc {
		if _, found := slices.BinarySearch(ha, h); found {
			common++
		}
	}
	assert.Zero(t, common)
	assert.Equal(t, a.AppendShingles(nil, text), c.AppendShingles(nil, text), "the seed changes hashes only")

	// Word order matters.
	assert.NotEqual(t, a.AppendHashes(nil, "alpha bravo charlie"), a.AppendHashes(nil, "charlie bravo alpha"))
	// Spelling variants that the rules make equal hash equally.
	assert.Equal(t, a.AppendHashes(nil, "two-thirds of U.S. troops"), a.AppendHashes(nil, "Two thirds of US troops"))
	assert.Equal(t, a.AppendHashes(nil, "the Taliban’s “victory”"), a.AppendHashes(nil, "THE TALIBAN'S VICTORY"))
}

func TestConfig(t *testing.T) {
	assert.Equal(t, shingle.Config{Size: shingle.DefaultSize, Language: shingle.DefaultLanguage}, shingle.Config{}.WithDefaults())
	assert.NoError(t, shingle.Config{}.Validate())
	for _, lang := range shingle.Languages() {
		_, err := shingle.New(shingle.Config{Language: lang})
		assert.NoError(t, err, lang)
	}
	langs := shingle.Languages()
	assert.True(t, slices.IsSorted(langs))
	assert.Contains(t, langs, "english")
	assert.Contains(t, langs, "french")
	langs[0] = "changed"
	assert.NotEqual(t, "changed", shingle.Languages()[0], "Languages returns a copy")

	for _, c := range []shingle.Config{{Size: -1}, {Size: shingle.MaxSize + 1}} {
		_, err := shingle.New(c)
		assert.ErrorIs(t, err, shingle.ErrSize, "%+v", c)
	}
	for _, lang := range []string{"klingon", "englisch", "enn"} {
		_, err := shingle.New(shingle.Config{Language: lang})
		assert.ErrorIs(t, err, shingle.ErrLanguage, lang)
	}
	sh, err := shingle.New(shingle.Config{Size: shingle.MaxSize, Language: "french", StopWords: true, Seed: 4})
	require.NoError(t, err)
	assert.Equal(t, shingle.Config{Size: shingle.MaxSize, Language: "french", StopWords: true, Seed: 4}, sh.Config())
}
