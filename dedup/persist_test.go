package dedup

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// relVocabulary returns n distinct made-up words.
func relVocabulary(rng *rand.Rand, n int) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	for len(words) < n {
		b := make([]byte, 3+rng.Intn(8))
		for i := range b {
			b[i] = letters[rng.Intn(len(letters))]
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// relCorpus returns n texts from a seeded vocabulary: stories of 60–160
// words, each followed by up to three reworded copies (words replaced,
// dropped or added), so that queries have several answers.
func relCorpus(seed int64, n int) []string {
	rng := rand.New(rand.NewSource(seed))
	vocab := relVocabulary(rng, 5000)
	texts := make([]string, 0, n)
	for len(texts) < n {
		story := make([]string, 60+rng.Intn(100))
		for i := range story {
			story[i] = vocab[rng.Intn(len(vocab))]
		}
		texts = append(texts, strings.Join(story, " ")+".")
		for c := rng.Intn(4); c > 0 && len(texts) < n; c-- {
			var cp []string
			for _, w := range story {
				switch p := rng.Float64(); {
				case p < 0.04:
					cp = append(cp, vocab[rng.Intn(len(vocab))])
				case p < 0.07:
				case p < 0.09:
					cp = append(cp, w, vocab[rng.Intn(len(vocab))])
				default:
					cp = append(cp, w)
				}
			}
			texts = append(texts, strings.Join(cp, " ")+".")
		}
	}
	return texts
}

// relDoc is one signed document of a test corpus.
type relDoc struct {
	id  string
	sig Signature
}

// relSign signs texts under cfg and names them "doc-<i>".
func relSign(t testing.TB, cfg Config, texts []string) (*Hasher, []relDoc) {
	t.Helper()
	h, err := NewHasher(cfg)
	require.NoError(t, err)
	docs := make([]relDoc, len(texts))
	parallel(len(texts), func(i int) {
		docs[i] = relDoc{id: fmt.Sprintf("doc-%d", i), sig: h.Sign(texts[i])}
	})
	return h, docs
}

// relAnswers returns the Query answer of the index for every document.
func relAnswers(t testing.TB, ix *Index, docs []relDoc) [][]Match {
	t.Helper()
	out := make([][]Match, len(docs))
	for i, d := range docs {
		m, err := ix.Query(d.sig)
		require.NoError(t, err)
		out[i] = m
	}
	return out
}

// relRecords returns every record of the index by ID, with copied slices.
func relRecords(t testing.TB, ix *Index) map[string]Record {
	t.Helper()
	recs := make(map[string]Record)
	require.NoError(t, ix.Store().Range(func(r Record) bool {
		r.Values = append([]uint32(nil), r.Values...)
		r.Evidence = append([]uint32(nil), r.Evidence...)
		recs[r.ID] = r
		return true
	}))
	return recs
}

// relSave returns the index file bytes of ix.
func relSave(t testing.TB, ix *Index) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := ix.WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), n)
	return buf.Bytes()
}

// relFixChecksums recomputes the header and file checksums of an index
// file (version 1 layout) after a test edited it; it leaves b alone if b
// is too short to hold them.
func relFixChecksums(b []byte) []byte {
	const hdr = len(fileMagic) + 8 // magic, version, config length
	if len(b) < hdr {
		return b
	}
	end := hdr + int(binary.LittleEndian.Uint32(b[hdr-4:])) + 8
	if end < hdr || end+4 > len(b) {
		return b
	}
	binary.LittleEndian.PutUint32(b[end:], crc32.Checksum(b[:end], castagnoli))
	if len(b) >= end+4+4+9 {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	}
	return b
}

// relSmallIndex returns an index of a few documents with sentence
// sketches, small enough to corrupt at every byte.
func relSmallIndex(t testing.TB) *Index {
	t.Helper()
	cfg := Config{NumHashes: 8, Seed: 7}
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	_, docs := relSign(t, cfg, relCorpus(3, 6))
	for i, d := range docs {
		require.NoError(t, ix.Add(d.id, d.sig))
		if i == 2 {
			rec := Record{ID: "with-sentences", Values: []uint32{1, 2, 3, 4, 5, 6, 7, 8}, Shingles: 9, Evidence: []uint32{3, 10, 99}}
			require.NoError(t, ix.Store().Add(rec, bandKeys(nil, rec.Values, ix.cfg.Bands, ix.cfg.Rows)))
		}
	}
	return ix
}

func TestIndexRoundTrip(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	texts := relCorpus(1, n)
	for _, cfg := range []Config{
		{},
		{NumHashes: 64, Threshold: 0.5, Seed: 42, Shingle: relShingleConfig(2, "french", true)},
		{NumHashes: 100, Bands: 20, Rows: 4, Threshold: 0.5, Seed: 1 << 60},
	} {
		t.Run(fmt.Sprintf("hashes=%d,threshold=%v", cfg.NumHashes, cfg.Threshold), func(t *testing.T) {
			_, docs := relSign(t, cfg, texts)
			ix, err := NewIndex(cfg)
			require.NoError(t, err)
			for _, d := range docs {
				require.NoError(t, ix.Add(d.id, d.sig))
			}
			// Removed documents leave free slots in the store; they
			// must not be saved, and slots reused after must be.
			for i := 0; i < len(docs); i += 10 {
				ok, err := ix.Remove(docs[i].id)
				require.NoError(t, err)
				require.True(t, ok)
			}
			for i := 0; i < len(docs); i += 20 {
				require.NoError(t, ix.Add(docs[i].id, docs[i].sig))
			}
			// Sentence sketches, which Sign may or may not make.
			for i := range 50 {
				vals := compact(nil, docs[i].sig.values)
				rec := Record{ID: fmt.Sprintf("sent-%d", i), Values: vals, Shingles: i + 1, Evidence: []uint32{uint32(i), 1 << 31, 1<<32 - 1}[:i%4]}
				require.NoError(t, ix.Store().Add(rec, bandKeys(nil, vals, ix.cfg.Bands, ix.cfg.Rows)))
			}

			path := filepath.Join(t.TempDir(), "index.ndx")
			require.NoError(t, ix.Save(path))
			got, err := LoadIndex(path, nil)
			require.NoError(t, err)

			assert.Equal(t, ix.Len(), got.Len())
			assert.Equal(t, ix.Config(), got.Config())
			assert.Equal(t, cfg.WithDefaults(), got.Config())
			assert.Equal(t, ix.Banding(), got.Banding())
			assert.Equal(t, relRecords(t, ix), relRecords(t, got))
			want := relAnswers(t, ix, docs)
			assert.Equal(t, want, relAnswers(t, got, docs))
			for i, d := range docs[:200] {
				c1, err := ix.Candidates(d.sig)
				require.NoError(t, err)
				c2, err := got.Candidates(d.sig)
				require.NoError(t, err)
				require.Equal(t, c1, c2, "candidates of doc %d", i)
			}
			matched := 0
			for _, m := range want {
				if len(m) > 1 {
					matched++
				}
			}
			assert.Greater(t, matched, len(docs)/4, "the corpus should have copies")

			// The loaded index keeps the saved order, so saving it
			// again gives the same bytes.
			file, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, file, relSave(t, got))

			// And it works as a streaming index.
			d, err := NewWithIndex(cfg, got)
			require.NoError(t, err)
			res, err := d.Add("again", texts[1])
			require.NoError(t, err)
			assert.False(t, res.New)
		})
	}
}

func relShingleConfig(size int, lang string, stop bool) shingle.Config {
	return shingle.Config{Size: size, Language: lang, StopWords: stop}
}

func TestIndexRoundTripEmpty(t *testing.T) {
	ix, err := NewIndex(Config{})
	require.NoError(t, err)
	b := relSave(t, ix)
	got, err := ReadIndex(bytes.NewReader(b), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, got.Len())
	assert.Equal(t, ix.Config(), got.Config())
}

func TestReadIndexTruncated(t *testing.T) {
	small := relSave(t, relSmallIndex(t))
	for n := range len(small) {
		_, err := ReadIndex(bytes.NewReader(small[:n]), nil)
		require.ErrorIs(t, err, ErrCorrupt, "truncated to %d of %d bytes", n, len(small))
		require.NotErrorIs(t, err, ErrFormat)
	}

	// A larger file, through LoadIndex, at every 997th offset.
	cfg := Config{}
	_, docs := relSign(t, cfg, relCorpus(2, 300))
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	for _, d := range docs {
		require.NoError(t, ix.Add(d.id, d.sig))
	}
	big := relSave(t, ix)
	path := filepath.Join(t.TempDir(), "index")
	for n := 0; n < len(big); n += 997 {
		require.NoError(t, os.WriteFile(path, big[:n], 0o644))
		_, err := LoadIndex(path, nil)
		require.ErrorIs(t, err, ErrCorrupt, "truncated to %d of %d bytes", n, len(big))
		require.Contains(t, err.Error(), path)
	}
	_, err = ReadIndex(bytes.NewReader(big[:len(big)-1]), nil)
	assert.ErrorContains(t, err, "truncated at offset")
}

func TestReadIndexFlippedBytes(t *testing.T) {
	file := relSave(t, relSmallIndex(t))
	for off := range file {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(file)
			b[off] ^= mask
			ix, err := ReadIndex(bytes.NewReader(b), nil)
			require.Error(t, err, "byte %d ^ %#x", off, mask)
			require.Nil(t, ix)
			switch {
			case off < len(fileMagic):
				require.ErrorIs(t, err, ErrFormat, "byte %d ^ %#x", off, mask)
			case off < len(fileMagic)+4:
				if !errors.Is(err, ErrVersion) {
					require.ErrorIs(t, err, ErrCorrupt, "byte %d ^ %#x", off, mask)
				}
			default:
				require.ErrorIs(t, err, ErrCorrupt, "byte %d ^ %#x", off, mask)
			}
		}
	}
}

func TestReadIndexForeign(t *testing.T) {
	file := relSave(t, relSmallIndex(t))
	for name, b := range map[string][]byte{
		"json":        []byte(`{"num_hashes": 128, "threshold": 0.2}`),
		"gzip":        {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3},
		"short":       []byte("NDX"),
		"other magic": append([]byte("NDUPIDY\x00"), file[8:]...),
		"lower case":  append([]byte("ndupidx\x00"), file[8:]...),
	} {
		_, err := ReadIndex(bytes.NewReader(b), nil)
		assert.ErrorIs(t, err, ErrFormat, name)
		assert.NotErrorIs(t, err, ErrCorrupt, name)
	}
	_, err := ReadIndex(bytes.NewReader(nil), nil)
	assert.ErrorIs(t, err, ErrCorrupt, "empty file")
	_, err = ReadIndex(bytes.NewReader([]byte("NDUP")), nil)
	assert.ErrorIs(t, err, ErrCorrupt, "prefix of the magic")
}

func TestReadIndexNewerVersion(t *testing.T) {
	file := relSave(t, relSmallIndex(t))
	for _, v := range []uint32{3, 4, 1 << 31} {
		b := bytes.Clone(file)
		binary.LittleEndian.PutUint32(b[len(fileMagic):], v)
		_, err := ReadIndex(bytes.NewReader(relFixChecksums(b)), nil)
		require.ErrorIs(t, err, ErrVersion)
		assert.ErrorContains(t, err, fmt.Sprintf("format version %d", v))
	}
}

// relRewriteHeader returns file with its config JSON and fingerprint
// replaced, checksums fixed.
func relRewriteHeader(file []byte, cfgJSON []byte, fp *uint64) []byte {
	const hdr = len(fileMagic) + 8
	oldLen := int(binary.LittleEndian.Uint32(file[hdr-4:]))
	oldFP := file[hdr+oldLen : hdr+oldLen+8]
	var b []byte
	b = append(b, file[:hdr-4]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(cfgJSON)))
	b = append(b, cfgJSON...)
	if fp != nil {
		b = binary.LittleEndian.AppendUint64(b, *fp)
	} else {
		b = append(b, oldFP...)
	}
	b = append(b, file[hdr+oldLen+8:]...)
	return relFixChecksums(b)
}

func TestReadIndexBadHeader(t *testing.T) {
	ix := relSmallIndex(t)
	file := relSave(t, ix)
	cfgJSON, err := json.Marshal(ix.Config())
	require.NoError(t, err)

	// Sanity: rewriting with the same header changes nothing.
	same := relRewriteHeader(file, cfgJSON, nil)
	require.Equal(t, file, same)
	_, err = ReadIndex(bytes.NewReader(same), nil)
	require.NoError(t, err)

	// A library whose signatures differ (another signatureVersion, say)
	// writes another fingerprint for the same Config.
	fp := ix.fp ^ 1
	_, err = ReadIndex(bytes.NewReader(relRewriteHeader(file, cfgJSON, &fp)), nil)
	assert.ErrorIs(t, err, ErrConfigMismatch)

	// A newer library with a Config field this one does not know.
	newer := strings.Replace(string(cfgJSON), `{`, `{"minimum_words":5,`, 1)
	_, err = ReadIndex(bytes.NewReader(relRewriteHeader(file, []byte(newer), nil)), nil)
	assert.ErrorIs(t, err, ErrVersion)
	assert.ErrorContains(t, err, "minimum_words")

	// Checksummed but invalid configs.
	for _, bad := range []string{
		strings.Replace(string(cfgJSON), `"threshold":0.2`, `"threshold":2`, 1),
		strings.Replace(string(cfgJSON), `"language":"english"`, `"language":"klingon"`, 1),
		`[1,2]`,
		`{}{}`,
		`"`,
	} {
		require.NotEqual(t, string(cfgJSON), bad)
		_, err = ReadIndex(bytes.NewReader(relRewriteHeader(file, []byte(bad), nil)), nil)
		assert.Error(t, err, bad)
		if !errors.Is(err, ErrVersion) {
			assert.ErrorIs(t, err, ErrCorrupt, bad)
		}
	}
	_, err = ReadIndex(bytes.NewReader(relRewriteHeader(file, []byte(strings.Replace(string(cfgJSON), `"threshold":0.2`, `"threshold":2`, 1)), nil)), nil)
	assert.ErrorIs(t, err, ErrConfig)

	// Config lengths out of range.
	for _, n := range []uint32{0, maxConfigLen + 1, 1<<32 - 1} {
		b := bytes.Clone(file)
		binary.LittleEndian.PutUint32(b[len(fileMagic)+4:], n)
		_, err = ReadIndex(bytes.NewReader(b), nil)
		assert.ErrorIs(t, err, ErrCorrupt)
	}
}

func TestReadIndexBadRecords(t *testing.T) {
	cfg := Config{NumHashes: 8}
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	hdr := relSave(t, ix)
	hdr = hdr[:len(hdr)-1-8-4] // without the end tag and trailer

	// file assembles an index file from hand-made records.
	file := func(count uint64, records ...[]byte) []byte {
		b := bytes.Clone(hdr)
		for _, r := range records {
			b = append(b, r...)
		}
		b = append(b, tagEnd)
		b = binary.LittleEndian.AppendUint64(b, count)
		return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	}
	record := func(id string, shingles uint64, nValues int, sentences uint64, sentenceBytes int) []byte {
		b := []byte{tagRecord}
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
		b = binary.AppendUvarint(b, shingles)
		for i := range nValues {
			b = binary.LittleEndian.AppendUint32(b, uint32(i)*7+uint32(len(id)))
		}
		b = binary.AppendUvarint(b, sentences)
		b = append(b, make([]byte, sentenceBytes)...)
		b = binary.AppendVarint(b, -12345) // time
		b = binary.AppendUvarint(b, 0)     // cluster: the own ID
		return append(b, 0)                // flags
	}
	// withTail replaces the time, cluster and flags of a record made by
	// record(..., 0, 0).
	withTail := func(r []byte, tail ...byte) []byte {
		r = bytes.Clone(r[:len(r)-len(binary.AppendVarint(nil, -12345))-2])
		return append(r, tail...)
	}

	good := file(2, record("a", 3, 8, 2, 8), record("b", 4, 8, 0, 0))
	got, err := ReadIndex(bytes.NewReader(good), nil)
	require.NoError(t, err)
	require.Equal(t, 2, got.Len())

	for name, tc := range map[string]struct {
		file []byte
		want error
	}{
		"duplicate id":       {file(2, record("a", 3, 8, 0, 0), record("a", 3, 8, 0, 0)), ErrDuplicateID},
		"empty id":           {file(1, record("", 3, 8, 0, 0)), ErrCorrupt},
		"count too high":     {file(3, record("a", 3, 8, 0, 0), record("b", 3, 8, 0, 0)), ErrCorrupt},
		"count too low":      {file(1, record("a", 3, 8, 0, 0), record("b", 3, 8, 0, 0)), ErrCorrupt},
		"shingles too large": {file(1, record("a", 1<<32, 8, 0, 0)), ErrCorrupt},
		"too few values":     {file(1, record("a", 3, 7, 0, 0)), ErrCorrupt},
		"too many sentences": {file(1, record("a", 3, 8, MaxSavedEvidence+1, 0)), ErrCorrupt},
		"bad tag":            {file(1, append([]byte{7}, record("a", 3, 8, 0, 0)[1:]...)), ErrCorrupt},
		"trailing bytes":     {append(bytes.Clone(good), 0), ErrCorrupt},
		"varint overflow":    {file(1, append([]byte{tagRecord}, bytes.Repeat([]byte{0xff}, 11)...)), ErrCorrupt},
		"bad flags":          {file(1, withTail(record("a", 3, 8, 0, 0), 2, 0, 2)), ErrCorrupt},
		"cluster name too long": {file(1, withTail(record("a", 3, 8, 0, 0),
			append([]byte{2}, binary.AppendUvarint(nil, MaxSavedIDLen+1)...)...)), ErrCorrupt},
		"cluster name cut": {file(1, withTail(record("a", 3, 8, 0, 0), 2, 5, 'x')), ErrCorrupt},
		"no flags":         {file(1, withTail(record("a", 3, 8, 0, 0), 2, 0)), ErrCorrupt},
	} {
		_, err := ReadIndex(bytes.NewReader(tc.file), nil)
		assert.ErrorIs(t, err, tc.want, name)
		assert.ErrorIs(t, err, ErrCorrupt, name)
	}
}

// TestReadIndexHostileLengths checks that length fields far beyond what
// the file holds cost no memory: the reader grows with the bytes read.
func TestReadIndexHostileLengths(t *testing.T) {
	cfg := Config{NumHashes: 8}
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	hdr := relSave(t, ix)
	hdr = hdr[:len(hdr)-1-8-4]
	for name, rec := range map[string][]byte{
		"id length":      binary.AppendUvarint([]byte{tagRecord}, MaxSavedIDLen),
		"sentence count": binary.AppendUvarint(append(binary.AppendUvarint(append(binary.AppendUvarint([]byte{tagRecord}, 1), 'a'), 3), make([]byte, 32)...), MaxSavedEvidence),
	} {
		b := append(bytes.Clone(hdr), rec...)
		b = append(b, make([]byte, 100)...)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := ReadIndex(bytes.NewReader(b), nil)
		runtime.ReadMemStats(&after)
		require.ErrorIs(t, err, ErrCorrupt, name)
		require.ErrorContains(t, err, "truncated", name)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), name)
	}
}

// relStore wraps a Store, failing Range after a number of records or
// yielding extra records.
type relStore struct {
	Store
	failAfter int // Range fails after this many records; <0: never
	extra     []Record
}

var errRelRange = errors.New("range failed")

func (s *relStore) Range(fn func(Record) bool) error {
	n := 0
	stop := false
	err := s.Store.Range(func(r Record) bool {
		if n == s.failAfter {
			stop = true
			return false
		}
		n++
		return fn(r)
	})
	if err != nil {
		return err
	}
	if stop {
		return errRelRange
	}
	for _, r := range s.extra {
		if !fn(r) {
			break
		}
	}
	return nil
}

// relFailingWriter fails after n bytes.
type relFailingWriter struct{ n int }

var errRelWrite = errors.New("disk full")

func (w *relFailingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		m := w.n
		w.n = 0
		return m, errRelWrite
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteToErrors(t *testing.T) {
	cfg := Config{NumHashes: 16}
	_, docs := relSign(t, cfg, relCorpus(4, 5000))
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	for _, d := range docs {
		require.NoError(t, ix.Add(d.id, d.sig))
	}
	size := int64(len(relSave(t, ix)))
	require.Greater(t, size, int64(ioBufSize+5))
	for _, limit := range []int{0, 10, ioBufSize - 1, ioBufSize + 5, int(size) - 1} {
		n, err := ix.WriteTo(&relFailingWriter{n: limit})
		require.ErrorIs(t, err, errRelWrite, "limit %d", limit)
		assert.Equal(t, int64(limit), n)
	}

	mem, err := NewMemoryStore(cfg)
	require.NoError(t, err)
	fail, err := NewIndexWithStore(cfg, &relStore{Store: mem, failAfter: 0})
	require.NoError(t, err)
	rec := Record{ID: "x", Values: make([]uint32, 16), Shingles: 1}
	require.NoError(t, mem.Add(rec, bandKeys(nil, rec.Values, fail.cfg.Bands, fail.cfg.Rows)))
	_, err = fail.WriteTo(io.Discard)
	assert.ErrorIs(t, err, errRelRange)

	for name, tc := range map[string]struct {
		rec  Record
		want error
	}{
		"long id":      {Record{ID: strings.Repeat("x", MaxSavedIDLen+1), Values: make([]uint32, 16)}, ErrLimit},
		"empty id":     {Record{Values: make([]uint32, 16)}, ErrEmptyID},
		"short values": {Record{ID: "y", Values: make([]uint32, 15)}, ErrConfigMismatch},
		"shingles":     {Record{ID: "y", Values: make([]uint32, 16), Shingles: -1}, ErrLimit},
	} {
		bad, err := NewIndexWithStore(cfg, &relStore{Store: mem, failAfter: -1, extra: []Record{tc.rec}})
		require.NoError(t, err)
		_, err = bad.WriteTo(io.Discard)
		assert.ErrorIs(t, err, tc.want, name)
	}
	// The longest ID that fits round-trips.
	long := Record{ID: strings.Repeat("z", MaxSavedIDLen), Values: make([]uint32, 16), Shingles: 2}
	ok, err := NewIndexWithStore(cfg, &relStore{Store: mem, failAfter: -1, extra: []Record{long}})
	require.NoError(t, err)
	got, err := ReadIndex(bytes.NewReader(relSave(t, ok)), nil)
	require.NoError(t, err)
	r, found, err := got.Store().Get(long.ID)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, long, r)
}

// TestSaveAtomic checks that a failed Save leaves the previous file as it
// was and no temporary file behind. A crash or power loss midway cannot be
// simulated in a test; Save's guarantee there rests on writing a temporary
// file, syncing it, renaming it over the target and syncing the directory.
func TestSaveAtomic(t *testing.T) {
	cfg := Config{NumHashes: 16}
	_, docs := relSign(t, cfg, relCorpus(5, 500))
	dir := t.TempDir()
	path := filepath.Join(dir, "index.ndx")

	mem, err := NewMemoryStore(cfg)
	require.NoError(t, err)
	failing := &relStore{Store: mem, failAfter: -1}
	ix, err := NewIndexWithStore(cfg, failing)
	require.NoError(t, err)
	for _, d := range docs[:100] {
		require.NoError(t, ix.Add(d.id, d.sig))
	}
	require.NoError(t, ix.Save(path))
	require.NoError(t, os.Chmod(path, 0o600))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	onlyIndex := func() {
		t.Helper()
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1)
		assert.Equal(t, "index.ndx", entries[0].Name())
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, before, after)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	}

	// More documents, then a save that fails midway through them.
	for _, d := range docs[100:] {
		require.NoError(t, ix.Add(d.id, d.sig))
	}
	failing.failAfter = 300
	err = ix.Save(path)
	require.ErrorIs(t, err, errRelRange)
	assert.ErrorContains(t, err, path)
	onlyIndex()

	// A document the format cannot hold.
	failing.failAfter = -1
	failing.extra = []Record{{ID: strings.Repeat("x", MaxSavedIDLen+1), Values: make([]uint32, 16)}}
	require.ErrorIs(t, ix.Save(path), ErrLimit)
	onlyIndex()
	failing.extra = nil

	// The old file still loads, with the first 100 documents.
	old, err := LoadIndex(path, nil)
	require.NoError(t, err)
	assert.Equal(t, 100, old.Len())

	// A successful save replaces it and keeps its mode.
	require.NoError(t, ix.Save(path))
	got, err := LoadIndex(path, nil)
	require.NoError(t, err)
	assert.Equal(t, len(docs), got.Len())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())

	// A new file gets 0644; a directory or missing directory fails.
	fresh := filepath.Join(dir, "fresh.ndx")
	require.NoError(t, ix.Save(fresh))
	fi, err = os.Stat(fresh)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o644), fi.Mode().Perm())
	assert.ErrorIs(t, ix.Save(filepath.Join(dir, "missing", "x.ndx")), fs.ErrNotExist)
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	assert.Error(t, ix.Save(sub))
	assert.Error(t, ix.Save(sub+string(filepath.Separator)))
	fi, err = os.Stat(sub)
	require.NoError(t, err)
	assert.True(t, fi.IsDir())

	_, err = LoadIndex(filepath.Join(dir, "missing.ndx"), nil)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestLoadIndexConfigMismatch(t *testing.T) {
	cfg := Config{Seed: 1}
	texts := relCorpus(6, 300)
	_, docs := relSign(t, cfg, texts)
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	for _, d := range docs {
		require.NoError(t, ix.Add(d.id, d.sig))
	}
	path := filepath.Join(t.TempDir(), "index.ndx")
	require.NoError(t, ix.Save(path))

	// The same config, written with or without its defaults.
	for _, same := range []Config{cfg, cfg.WithDefaults(), {Seed: 1, NumHashes: DefaultNumHashes, Threshold: DefaultThreshold}} {
		got, err := LoadIndex(path, &LoadOptions{Config: &same})
		require.NoError(t, err)
		assert.Equal(t, ix.Len(), got.Len())
	}
	// Another threshold or rule resumes the index, with its banding.
	for _, resume := range []Config{{Seed: 1, Threshold: 0.3}, {Seed: 1, Threshold: 0.9, NoRewrites: true}} {
		got, err := LoadIndex(path, &LoadOptions{Config: &resume})
		require.NoError(t, err, "%+v", resume)
		assert.Equal(t, ix.Len(), got.Len())
		assert.Equal(t, resume.Threshold, got.Config().Threshold)
		assert.Equal(t, resume.NoRewrites, got.Config().NoRewrites)
		assert.Equal(t, ix.Banding().Bands, got.Banding().Bands)
		assert.Equal(t, ix.Banding().Rows, got.Banding().Rows)
	}
	// A config that signs or bands otherwise is refused before loading,
	// with the field named.
	for field, other := range map[string]Config{
		"Seed":                 {},
		"NumHashes":            {Seed: 1, NumHashes: 64},
		"Bands x Rows":         {Seed: 1, Bands: 32, Rows: 4, Threshold: 0.5},
		"Shingle.Size":         {Seed: 1, Shingle: relShingleConfig(2, "", false)},
		"Method is oph here":   {Seed: 1, Method: MethodOPH},
		"Seed is 2 here and 1": {Seed: 2},
	} {
		_, err := LoadIndex(path, &LoadOptions{Config: &other})
		assert.ErrorIs(t, err, ErrConfigMismatch, "%+v", other)
		assert.ErrorContains(t, err, field, "%+v", other)
	}
	_, err = LoadIndex(path, &LoadOptions{Config: &Config{Threshold: -1}})
	assert.ErrorIs(t, err, ErrConfig)

	// A loaded index refuses signatures of another config.
	got, err := LoadIndex(path, nil)
	require.NoError(t, err)
	before := relAnswers(t, got, docs)
	for _, other := range []Config{{Seed: 2}, {Seed: 1, NumHashes: 64}, {Seed: 1, Shingle: relShingleConfig(2, "", false)}} {
		h, err := NewHasher(other)
		require.NoError(t, err)
		sig := h.Sign(texts[0])
		_, err = got.Query(sig)
		assert.ErrorIs(t, err, ErrConfigMismatch)
		_, err = got.Candidates(sig)
		assert.ErrorIs(t, err, ErrConfigMismatch)
		assert.ErrorIs(t, got.Add("other", sig), ErrConfigMismatch)
		_, err = NewWithIndex(other, got)
		assert.ErrorIs(t, err, ErrConfigMismatch)
	}
	assert.Equal(t, ix.Len(), got.Len())
	assert.Equal(t, before, relAnswers(t, got, docs))
}

// relBenchFile writes an index file of n documents with random values and
// a 30-value sentence sketch each, and returns its path and size.
func relBenchFile(b *testing.B, n int) (string, int64) {
	b.Helper()
	cfg := DefaultConfig()
	ix, err := NewIndex(cfg)
	require.NoError(b, err)
	rng := rand.New(rand.NewSource(int64(n)))
	rec := Record{Values: make([]uint32, cfg.NumHashes), Evidence: make([]uint32, 30)}
	var keys []uint64
	for i := range n {
		rec.ID = fmt.Sprintf("https://news.example.com/2026/11/%08d-article", i)
		rec.Shingles = 100 + rng.Intn(900)
		for j := range rec.Values {
			rec.Values[j] = rng.Uint32()
		}
		for j := range rec.Evidence {
			rec.Evidence[j] = rng.Uint32()
		}
		keys = bandKeys(keys[:0], rec.Values, cfg.Bands, cfg.Rows)
		require.NoError(b, ix.Store().Add(rec, keys))
	}
	path := filepath.Join(b.TempDir(), "bench.ndx")
	require.NoError(b, ix.Save(path))
	fi, err := os.Stat(path)
	require.NoError(b, err)
	return path, fi.Size()
}

// BenchmarkLoadIndex measures LoadIndex on default-config indexes. Set
// NEARDUP_BENCH_1M=1 to add a million documents (about 1 GiB of file and
// several GiB of memory).
func BenchmarkLoadIndex(b *testing.B) {
	sizes := []int{1000, 10000, 100000}
	if os.Getenv("NEARDUP_BENCH_1M") != "" {
		sizes = append(sizes, 1000000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			path, size := relBenchFile(b, n)
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ix, err := LoadIndex(path, nil)
				if err != nil || ix.Len() != n {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// TestRoundTripKeepsCappedChains saves an index with more documents under
// one band key than its posting cap, after a removal and a re-add (which
// reuses a freed document number), and checks that the loaded index
// follows the same documents under that key: the newest MaxPostings. It
// also checks that LoadOptions.Store carries the cap (ReadIndex uses the
// default).
func TestRoundTripKeepsCappedChains(t *testing.T) {
	cfg := Config{NumHashes: 8, Bands: 2, Rows: 4, Threshold: 0.8}.WithDefaults()
	fp := cfg.fingerprint()
	sigOf := func(i int) Signature {
		// Band 0 is shared by every document; band 1 is its own.
		return Signature{values: []uint64{1, 2, 3, 4, uint64(i) + 10, 5, 6, 7}, shingles: 10, config: fp}
	}
	for _, tc := range []struct {
		maxPostings, docs int
	}{{0, 300}, {-1, 300}, {3, 5}, {7, 40}} {
		st, err := NewMemoryStoreWith(cfg, MemoryStoreOptions{MaxPostings: tc.maxPostings})
		require.NoError(t, err)
		ix, err := NewIndexWithStore(cfg, st)
		require.NoError(t, err)
		for i := range tc.docs {
			require.NoError(t, ix.Add(fmt.Sprintf("d%03d", i), sigOf(i)))
		}
		// d000 comes back as the newest, under the number it had.
		removed, err := ix.Remove("d000")
		require.NoError(t, err)
		require.True(t, removed)
		require.NoError(t, ix.Add("d000", sigOf(0)))
		want, err := ix.Candidates(sigOf(1))
		require.NoError(t, err)
		if tc.maxPostings >= 0 {
			require.Contains(t, want, "d000", "the re-added document is the newest")
		}

		var buf bytes.Buffer
		_, err = ix.WriteTo(&buf)
		require.NoError(t, err)
		got, err := ReadIndex(bytes.NewReader(buf.Bytes()), &LoadOptions{Store: MemoryStoreOptions{MaxPostings: tc.maxPostings}})
		require.NoError(t, err)
		for i := range tc.docs {
			a, err := ix.Candidates(sigOf(i))
			require.NoError(t, err)
			b, err := got.Candidates(sigOf(i))
			require.NoError(t, err)
			require.Equal(t, a, b, "cap %d, query %d", tc.maxPostings, i)
		}
		// ReadIndex applies the default cap instead: it answers like the
		// same adds and removal under NewIndex.
		def, err := ReadIndex(bytes.NewReader(buf.Bytes()), nil)
		require.NoError(t, err)
		ref, err := NewIndex(cfg)
		require.NoError(t, err)
		for i := range tc.docs {
			require.NoError(t, ref.Add(fmt.Sprintf("d%03d", i), sigOf(i)))
		}
		_, err = ref.Remove("d000")
		require.NoError(t, err)
		require.NoError(t, ref.Add("d000", sigOf(0)))
		for _, q := range []int{0, 1, tc.docs - 1} {
			a, err := ref.Candidates(sigOf(q))
			require.NoError(t, err)
			b, err := def.Candidates(sigOf(q))
			require.NoError(t, err)
			require.Equal(t, a, b, "cap %d loaded with the default, query %d", tc.maxPostings, q)
		}
	}
	_, err := ReadIndex(bytes.NewReader(nil), &LoadOptions{Store: MemoryStoreOptions{ExpectedDocs: -1}})
	require.ErrorIs(t, err, ErrConfig)
}
