package shingle_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/shingle"
)

// TestLanguageNames checks that ISO 639-1 codes and names in any case
// give the canonical name after WithDefaults, so that the configs are
// equal and shingle alike.
func TestLanguageNames(t *testing.T) {
	text := "Les insurgés ont pris l’aéroport de la ville après trois jours de combats."
	want, err := shingle.New(shingle.Config{Language: "french"})
	require.NoError(t, err)
	for _, name := range []string{"french", "French", "FRENCH", "fr", "FR", "Fr"} {
		cfg := shingle.Config{Language: name}.WithDefaults()
		assert.Equal(t, shingle.Config{Size: shingle.DefaultSize, Language: "french"}, cfg, name)
		assert.Equal(t, cfg, cfg.WithDefaults(), "WithDefaults is idempotent")
		sh, err := shingle.New(shingle.Config{Language: name})
		require.NoError(t, err, name)
		assert.Equal(t, "french", sh.Config().Language)
		assert.Equal(t, want.AppendHashes(nil, text), sh.AppendHashes(nil, text), name)
	}

	codes := shingle.LanguageCodes()
	langs := shingle.Languages()
	assert.True(t, slices.IsSorted(langs))
	for code, name := range codes {
		assert.Len(t, code, 2, code)
		assert.Contains(t, langs, name, code)
		assert.Equal(t, name, shingle.Config{Language: strings.ToUpper(code)}.WithDefaults().Language, code)
	}
	for _, name := range langs {
		assert.Contains(t, slices.Collect(maps.Values(codes)), name, "%s has an ISO 639-1 code", name)
		assert.Equal(t, name, shingle.Config{Language: strings.ToUpper(name)}.WithDefaults().Language)
	}
	for _, c := range []struct{ code, name string }{
		{"de", "german"}, {"zh", "chinese"}, {"ja", "japanese"}, {"th", "thai"}, {"no", "norwegian"}, {"nb", "norwegian"}, {"en", "english"},
	} {
		assert.Equal(t, c.name, codes[c.code], c.code)
	}
	codes["xx"] = "english"
	assert.NotContains(t, shingle.LanguageCodes(), "xx", "LanguageCodes returns a copy")
}

// TestLanguageErrors checks the errors of a language that is not known,
// of StopWords without a list, and of an unknown Mode.
func TestLanguageErrors(t *testing.T) {
	for _, lang := range []string{"klingon", "xx", "deu", "fra"} {
		err := shingle.Config{Language: lang}.Validate()
		require.ErrorIs(t, err, shingle.ErrLanguage, lang)
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "shingle: "), msg)
		assert.Contains(t, msg, `"`+lang+`"`, "the error names the value")
		for _, name := range shingle.Languages() {
			assert.Contains(t, msg, name, "the error lists what is accepted")
		}
		for code := range shingle.LanguageCodes() {
			assert.Contains(t, msg, code)
		}
		assert.Equal(t, lang, shingle.Config{Language: lang}.WithDefaults().Language, "an unknown name is left as it is")
	}

	withList := shingle.StopWordLanguages()
	assert.Equal(t, []string{"english", "french", "hungarian", "norwegian", "russian", "spanish", "swedish"}, withList)
	for _, lang := range shingle.Languages() {
		err := shingle.Config{Language: lang, StopWords: true}.Validate()
		if slices.Contains(withList, lang) {
			assert.NoError(t, err, lang)
			continue
		}
		require.ErrorIs(t, err, shingle.ErrStopWords, lang)
		assert.Contains(t, err.Error(), `"`+lang+`"`)
		assert.Contains(t, err.Error(), "english")
		_, err = shingle.New(shingle.Config{Language: strings.ToUpper(lang), StopWords: true})
		assert.ErrorIs(t, err, shingle.ErrStopWords, lang)
	}

	err := shingle.Config{Mode: "words"}.Validate()
	require.ErrorIs(t, err, shingle.ErrMode)
	assert.Contains(t, err.Error(), `"words"`)
	assert.NoError(t, shingle.Config{Mode: shingle.ModeChars}.Validate())
	assert.NoError(t, shingle.Config{Language: "de", Mode: shingle.ModeChars}.Validate())
}

// TestConfigJSONMode checks that Mode is left out of JSON when empty, so
// that configs made before it existed marshal (and are stored) as they
// did.
func TestConfigJSONMode(t *testing.T) {
	b, err := json.Marshal(shingle.Config{}.WithDefaults())
	require.NoError(t, err)
	assert.Equal(t, `{"size":3,"language":"english","stop_words":false,"no_stem":false,"seed":0}`, string(b))
	b, err = json.Marshal(shingle.Config{Language: "ZH"}.WithDefaults())
	require.NoError(t, err)
	assert.Equal(t, `{"size":3,"language":"chinese","stop_words":false,"no_stem":false,"seed":0,"mode":"chars"}`, string(b))
	var back shingle.Config
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, shingle.Config{Size: 3, Language: "chinese", Mode: shingle.ModeChars}, back)
}
