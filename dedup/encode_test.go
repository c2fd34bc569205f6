package dedup

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	encA = "the minister said on tuesday that the talks in geneva would resume next week after a pause of two months. both sides welcomed the move."
	encB = "the minister said on tuesday that talks in geneva would resume next week after a two month pause. both sides welcomed it."
)

func TestSignatureBinaryRoundTrip(t *testing.T) {
	for _, cfg := range []Config{{}, {Method: MethodOPH, NumHashes: 64}, {Seed: 9}} {
		h, err := NewHasher(cfg)
		require.NoError(t, err)
		for _, text := range []string{encA, ""} {
			sig := h.Sign(text)
			b, err := sig.MarshalBinary()
			require.NoError(t, err)
			var got Signature
			require.NoError(t, got.UnmarshalBinary(b))
			assert.Equal(t, sig, got)
			if !sig.Empty() {
				s, err := got.Similarity(h.Sign(text))
				require.NoError(t, err)
				assert.Equal(t, 1.0, s)
				// Rebuilt from its values, it is the same signature.
				again, err := h.SignatureOf(sig.AppendValues(nil), sig.Shingles())
				require.NoError(t, err)
				assert.Equal(t, sig, again)
			}
		}
	}
	// A signature of another config still refuses comparison once rebuilt.
	h1, _ := NewHasher(Config{})
	h2, _ := NewHasher(Config{Seed: 1})
	b, _ := h2.Sign(encA).MarshalBinary()
	var other Signature
	require.NoError(t, other.UnmarshalBinary(b))
	_, err := h1.Sign(encA).Similarity(other)
	assert.ErrorIs(t, err, ErrConfigMismatch)

	_, err = h1.SignatureOf(make([]uint64, 64), 10)
	assert.ErrorIs(t, err, ErrConfigMismatch)
	_, err = h1.SignatureOf(make([]uint64, DefaultNumHashes), -1)
	assert.ErrorIs(t, err, ErrEncoding)
}

func TestSignatureBinaryRejectsJunk(t *testing.T) {
	h, _ := NewHasher(Config{})
	good, _ := h.Sign(encA).MarshalBinary()
	bad := map[string][]byte{
		"empty":          nil,
		"magic":          append([]byte("XXXX"), good[4:]...),
		"version":        append(append([]byte(nil), good[:4]...), append([]byte{9}, good[5:]...)...),
		"truncated":      good[:len(good)-3],
		"trailing bytes": append(append([]byte(nil), good...), 0),
		"header only":    good[:13],
	}
	for name, b := range bad {
		s := h.Sign(encB)
		before := s
		err := s.UnmarshalBinary(b)
		assert.ErrorIs(t, err, ErrEncoding, name)
		assert.Equal(t, before, s, "%s: left unchanged", name)
	}
	// Every truncation of a valid form fails cleanly.
	for i := range len(good) {
		var s Signature
		assert.Error(t, s.UnmarshalBinary(good[:i]), "prefix %d", i)
	}
}

func TestDocBinaryRoundTrip(t *testing.T) {
	h, _ := NewHasher(Config{})
	doc := h.Doc(encA)
	doc.Time = time.Date(2001, 11, 12, 9, 30, 0, 5, time.UTC)
	b, err := doc.MarshalBinary()
	require.NoError(t, err)
	var got Doc
	require.NoError(t, got.UnmarshalBinary(b))
	assert.Equal(t, doc.Signature, got.Signature)
	assert.Equal(t, doc.Evidence, got.Evidence)
	assert.True(t, doc.Time.Equal(got.Time))

	// A rebuilt Doc decides as the original: exact scores from Evidence.
	ix, _ := NewIndex(Config{})
	require.NoError(t, ix.AddDoc("a", got))
	ms, err := ix.QueryDoc(h.Doc(encB))
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, "a", ms[0].ID)

	for i := range len(b) {
		var d Doc
		assert.Error(t, d.UnmarshalBinary(b[:i]), "prefix %d", i)
	}
	_, err = Doc{Evidence: Evidence{1, 2, 3}}.MarshalBinary()
	assert.ErrorIs(t, err, ErrEncoding)
	var zero Doc
	b, err = Doc{}.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, zero.UnmarshalBinary(b))
	assert.Equal(t, Doc{}, zero)
}

func TestCopyIndex(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	texts := map[string]string{"a": encA, "b": encB, "c": "an unrelated article about the harvest of grapes in the south of france this year, which was late."}
	for i, id := range []string{"a", "b", "c"} {
		_, err := d.AddAt(id, texts[id], t0.Add(time.Duration(i)*time.Hour))
		require.NoError(t, err)
	}
	ca, _ := d.ClusterOf("a")
	cb, _ := d.ClusterOf("b")
	require.Equal(t, ca, cb, "a and b are copies")

	// Into another store, through an index file, and re-banded for a new
	// threshold.
	path := filepath.Join(t.TempDir(), "x.idx")
	require.NoError(t, d.Index().Save(path))
	loaded, err := LoadIndex(path, nil)
	require.NoError(t, err)
	for name, cfg := range map[string]Config{"same": {}, "reband": {Threshold: 0.6}} {
		dst, err := NewIndex(cfg)
		require.NoError(t, err)
		n, err := CopyIndex(context.Background(), dst, loaded)
		require.NoError(t, err, name)
		assert.Equal(t, 3, n, name)
		assert.Equal(t, 3, dst.Len(), name)
		assert.Equal(t, cfg.WithDefaults().Bands, dst.Banding().Bands, name)
		dd, err := NewWithIndex(cfg, dst)
		require.NoError(t, err)
		ga, _ := dd.ClusterOf("a")
		gb, _ := dd.ClusterOf("b")
		gc, _ := dd.ClusterOf("c")
		assert.Equal(t, ca, ga, name)
		assert.Equal(t, ga, gb, name)
		assert.NotEqual(t, ga, gc, name)
		// Times came along: expiring before 01:30 drops a and b.
		gone, err := dd.Expire(t0.Add(90 * time.Minute))
		require.NoError(t, err)
		assert.Equal(t, 2, gone, name)
		// The copy finds copies: candidates by the new banding.
		if name == "same" {
			res, err := NewWithIndex(cfg, dst)
			require.NoError(t, err)
			r, err := res.Check(texts["c"])
			require.NoError(t, err)
			assert.Equal(t, "c", r.CopyOf, name)
		}
	}

	// Refusals.
	other, _ := NewIndex(Config{Seed: 5})
	_, err = CopyIndex(context.Background(), other, loaded)
	assert.ErrorIs(t, err, ErrConfigMismatch)
	assert.ErrorContains(t, err, "Seed")
	dup, _ := NewIndex(Config{})
	require.NoError(t, dup.Add("b", d.Hasher().Sign("something else entirely, a short note on the weather in oslo")))
	n, err := CopyIndex(context.Background(), dup, loaded)
	assert.ErrorIs(t, err, ErrDuplicateID)
	assert.Equal(t, 1, n, "a was copied before b stopped it")
	assert.Equal(t, 2, dup.Len())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	empty, _ := NewIndex(Config{})
	n, err = CopyIndex(ctx, empty, loaded)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, n)
	assert.Equal(t, 0, empty.Len())
}
