package dedup

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neardup/neardup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// relState is what an index answers: its size and the answer to a query
// for every document of a corpus.
type relState struct {
	Len     int
	Answers [][]Match
}

func relStateOf(t testing.TB, ix *Index, docs []relDoc) relState {
	t.Helper()
	return relState{Len: ix.Len(), Answers: relAnswers(t, ix, docs)}
}

// relWithout returns s with every match of the given IDs removed and Len
// lowered by their number: the state before they were added.
func relWithout(s relState, ids ...string) relState {
	out := relState{Len: s.Len - len(ids)}
	for _, a := range s.Answers {
		var kept []Match
		for _, m := range a {
			found := false
			for _, id := range ids {
				found = found || m.ID == id
			}
			if !found {
				kept = append(kept, m)
			}
		}
		out.Answers = append(out.Answers, kept)
	}
	return out
}

// relFixture returns a Deduper under cfg holding 300 articles added with
// Add, their signatures, and the index's state.
func relFixture(t testing.TB, cfg Config) (*Deduper, []relDoc, relState) {
	t.Helper()
	d, err := New(cfg)
	require.NoError(t, err)
	texts := relCorpus(11, 300)
	docs := make([]relDoc, len(texts))
	for i, text := range texts {
		docs[i] = relDoc{id: fmt.Sprintf("doc-%d", i), sig: d.Hasher().Sign(text)}
		_, err := d.Add(docs[i].id, text)
		require.NoError(t, err)
	}
	st := relStateOf(t, d.Index(), docs)
	require.Equal(t, len(docs), st.Len)
	return d, docs, st
}

// relAddOdd adds text, which must have words, to d under id and checks
// that an identical copy is then found and that nothing indexed before
// changed.
func relAddOdd(t *testing.T, d *Deduper, docs []relDoc, id, text string) {
	t.Helper()
	before := relStateOf(t, d.Index(), docs)
	sig := d.Hasher().Sign(text)
	require.False(t, sig.Empty(), "%s has words", id)
	_, err := d.Add(id, text)
	require.NoError(t, err, id)
	res, err := d.Add(id+"-copy", text)
	require.NoError(t, err, id)
	assert.False(t, res.New, "%s: an identical copy is found", id)
	assert.Equal(t, 1.0, res.Similarity, id)
	after := relStateOf(t, d.Index(), docs)
	assert.Equal(t, before, relWithout(after, id, id+"-copy"), "%s: earlier documents answer as before", id)
}

func TestBadInputNoWords(t *testing.T) {
	d, docs, before := relFixture(t, Config{})
	ix := d.Index()
	texts := []string{
		"", " ", "\n\n\t  \r\n", "!!! ... --- ??? ;:,", "— … « » “ ” ‘ ’", "\x00\x00\x00",
		"\u200b\u200b", "\u00a0\u3000", "...!?", strings.Repeat(". ", 1<<16),
	}
	for _, text := range texts {
		sig := d.Hasher().Sign(text)
		assert.True(t, sig.Empty(), "%q", text)
		assert.Equal(t, 0, sig.Shingles(), "%q", text)

		_, err := d.Add("empty", text)
		assert.ErrorIs(t, err, ErrEmpty, "%q", text)
		assert.ErrorIs(t, ix.Add("empty", sig), ErrEmpty, "%q", text)
		m, err := ix.Query(sig)
		assert.NoError(t, err)
		assert.Empty(t, m)
		c, err := ix.Candidates(sig)
		assert.NoError(t, err)
		assert.Empty(t, c)
		s, err := sig.Similarity(sig)
		assert.NoError(t, err)
		assert.Zero(t, s)

		cl, err := d.Cluster([]Article{{ID: "a", Text: text}, {ID: "b", Text: text}, {ID: "c", Text: "a real story about things"}})
		require.NoError(t, err)
		assert.Len(t, cl.Clusters, 3, "texts with no words are singletons")
	}
	assert.Equal(t, before, relStateOf(t, ix, docs))
}

func TestBadInputShortTexts(t *testing.T) {
	d, docs, _ := relFixture(t, Config{}) // shingles of 3 words
	h := d.Hasher()
	for _, text := range []string{"Reuters", "WASHINGTON", "42", "breaking news", "Breaking, news!"} {
		sig := h.Sign(text)
		assert.Equal(t, 1, sig.Shingles(), "%q is one shingle", text)
	}
	relAddOdd(t, d, docs, "one-word", "Reuters")
	relAddOdd(t, d, docs, "two-words", "breaking news")

	// Normalization makes these the same text; another short text differs.
	res, err := d.Add("two-words-caps", "BREAKING — News!")
	require.NoError(t, err)
	assert.Equal(t, "two-words", res.CopyOf)
	res, err = d.Add("other-two-words", "market report")
	require.NoError(t, err)
	assert.True(t, res.New)
}

func TestBadInputInvalidUTF8(t *testing.T) {
	d, docs, _ := relFixture(t, Config{})
	h := d.Hasher()
	for _, tc := range []struct{ bad, clean string }{
		{"caf\xc3 society \xff\xfe grows fast", "caf society grows fast"},
		{"\xed\xa0\x80surrogate half in the text", "surrogate half in the text"},
		{"over\xc0\xaflong encoding of a slash", "over long encoding of a slash"},
		{"truncated at the end \xe2\x82", "truncated at the end"},
	} {
		require.False(t, utf8.ValidString(tc.bad))
		got, want := h.Sign(tc.bad), h.Sign(tc.clean)
		s, err := got.Similarity(want)
		require.NoError(t, err)
		assert.Equal(t, 1.0, s, "invalid bytes separate words: %q", tc.bad)
		assert.Equal(t, want.Shingles(), got.Shingles())
	}
	relAddOdd(t, d, docs, "invalid-utf8", "caf\xc3 society \xff\xfe grows fast")
}

func TestBadInputBinary(t *testing.T) {
	d, docs, _ := relFixture(t, Config{})
	h := d.Hasher()
	s, err := h.Sign("alpha\x00beta\x00gamma").Similarity(h.Sign("alpha beta gamma"))
	require.NoError(t, err)
	assert.Equal(t, 1.0, s, "NUL bytes separate words")

	rng := rand.New(rand.NewSource(5))
	before := relStateOf(t, d.Index(), docs)
	var added []string
	for i := range 20 {
		junk := make([]byte, 1+rng.Intn(1<<16))
		rng.Read(junk)
		id := fmt.Sprintf("junk-%d", i)
		res, err := d.Add(id, string(junk))
		if err != nil {
			require.ErrorIs(t, err, ErrEmpty)
			continue
		}
		assert.Equal(t, id, res.ID)
		added = append(added, id)
	}
	assert.Equal(t, before, relWithout(relStateOf(t, d.Index(), docs), added...))
}

func TestBadInputHugeArticle(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB article: skipped with -short")
	}
	d, docs, _ := relFixture(t, Config{})
	stories := relCorpus(12, 2000)
	var b strings.Builder
	for i := 0; b.Len() < 50<<20; i++ {
		b.WriteString(stories[i%len(stories)])
		b.WriteString("\n\n")
	}
	huge := b.String()
	before := relStateOf(t, d.Index(), docs)
	res, err := d.Add("huge", huge)
	require.NoError(t, err)
	assert.True(t, res.New)

	// A copy without its first story is still a copy.
	cut := huge[strings.Index(huge, "\n\n")+2:]
	res, err = d.Add("huge-cut", cut)
	require.NoError(t, err)
	assert.False(t, res.New)
	assert.Equal(t, "huge", res.CopyOf)
	assert.Greater(t, res.Similarity, 0.9)
	assert.Equal(t, before, relWithout(relStateOf(t, d.Index(), docs), "huge", "huge-cut"))
}

func TestBadInputLongWords(t *testing.T) {
	d, docs, _ := relFixture(t, Config{})
	word := strings.Repeat("a", 10<<20)
	sig := d.Hasher().Sign(word)
	assert.Equal(t, 1, sig.Shingles())
	relAddOdd(t, d, docs, "long-word", word)
	relAddOdd(t, d, docs, "long-word-in-text", "news from "+strings.Repeat("é", 1<<20)+" today as "+word[:1<<20]+" said")

	res, err := d.Add("other-long-word", word[:len(word)-1]+"b")
	require.NoError(t, err)
	assert.True(t, res.New, "a different long word is another text")
}

func TestBadInputScripts(t *testing.T) {
	d, docs, _ := relFixture(t, Config{})
	texts := map[string]string{
		"arabic":          "أعلنت الحكومة اليوم عن خطة جديدة لإصلاح التعليم في جميع المدارس الحكومية وقال الوزير إن الخطة ستبدأ في العام المقبل وستشمل تدريب المعلمين وتحديث المناهج الدراسية",
		"arabic-tashkeel": "أَعْلَنَتِ الحُكُومَةُ اليَوْمَ عَنْ خُطَّةٍ جَدِيدَةٍ لِإِصْلَاحِ التَّعْلِيمِ فِي جَمِيعِ المَدَارِسِ",
		"hebrew":          "הממשלה הודיעה היום על תוכנית חדשה לרפורמה בחינוך בכל בתי הספר הממלכתיים והשר אמר שהתוכנית תתחיל בשנה הבאה ותכלול הכשרת מורים ועדכון תוכניות הלימודים",
		"cjk":             "政府今天宣布了一项新的教育改革计划。部长表示，该计划将于明年开始实施，包括教师培训和课程更新。東京の株価は今日上昇した。서울 증시는 오늘 상승했다",
		"mixed":           "Reuters reported that الحكومة announced a plan; הממשלה agreed, and 政府 said the reform of 教育 would start next year in every school across the region",
		"bidi-ctrl":       "The \u202bמחיר\u202c rose \u200f5%\u200e today as \u2067سعر\u2069 the oil price climbed in early trading on Monday morning",
	}
	for name, text := range texts {
		relAddOdd(t, d, docs, name, text)
	}
	// Reworded copies: one word of the text replaced.
	for name, text := range map[string]string{
		"arabic": texts["arabic"], "hebrew": texts["hebrew"], "mixed": texts["mixed"],
	} {
		words := strings.Fields(text)
		words[len(words)/2] = "changed"
		res, err := d.Add(name+"-reworded", strings.Join(words, " "))
		require.NoError(t, err)
		assert.False(t, res.New, name)
		assert.Contains(t, []string{name, name + "-copy"}, res.CopyOf, name)
	}
	// Texts in different scripts do not match one another.
	for name, text := range texts {
		m, err := d.Index().Query(d.Hasher().Sign(text))
		require.NoError(t, err)
		for _, x := range m {
			assert.True(t, strings.HasPrefix(x.ID, name), "%s matches %s", name, x.ID)
		}
	}
}

func TestBadInputUnknownLanguage(t *testing.T) {
	for _, lang := range []string{"klingon", "xx", "engl", "english!", "c"} {
		cfg := Config{Shingle: shingle.Config{Language: lang}}
		_, err := shingle.New(cfg.Shingle)
		assert.ErrorIs(t, err, shingle.ErrLanguage, lang)
		assert.ErrorIs(t, cfg.Validate(), ErrConfig, lang)
		assert.ErrorIs(t, cfg.Validate(), shingle.ErrLanguage, lang)
		_, err = New(cfg)
		assert.ErrorIs(t, err, ErrConfig, lang)
		assert.ErrorIs(t, err, shingle.ErrLanguage, lang)
		_, err = NewHasher(cfg)
		assert.ErrorIs(t, err, ErrConfig, lang)
		_, err = NewIndex(cfg)
		assert.ErrorIs(t, err, ErrConfig, lang)
		_, err = NewMemoryStore(cfg)
		assert.ErrorIs(t, err, ErrConfig, lang)
	}
	for _, lang := range shingle.Languages() {
		_, err := New(Config{Shingle: shingle.Config{Language: lang}})
		assert.NoError(t, err, lang)
	}
}

func TestBadInputRepeatedID(t *testing.T) {
	d, docs, before := relFixture(t, Config{})
	ix := d.Index()
	other := d.Hasher().Sign("a wholly different story about the weather in spring")

	for _, dup := range []string{docs[0].id, docs[17].id} {
		assert.ErrorIs(t, ix.Add(dup, other), ErrDuplicateID)
		_, err := d.Add(dup, "a wholly different story about the weather in spring")
		assert.ErrorIs(t, err, ErrDuplicateID)
		_, err = d.Add(dup, "")
		assert.Error(t, err)
	}
	assert.Equal(t, before, relStateOf(t, ix, docs), "the index keeps the first")

	assert.ErrorIs(t, ix.Add("", docs[0].sig), ErrEmptyID)
	_, err := d.Add("", "some text")
	assert.ErrorIs(t, err, ErrEmptyID)

	// An ID no index file could hold is refused, so that the index stays
	// saveable; the longest that fits is taken.
	long := strings.Repeat("x", MaxSavedIDLen+1)
	assert.ErrorIs(t, ix.Add(long, other), ErrLimit)
	_, err = d.Add(long, "a wholly different story about the weather in spring")
	assert.ErrorIs(t, err, ErrLimit)
	assert.ErrorIs(t, ix.AddBatch([]string{"fits", long}, []Doc{{Signature: other}, {Signature: other}}), ErrLimit)
	assert.Equal(t, before, relStateOf(t, ix, docs))
	require.NoError(t, ix.Add(long[1:], other))
	var buf bytes.Buffer
	_, err = ix.WriteTo(&buf)
	require.NoError(t, err, "an index with an ID of MaxSavedIDLen bytes saves")
	removed, err := ix.Remove(long[1:])
	require.NoError(t, err)
	require.True(t, removed)
	// A batch is never saved: Cluster takes any ID length.
	cl, err := d.Cluster([]Article{{ID: long, Text: "x y z w"}, {ID: "b", Text: "x y z w"}})
	require.NoError(t, err)
	require.Len(t, cl.Clusters, 1)

	_, err = d.Cluster([]Article{{ID: "a", Text: "x y z"}, {ID: "a", Text: "x y z"}})
	assert.ErrorIs(t, err, ErrDuplicateID)
	_, err = d.Cluster([]Article{{ID: "", Text: "x y z"}})
	assert.ErrorIs(t, err, ErrEmptyID)
	cl, err = d.Cluster(nil)
	require.NoError(t, err)
	assert.Empty(t, cl.Clusters)
	assert.Equal(t, before, relStateOf(t, ix, docs))
}

func TestBadInputRemoveUnknown(t *testing.T) {
	d, docs, before := relFixture(t, Config{})
	ix := d.Index()
	for _, id := range []string{"nope", "", "doc-", "DOC-1", "doc-1 "} {
		ok, err := ix.Remove(id)
		assert.NoError(t, err)
		assert.False(t, ok, "%q", id)
	}
	assert.Equal(t, before, relStateOf(t, ix, docs))

	ok, err := ix.Remove(docs[3].id)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = ix.Remove(docs[3].id)
	require.NoError(t, err)
	assert.False(t, ok, "a second Remove finds nothing")
	require.NoError(t, ix.Add(docs[3].id, docs[3].sig))
	assert.Equal(t, before, relStateOf(t, ix, docs))
}

func TestBadInputMismatchedSignatures(t *testing.T) {
	cfg := Config{Seed: 3}
	d, docs, before := relFixture(t, cfg)
	ix := d.Index()
	text := "Reuters reported a plan for the reform of education in every school"
	for _, other := range []Config{
		{Seed: 4},
		{Seed: 3, NumHashes: 64},
		{Seed: 3, NumHashes: 129},
		{Seed: 3, Shingle: shingle.Config{Size: 2}},
		{Seed: 3, Shingle: shingle.Config{Seed: 1}},
		{Seed: 3, Shingle: shingle.Config{NoStem: true}},
		{Seed: 3, Shingle: shingle.Config{StopWords: true}},
		{Seed: 3, Shingle: shingle.Config{Language: "french"}},
	} {
		h, err := NewHasher(other)
		require.NoError(t, err)
		sig := h.Sign(text)
		name := fmt.Sprintf("%+v", other)
		assert.ErrorIs(t, ix.Add("mismatch", sig), ErrConfigMismatch, name)
		_, err = ix.Query(sig)
		assert.ErrorIs(t, err, ErrConfigMismatch, name)
		_, err = ix.AppendQuery(nil, sig, 0.5)
		assert.ErrorIs(t, err, ErrConfigMismatch, name)
		_, err = ix.Candidates(sig)
		assert.ErrorIs(t, err, ErrConfigMismatch, name)
		_, err = sig.Similarity(docs[0].sig)
		assert.ErrorIs(t, err, ErrConfigMismatch, name)
		_, err = docs[0].sig.Similarity(sig)
		assert.ErrorIs(t, err, ErrConfigMismatch, name)
		_, err = NewWithIndex(other, ix)
		assert.ErrorIs(t, err, ErrConfigMismatch, name)
	}
	// The zero Signature is empty, whatever the config: not indexed,
	// matching nothing, similarity 0.
	var zero Signature
	err := ix.Add("zero", zero)
	assert.ErrorIs(t, err, ErrEmpty)
	m, err := ix.Query(zero)
	assert.NoError(t, err)
	assert.Empty(t, m)
	c, err := ix.AppendCandidates(nil, zero)
	assert.NoError(t, err)
	assert.Empty(t, c)
	for _, pair := range [][2]Signature{{zero, docs[0].sig}, {docs[0].sig, zero}, {zero, zero}} {
		sim, err := pair[0].Similarity(pair[1])
		assert.NoError(t, err)
		assert.Zero(t, sim)
	}
	_, err = NewWithIndex(cfg, nil)
	assert.ErrorIs(t, err, ErrConfig)
	assert.Equal(t, before, relStateOf(t, ix, docs))
}

func TestBadInputConfigRanges(t *testing.T) {
	for _, cfg := range []Config{
		{NumHashes: -1},
		{NumHashes: MaxNumHashes + 1},
		{NumHashes: math.MaxInt},
		{NumHashes: math.MinInt},
		{Threshold: -0.1},
		{Threshold: math.NaN()},
		{Threshold: math.Inf(1)},
		{Threshold: math.Inf(-1)},
		{Threshold: 1.0000001},
		{Threshold: math.SmallestNonzeroFloat64 * -1},
		{Bands: 1},
		{Rows: 1},
		{Bands: -1, Rows: -1},
		{Bands: 129, Rows: 1},
		{Bands: 64, Rows: 3},
		{Bands: 1 << 62, Rows: 4}, // the product overflows to 0
		{Bands: 4, Rows: 1 << 62},
		{Bands: math.MaxInt, Rows: math.MaxInt},
		{Shingle: shingle.Config{Size: -1}},
		{Shingle: shingle.Config{Size: shingle.MaxSize + 1}},
	} {
		name := fmt.Sprintf("%+v", cfg)
		assert.ErrorIs(t, cfg.Validate(), ErrConfig, name)
		_, err := New(cfg)
		assert.ErrorIs(t, err, ErrConfig, name)
		_, err = NewHasher(cfg)
		assert.ErrorIs(t, err, ErrConfig, name)
		_, err = NewIndex(cfg)
		assert.ErrorIs(t, err, ErrConfig, name)
		_, err = NewMemoryStore(cfg)
		assert.ErrorIs(t, err, ErrConfig, name)
		_, err = LoadIndex("/nonexistent", &LoadOptions{Config: &cfg})
		assert.ErrorIs(t, err, ErrConfig, name)
		ix, err := NewIndex(Config{})
		require.NoError(t, err)
		_, err = NewWithIndex(cfg, ix)
		assert.ErrorIs(t, err, ErrConfig, name)
	}

	// Zero means the defaults.
	def := Config{}.WithDefaults()
	assert.Equal(t, DefaultNumHashes, def.NumHashes)
	assert.Equal(t, DefaultThreshold, def.Threshold)
	assert.Equal(t, DefaultConfig(), def)
	assert.Equal(t, shingle.DefaultSize, def.Shingle.Size)
	assert.Equal(t, shingle.DefaultLanguage, def.Shingle.Language)

	// Extremes that are valid work end to end.
	for _, cfg := range []Config{
		{NumHashes: 1},
		{NumHashes: MaxNumHashes},
		{Threshold: 1},
		{Threshold: 1e-9},
		{Threshold: math.SmallestNonzeroFloat64},
		{NumHashes: 2, Bands: 1, Rows: 2, Threshold: 0.8},
		{Shingle: shingle.Config{Size: 1}},
		{Shingle: shingle.Config{Size: shingle.MaxSize}},
	} {
		name := fmt.Sprintf("%+v", cfg)
		d, err := New(cfg)
		require.NoError(t, err, name)
		text := "the quick brown fox jumps over the lazy dog near the river bank today"
		res, err := d.Add("a", text)
		require.NoError(t, err, name)
		assert.True(t, res.New, name)
		res, err = d.Add("b", text)
		require.NoError(t, err, name)
		assert.False(t, res.New, name)
		assert.Equal(t, "a", res.CopyOf, name)
		res, err = d.Add("c", "completely unrelated words about markets stocks and bonds in asia")
		require.NoError(t, err, name)
		if cfg.Threshold != math.SmallestNonzeroFloat64 && cfg.Threshold != 1e-9 && cfg.NumHashes != 1 {
			assert.True(t, res.New, name)
		}
	}

	// Query thresholds out of range are the caller's: no panic, and 1
	// only admits identical sets.
	d, docs, _ := relFixture(t, Config{})
	for _, th := range []float64{-1, 0, 1, 2, math.NaN(), math.Inf(1)} {
		m, err := d.Index().AppendQuery(nil, docs[0].sig, th)
		require.NoError(t, err)
		c, err := d.Index().Candidates(docs[0].sig)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(m), len(c))
		if th == 1 {
			require.NotEmpty(t, m)
			for _, x := range m {
				assert.Equal(t, 1.0, x.Similarity)
			}
		}
	}
}

// configStore is a Store that reports the Config it was made for.
type configStore struct {
	Store
	cfg Config
}

func (s configStore) Config() Config { return s.cfg }

// TestIndexWithStoreChecksConfig checks that NewIndexWithStore refuses a
// store made for another banding or signing (a memory store of another
// banding once made queries panic, and one of fewer values took a batch
// that overflowed its blocks), and accepts one that differs only in the
// threshold.
func TestIndexWithStoreChecksConfig(t *testing.T) {
	cfg := Config{}.WithDefaults()
	for _, other := range []Config{
		{Threshold: 0.5},
		{NumHashes: 64},
		{Bands: cfg.Bands / 2, Rows: cfg.Rows},
	} {
		st, err := NewMemoryStore(other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewIndexWithStore(cfg, st); !errors.Is(err, ErrConfigMismatch) {
			t.Errorf("memory store for %+v under the default config: %v, want ErrConfigMismatch", other, err)
		}
		if _, err := NewIndexWithStore(cfg, configStore{newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows), other}); !errors.Is(err, ErrConfigMismatch) {
			t.Errorf("store reporting %+v under the default config: %v, want ErrConfigMismatch", other, err)
		}
	}
	seeded := cfg
	seeded.Seed = 3
	if _, err := NewIndexWithStore(cfg, configStore{newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows), seeded}); !errors.Is(err, ErrConfigMismatch) {
		t.Errorf("store of another seed: %v, want ErrConfigMismatch", err)
	}
	// The same signing and banding at another threshold is the same data.
	same := cfg
	same.Threshold = 0.3
	st, err := NewMemoryStore(same)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewIndexWithStore(cfg, st); err != nil {
		t.Errorf("store for another threshold, same banding: %v", err)
	}
	if _, err := NewIndexWithStore(cfg, configStore{st, same}); err != nil {
		t.Errorf("store reporting another threshold, same banding: %v", err)
	}
}
