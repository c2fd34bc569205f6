package dedup_test

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// pinTexts are the inputs of TestSignaturePinned: the five Kandahar
// articles and a short mixed-script text that takes the normalizer's
// transformer path and the tokenizer's special cases.
func pinTexts(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "kandahar", "*.txt"))
	require.NoError(t, err)
	require.Len(t, paths, 5)
	var texts []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		texts = append(texts, string(b))
	}
	return append(texts,
		"Die Stra\u00dfe in K\u00f6ln: l\u2019arm\u00e9e et les U.S. \u2014 1,000.5 people \u201cfled\u201d! "+
			"The Taliban\u2019s fighters, running and runs; \u0420\u043e\u0441\u0441\u0438\u044f \u0441\u0442\u0440\u0430\u043d\u044b. Afghani\u00adstan.")
}

// digest is an FNV-1a hash of a slice of values, for pinning long outputs.
func digest(vs []uint64) uint64 {
	h := fnv.New64a()
	for _, v := range vs {
		fmt.Fprintf(h, "%x,", v)
	}
	return h.Sum64()
}

// TestSignaturePinned pins the shingle hashes and signature values of the
// default configuration (and a few others) as they were before the fast
// paths of the shingler and signer were written: every optimisation must
// leave them bit-identical. The OPH digest was computed by the code of
// commit aa8adc6; the MinWise ones by the code that introduced MinWise
// version 2 (one go-minhash sketch with badly approximable h2 steps),
// which changed every MinWise value on purpose and its fingerprint with
// them.
func TestSignaturePinned(t *testing.T) {
	texts := pinTexts(t)
	cases := []struct {
		cfg dedup.Config
		// first values of the first text's signature, then the digest
		// of all values of all texts' signatures
		first  [4]uint64
		digest uint64
	}{
		{dedup.Config{}, [4]uint64{0x24fd033f2c4462, 0xebc8e69efd9812, 0x17b3a62aeb8445, 0x2e5b4ef0be642f}, 0x344959d2b960b2a5},
		{dedup.Config{NumHashes: 100, Seed: 7}, [4]uint64{0x1a55f7ba81d4d, 0x1dc02f2e0efa397, 0xac70fb3ad747af, 0x2d65dd17f7f60f}, 0x51f671d2709ffb19},
		{dedup.Config{NumHashes: 64, Shingle: shingle.Config{Size: 1, StopWords: true}}, [4]uint64{0x1fb6ac3b9ce9664, 0x17eaaa907140ba0, 0x152f2908c3257c2, 0xb05d11359d1214}, 0x1fc48928154a39a5},
		{dedup.Config{NumHashes: 128, Method: dedup.MethodOPH}, [4]uint64{0x3f2c4462, 0x111ec6e, 0x6e61e1f9, 0x701a7a72}, 0x10b889b210e679d8},
		{dedup.Config{Shingle: shingle.Config{Language: "french", Size: 2}}, [4]uint64{0xd4b51f3773d6dd, 0x164d2126c9b81, 0xe9713b8bcdb3f1, 0xd25a2f343a311d}, 0x9b5d5134394b1ac3},
	}
	var report strings.Builder
	for _, c := range cases {
		h, err := dedup.NewHasher(c.cfg)
		require.NoError(t, err)
		var all []uint64
		for _, text := range texts {
			all = h.Sign(text).AppendValues(all)
		}
		first := [4]uint64(all[:4])
		d := digest(all)
		fmt.Fprintf(&report, "%+v: first %#x digest %#x\n", c.cfg, first, d)
		assert.Equal(t, c.first, first, "%+v", c.cfg)
		assert.Equal(t, c.digest, d, "%+v", c.cfg)
	}
	t.Log("\n" + report.String())
}

// TestShingleHashesPinned pins the shingle hash sets of the default
// shingler on the pin texts, in the same way.
func TestShingleHashesPinned(t *testing.T) {
	texts := pinTexts(t)
	sh, err := shingle.New(shingle.Config{})
	require.NoError(t, err)
	var all []uint64
	sizes := make([]int, 0, len(texts))
	for _, text := range texts {
		n := len(all)
		all = sh.AppendHashes(all, text)
		sizes = append(sizes, len(all)-n)
	}
	t.Logf("sizes %v first %#x digest %#x", sizes, all[:2], digest(all))
	assert.Equal(t, []int{363, 658, 1039, 334, 412, 18}, sizes)
	assert.Equal(t, []uint64{0x61e7e5afab30da, 0x151fed02fd20096}, all[:2])
	assert.Equal(t, uint64(0xd2b3da8d8d310cb1), digest(all))
}
