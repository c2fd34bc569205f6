package redisstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// TestOpenLanguageSpellings checks that a namespace opened under one
// spelling of a language ("fr") opens under the others ("French"), since
// the stored config is the one after defaults, and not under another
// language or mode; and that the default config is stored as it was
// before shingle.Config had a Mode.
func TestOpenLanguageSpellings(t *testing.T) {
	c := testClient(t)
	ctx := context.Background()
	s := openTest(t, c, dedup.Config{Shingle: shingle.Config{Language: "fr"}}, nil)
	assert.Equal(t, "french", s.Config().Shingle.Language)
	for _, name := range []string{"french", "French", "FR"} {
		same, err := Open(ctx, c, s.Namespace(), dedup.Config{Shingle: shingle.Config{Language: name}}, nil)
		require.NoError(t, err, name)
		assert.Equal(t, s.Config(), same.Config())
	}
	for _, cfg := range []dedup.Config{
		{Shingle: shingle.Config{Language: "es"}},
		{Shingle: shingle.Config{Language: "fr", Mode: shingle.ModeChars}},
	} {
		_, err := Open(ctx, c, s.Namespace(), cfg, nil)
		require.ErrorIs(t, err, dedup.ErrConfigMismatch, "%+v", cfg)
	}

	def := openTest(t, c, dedup.Config{}, nil)
	assert.NotContains(t, def.cfgJSON, "mode", "a config without Mode is stored as before")
	zh := openTest(t, c, dedup.Config{Shingle: shingle.Config{Language: "ZH"}}, nil)
	assert.Contains(t, zh.cfgJSON, `"language":"chinese"`)
	assert.Contains(t, zh.cfgJSON, `"mode":"chars"`)
}
