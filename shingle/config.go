package shingle

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DefaultSize is the number of words per shingle when Config.Size is zero.
const DefaultSize = 3

// DefaultLanguage is the stemming language when Config.Language is empty.
const DefaultLanguage = "english"

// MaxSize is the largest accepted Config.Size.
const MaxSize = 16

// ModeChars is the Config.Mode of character shingling, for scripts written
// without spaces between words: every letter of the Han, Hiragana,
// Katakana, Thai, Lao, Khmer and Myanmar scripts (with the combining marks
// that follow it, and the Katakana prolonged sound mark ー) is a word of
// its own, so that shingles are character n-grams there; words of other
// scripts (Latin, Cyrillic, Hangul...) and numbers stay whole words, as in
// the default word mode. Chinese, Japanese and Thai configs use it
// whatever Mode says (see Config.Mode).
const ModeChars = "chars"

// Errors returned by New and Config.Validate.
var (
	// ErrLanguage reports a language that is not one of Languages() (by
	// name or ISO 639-1 code, in any case).
	ErrLanguage = errors.New("shingle: unknown language")
	// ErrSize reports a shingle size outside 1..MaxSize.
	ErrSize = errors.New("shingle: shingle size out of range")
	// ErrStopWords reports Config.StopWords for a language that has no
	// stop-word list (see StopWordLanguages).
	ErrStopWords = errors.New("shingle: no stop-word list for language")
	// ErrMode reports a Config.Mode that is neither "" nor ModeChars.
	ErrMode = errors.New("shingle: unknown mode")
)

// Languages returns the names accepted by Config.Language, sorted: the
// canonical names that Config.WithDefaults gives. Config.Language also
// accepts the ISO 639-1 codes of LanguageCodes, and any case.
// The caller owns the returned slice.
func Languages() []string { return slices.Sorted(maps.Keys(snowballLanguages)) }

// LanguageCodes returns the ISO 639-1 codes accepted by Config.Language,
// each mapped to its canonical name (a member of Languages()): "de" to
// "german", "zh" to "chinese". Norwegian has two ("no", "nb"). The
// caller owns the returned map.
func LanguageCodes() map[string]string { return maps.Clone(languageCodes) }

// StopWordLanguages returns the languages (canonical names, sorted) that
// have a stop-word list, the only ones where Config.StopWords may be set.
// The caller owns the returned slice.
func StopWordLanguages() []string {
	var names []string
	for name, l := range snowballLanguages {
		if l.isStop != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// canonicalLanguage returns the canonical name of a language name or
// ISO 639-1 code in any case, or false.
func canonicalLanguage(s string) (string, bool) {
	if _, ok := snowballLanguages[s]; ok {
		return s, true // the fast path: already canonical
	}
	low := strings.ToLower(s)
	if _, ok := snowballLanguages[low]; ok {
		return low, true
	}
	name, ok := languageCodes[low]
	return name, ok
}

// Config decides how text becomes shingles. Two shingle sets can only be
// compared if they were made under equal Configs; Config values are
// comparable with == after WithDefaults (which makes "FR" and "french"
// equal). The zero value is valid and means the defaults.
type Config struct {
	// Size is the number of words per shingle (in ModeChars, most
	// words are characters). 0 means DefaultSize.
	Size int `json:"size"`
	// Language is the stemming language: one of Languages(), or its ISO
	// 639-1 code (LanguageCodes), in any case; WithDefaults replaces it
	// with the canonical name. "" means DefaultLanguage. Chinese,
	// Japanese and Thai have no stemmer (words of other scripts in their
	// texts are left as they are) and use ModeChars.
	Language string `json:"language"`
	// StopWords removes the language's Snowball stop words before
	// shingling when true. Only the languages of StopWordLanguages have
	// a list; for the others Validate returns ErrStopWords.
	StopWords bool `json:"stop_words"`
	// NoStem turns stemming off when true.
	NoStem bool `json:"no_stem"`
	// Seed seeds the shingle hash.
	Seed uint64 `json:"seed"`
	// Mode is how text is split into words: "" (word mode: a word is a
	// run of letters, digits and marks) or ModeChars (every character of
	// the scripts written without spaces is a word). WithDefaults sets
	// ModeChars for Chinese, Japanese and Thai, where word mode makes a
	// whole clause one word and near-identical paragraphs share no
	// shingle. It is left out of JSON when "", so configs made before it
	// existed marshal as they did.
	Mode string `json:"mode,omitempty"`
}

// WithDefaults returns c with zero fields replaced by their defaults and
// Language by its canonical name ("FR", "fr" and "French" become
// "french"); a Language it does not know is left as it is, for Validate
// to report. Mode becomes ModeChars for the languages written without
// spaces.
func (c Config) WithDefaults() Config {
	if c.Size == 0 {
		c.Size = DefaultSize
	}
	if c.Language == "" {
		c.Language = DefaultLanguage
	} else if name, ok := canonicalLanguage(c.Language); ok {
		c.Language = name
	}
	if c.Mode == "" && snowballLanguages[c.Language].noSpaces {
		c.Mode = ModeChars
	}
	return c
}

// Validate reports whether c can build a Shingler, with an error wrapping
// ErrSize, ErrLanguage, ErrStopWords or ErrMode. Zero fields are valid
// (they mean the defaults).
func (c Config) Validate() error {
	c = c.WithDefaults()
	if c.Size < 1 || c.Size > MaxSize {
		return fmt.Errorf("%w: %d (want 1..%d)", ErrSize, c.Size, MaxSize)
	}
	l, ok := snowballLanguages[c.Language]
	if !ok {
		return fmt.Errorf("%w: %q (want one of %s, or its ISO 639-1 code: %s; in any case)",
			ErrLanguage, c.Language, strings.Join(Languages(), ", "), strings.Join(slices.Sorted(maps.Keys(languageCodes)), ", "))
	}
	if c.StopWords && l.isStop == nil {
		return fmt.Errorf("%w: %q (StopWords works for %s)", ErrStopWords, c.Language, strings.Join(StopWordLanguages(), ", "))
	}
	if c.Mode != "" && c.Mode != ModeChars {
		return fmt.Errorf("%w: %q (want \"\" or %q)", ErrMode, c.Mode, ModeChars)
	}
	return nil
}
