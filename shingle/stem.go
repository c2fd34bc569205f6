package shingle

import (
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/arabic"
	"github.com/blevesearch/snowballstem/danish"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/finnish"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/irish"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/portuguese"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/tamil"
	"github.com/blevesearch/snowballstem/turkish"
	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// language is one language's stemmer and stop-word test.
type language struct {
	// stem returns the stem of a normalized word; nil for a language
	// without a stemmer (the word is its own stem).
	stem func(word string, stemStopWords bool) string
	// isStop reports a stop word; nil for a language without a list.
	isStop func(word string) bool
	// fold, if not nil, maps a normalized word to the form the stop-word
	// test and the stemmer see (and that is kept under NoStem).
	fold func(word string) string
	// noSpaces marks the languages written without spaces between
	// words, whose configs use ModeChars.
	noSpaces bool
}

// snowballLanguages maps the canonical names of Config.Language to their
// stemmers. The seven languages of github.com/kljensen/snowball keep it,
// with its stop-word lists, so that signatures made before the others
// were added do not change (TestStemmersAgree lists where the two
// Snowball ports differ); the others use the generated Go port
// github.com/blevesearch/snowballstem, which has no stop-word lists.
var snowballLanguages = map[string]language{
	"english":   {stem: english.Stem, isStop: english.IsStopWord},
	"french":    {stem: french.Stem, isStop: french.IsStopWord},
	"hungarian": {stem: hungarian.Stem, isStop: hungarian.IsStopWord},
	"norwegian": {stem: norwegian.Stem, isStop: norwegian.IsStopWord},
	"russian":   {stem: russian.Stem, isStop: russian.IsStopWord},
	"spanish":   {stem: spanish.Stem, isStop: spanish.IsStopWord},
	"swedish":   {stem: swedish.Stem, isStop: swedish.IsStopWord},

	"arabic":     {stem: snowballStem(arabic.Stem)},
	"danish":     {stem: snowballStem(danish.Stem)},
	"dutch":      {stem: snowballStem(dutch.Stem)},
	"finnish":    {stem: snowballStem(finnish.Stem)},
	"german":     {stem: snowballStem(german.Stem)},
	"irish":      {stem: snowballStem(irish.Stem)},
	"italian":    {stem: snowballStem(italian.Stem)},
	"portuguese": {stem: snowballStem(portuguese.Stem)},
	"romanian":   {stem: snowballStem(romanian.Stem), fold: romanianFold},
	"tamil":      {stem: snowballStem(tamil.Stem)},
	"turkish":    {stem: snowballStem(turkish.Stem), fold: turkishFold},

	"chinese":  {noSpaces: true},
	"japanese": {noSpaces: true},
	"thai":     {noSpaces: true},
}

// languageCodes maps the ISO 639-1 codes to canonical language names.
var languageCodes = map[string]string{
	"ar": "arabic",
	"da": "danish",
	"de": "german",
	"en": "english",
	"es": "spanish",
	"fi": "finnish",
	"fr": "french",
	"ga": "irish",
	"hu": "hungarian",
	"it": "italian",
	"ja": "japanese",
	"nb": "norwegian", // Bokmål, which the Snowball stemmer is written for
	"nl": "dutch",
	"no": "norwegian",
	"pt": "portuguese",
	"ro": "romanian",
	"ru": "russian",
	"sv": "swedish",
	"ta": "tamil",
	"th": "thai",
	"tr": "turkish",
	"zh": "chinese",
}

// snowballStem adapts a stemmer of github.com/blevesearch/snowballstem.
// The stemmers are generated code; should one panic on some word, the
// word is left unstemmed rather than the caller's text crashing the
// process.
func snowballStem(stem func(*snowballstem.Env) bool) func(string, bool) string {
	return func(word string, _ bool) (out string) {
		defer func() {
			if recover() != nil {
				out = word
			}
		}()
		env := snowballstem.NewEnv(word)
		stem(env)
		return env.Current()
	}
}

// turkishFold undoes one effect of the language-independent case
// folding on Turkish: the capital dotted İ folds to i followed by a
// combining dot above (U+0307), which is removed, so "İstanbul" and
// "istanbul" agree. (The dotless capital I folds to i, not ı: words
// capitalized with it do not meet their lower-case forms.)
func turkishFold(word string) string {
	if strings.Contains(word, "i\u0307") {
		word = strings.ReplaceAll(word, "i\u0307", "i")
	}
	return word
}

// romanianFold writes s and t with a comma below (U+0219, U+021B, the
// standard spelling) with a cedilla (U+015F, U+0163), the only forms the
// Romanian stemmer of snowballstem knows; both spellings are common, and
// they then agree.
func romanianFold(word string) string {
	if strings.ContainsAny(word, "\u0219\u021b") {
		word = romanianCedilla.Replace(word)
	}
	return word
}

var romanianCedilla = strings.NewReplacer("\u0219", "\u015f", "\u021b", "\u0163")
