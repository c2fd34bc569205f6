package shingle_test

// TestStemmersAgree compares the two Snowball ports where both have a
// language: github.com/kljensen/snowball, which the shingler uses for
// them, and github.com/blevesearch/snowballstem, which it uses for the
// others.

import (
	"os"
	"path/filepath"
	"slices"

	"testing"

	"github.com/blevesearch/snowballstem"
	sbEnglish "github.com/blevesearch/snowballstem/english"
	sbFrench "github.com/blevesearch/snowballstem/french"
	sbHungarian "github.com/blevesearch/snowballstem/hungarian"
	sbNorwegian "github.com/blevesearch/snowballstem/norwegian"
	sbRussian "github.com/blevesearch/snowballstem/russian"
	sbSpanish "github.com/blevesearch/snowballstem/spanish"
	sbSwedish "github.com/blevesearch/snowballstem/swedish"
	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/shingle"
)

// bothPorts lists, for each language of both ports, kljensen's stemmer
// and stop-word test and snowballstem's stemmer.
var bothPorts = map[string]struct {
	kljensen func(string, bool) string
	isStop   func(string) bool
	sb       func(*snowballstem.Env) bool
}{
	"english":   {english.Stem, english.IsStopWord, sbEnglish.Stem},
	"french":    {french.Stem, french.IsStopWord, sbFrench.Stem},
	"hungarian": {hungarian.Stem, hungarian.IsStopWord, sbHungarian.Stem},
	"norwegian": {norwegian.Stem, norwegian.IsStopWord, sbNorwegian.Stem},
	"russian":   {russian.Stem, russian.IsStopWord, sbRussian.Stem},
	"spanish":   {spanish.Stem, spanish.IsStopWord, sbSpanish.Stem},
	"swedish":   {swedish.Stem, swedish.IsStopWord, sbSwedish.Stem},
}

// portDifferences are the words of the vocabularies (testdata/vocab and
// the texts of TestLanguages, as the tokenizer gives them) whose stems
// differ between the two ports when both stem every word, as Snowball
// defines the algorithms. Where they differ, the shingler keeps kljensen
// (it does for all seven), so that signatures do not change:
//
//   - Spanish: kljensen returns words of two bytes or fewer as they are;
//     snowballstem removes the accent of "ó".
//   - Norwegian: kljensen also removes the t of "konsert" after the
//     ending -ene ("konser"); snowballstem gives "konsert".
//   - Hungarian: on short words, kljensen removes endings that
//     snowballstem keeps ("van" gives "va", "fák" gives "fá") and also
//     shortens the long vowel left at the end ("hét" gives "he",
//     snowballstem "hé").
//
// English, French, Russian and Swedish agree on every word.
var portDifferences = map[string][]string{
	"spanish":   {"ó"},
	"norwegian": {"konsertene"},
	"hungarian": {"fák", "hét", "két", "van"},
}

// vocabulary returns the distinct tokens of the language's vocabulary
// texts: testdata/vocab/<lang>.txt, and for English the Kandahar articles
// too.
func vocabulary(t *testing.T, lang string) []string {
	t.Helper()
	sh, err := shingle.New(shingle.Config{Language: lang})
	require.NoError(t, err)
	paths := []string{filepath.Join("testdata", "vocab", lang+".txt")}
	if lang == "english" {
		more, err := filepath.Glob(filepath.Join("..", "testdata", "kandahar", "*.txt"))
		require.NoError(t, err)
		paths = append(paths, more...)
	}
	var words []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		words = sh.AppendTokens(words, string(b))
	}
	for _, pt := range languageTexts {
		if pt.lang == lang {
			for _, text := range []string{pt.a, pt.b, pt.other} {
				words = sh.AppendTokens(words, text)
			}
		}
	}
	slices.Sort(words)
	return slices.Compact(words)
}

func TestStemmersAgree(t *testing.T) {
	for lang, p := range bothPorts {
		t.Run(lang, func(t *testing.T) {
			words := vocabulary(t, lang)
			require.GreaterOrEqual(t, len(words), 150, "vocabulary of %s", lang)
			env := snowballstem.NewEnv("")
			stemBoth := func(w string) (k, sb string) {
				env.SetCurrent(w)
				p.sb(env)
				return p.kljensen(w, true), env.Current()
			}
			var differ []string
			changed := 0
			for _, w := range words {
				k, sb := stemBoth(w)
				if k != sb {
					differ = append(differ, w)
					t.Logf("%s: %q: kljensen %q, snowballstem %q", lang, w, k, sb)
				}
				if k != w {
					changed++
				}
			}
			assert.Equal(t, portDifferences[lang], differ, "%s: words whose stems differ", lang)
			assert.Greater(t, changed, len(words)/4, "%s: the stemmers change few words", lang)

			// Truncated words (every prefix of 3 runes or more) reach
			// other suffixes of the algorithms; they are not words,
			// so differences are counted, not listed.
			n, diff := 0, 0
			for _, w := range words {
				r := []rune(w)
				for i := 3; i < len(r); i++ {
					n++
					if k, sb := stemBoth(string(r[:i])); k != sb {
						diff++
					}
				}
			}
			t.Logf("%s: %d words, %d differ; %d truncations, %d differ", lang, len(words), len(differ), n, diff)

			// The shingler stems with stemStopWords false: kljensen
			// leaves stop words unstemmed, which snowballstem
			// cannot do; count how many that is.
			stops := 0
			for _, w := range words {
				if p.isStop(w) && p.kljensen(w, false) != p.kljensen(w, true) {
					stops++
				}
			}
			t.Logf("%s: %d stop words that kljensen would stem are left as they are", lang, stops)
		})
	}
}
