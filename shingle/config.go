package shingle

import (
	"errors"
	"fmt"
	"slices"
)

// DefaultSize is the number of words per shingle when Config.Size is zero.
const DefaultSize = 3

// DefaultLanguage is the stemming language when Config.Language is empty.
const DefaultLanguage = "english"

// MaxSize is the largest accepted Config.Size.
const MaxSize = 16

// Errors returned by New and Config.Validate.
var (
	// ErrLanguage reports a language that has no Snowball stemmer.
	ErrLanguage = errors.New("shingle: unknown language")
	// ErrSize reports a shingle size outside 1..MaxSize.
	ErrSize = errors.New("shingle: shingle size out of range")
)

// languages lists the languages of github.com/kljensen/snowball.
var languages = []string{"english", "french", "hungarian", "norwegian", "russian", "spanish", "swedish"}

// Languages returns the names accepted by Config.Language, sorted.
// The caller owns the returned slice.
func Languages() []string { return slices.Clone(languages) }

// Config decides how text becomes shingles. Two shingle sets can only be
// compared if they were made under equal Configs; Config values are
// comparable with ==. The zero value is valid and means the defaults.
type Config struct {
	// Size is the number of words per shingle. 0 means DefaultSize.
	Size int `json:"size"`
	// Language is the Snowball stemming language, one of Languages().
	// "" means DefaultLanguage.
	Language string `json:"language"`
	// StopWords removes the language's Snowball stop words before
	// shingling when true.
	StopWords bool `json:"stop_words"`
	// NoStem turns stemming off when true.
	NoStem bool `json:"no_stem"`
	// Seed seeds the shingle hash.
	Seed uint64 `json:"seed"`
}

// WithDefaults returns c with zero fields replaced by their defaults.
func (c Config) WithDefaults() Config {
	if c.Size == 0 {
		c.Size = DefaultSize
	}
	if c.Language == "" {
		c.Language = DefaultLanguage
	}
	return c
}

// Validate reports whether c can build a Shingler. Zero fields are valid
// (they mean the defaults).
func (c Config) Validate() error {
	c = c.WithDefaults()
	if c.Size < 1 || c.Size > MaxSize {
		return fmt.Errorf("%w: %d (want 1..%d)", ErrSize, c.Size, MaxSize)
	}
	if !slices.Contains(languages, c.Language) {
		return fmt.Errorf("%w: %q (have %v)", ErrLanguage, c.Language, languages)
	}
	return nil
}
