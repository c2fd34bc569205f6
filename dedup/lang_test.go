package dedup_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// Chinese news items written for these tests: zhA and zhB are
// near-identical (a few words replaced or moved), zhReport is another
// report of the same event in other words, zhOther is unrelated.
const (
	zhA      = "周一，警方在城市北部的一系列入室盗窃案发生后逮捕了三名男子。警察在高速公路附近拦下他们的汽车时，发现嫌疑人携带着被盗的珠宝和现金。警方发言人表示，调查仍在进行中。三名男子均为外地人，年龄在二十岁到三十五岁之间。"
	zhB      = "周一，警方在城市北部发生一系列入室盗窃案后逮捕了三名男子。警察在高速公路附近拦截他们的汽车时，在嫌疑人身上发现了被盗的珠宝和现金。警方发言人说，调查仍在继续。三名男子都是外地人，年龄在二十岁至三十五岁之间。"
	zhReport = "近来北部城区接连发生多起盗窃案件，不少居民对治安状况感到担忧。周一晚上，巡逻民警在收费站拦停一辆可疑车辆，车上三人被带回派出所接受询问。据了解，民警在车内查获了一批金银首饰和大量现金。案件目前正在进一步侦办。"
	zhOther  = "国家交响乐团将以一场巴洛克音乐会拉开夏季演出季的序幕。大教堂音乐会的门票将于下周开始发售，学生可以半价购买。乐团还计划在秋季前往欧洲巡演，并与多位青年作曲家合作推出新作品。"
)

// TestChineseCharMode checks the Chinese defect and its fix through
// dedup: near-identical paragraphs score near 0 under the default (word)
// config, and above DefaultThreshold under a Chinese config (ModeChars).
func TestChineseCharMode(t *testing.T) {
	words, err := dedup.NewHasher(dedup.Config{})
	require.NoError(t, err)
	zh, err := dedup.New(dedup.Config{Shingle: shingle.Config{Language: "zh"}})
	require.NoError(t, err)
	require.Equal(t, shingle.ModeChars, zh.Config().Shingle.Mode)

	before := words.Compare(zhA, zhB)
	after := zh.Hasher().Compare(zhA, zhB)
	t.Logf("word mode %+v, character mode %+v", before, after)
	assert.Less(t, before.Similarity, 0.05, "word mode: a clause is one word")
	assert.Greater(t, after.Similarity, dedup.DefaultThreshold)
	assert.Equal(t, after, zh.Hasher().Compare(zhA, zhB))
	for _, other := range []string{zhReport, zhOther} {
		s := zh.Hasher().Compare(zhA, other)
		assert.Less(t, s.Similarity, dedup.DefaultThreshold/2, "%+v", s)
	}

	// The stream: zhB is a copy of zhA; the other report of the event
	// and the unrelated item are not copies of anything.
	r, err := zh.Add("a", zhA)
	require.NoError(t, err)
	assert.True(t, r.New)
	r, err = zh.Add("other", zhOther)
	require.NoError(t, err)
	assert.True(t, r.New, "%+v", r)
	r, err = zh.Add("report", zhReport)
	require.NoError(t, err)
	assert.True(t, r.New, "another report of the event: %+v", r)
	r, err = zh.Check(zhB)
	require.NoError(t, err)
	assert.False(t, r.New)
	assert.Equal(t, "a", r.CopyOf)
	assert.Len(t, r.Matches, 1, "%+v", r.Matches)

	// The batch agrees.
	c, err := zh.Cluster([]dedup.Article{{ID: "a", Text: zhA}, {ID: "b", Text: zhB}, {ID: "report", Text: zhReport}, {ID: "other", Text: zhOther}})
	require.NoError(t, err)
	var members [][]string
	for _, cl := range c.Clusters {
		members = append(members, cl.Members)
	}
	assert.Equal(t, [][]string{{"a", "b"}, {"report"}, {"other"}}, members)

	// Evidence records a word per character (and per Latin word or
	// number).
	doc := zh.Hasher().Doc("苹果公司发布了iPhone 15。")
	assert.Equal(t, 9, doc.Evidence.Words())
}

// TestCharModeRules checks the other rules in character mode, where a
// word is a character: a trimmed copy (the first sentence of an item) is
// attached by containment to a longer story that carries it, and a copy reworded sentence by sentence
// (most words swapped for synonyms, Jaccard about 0.11) as a heavy
// rewrite, while another report of the event is not (TestChineseCharMode).
func TestCharModeRules(t *testing.T) {
	zh, err := dedup.New(dedup.Config{Shingle: shingle.Config{Language: "chinese"}})
	require.NoError(t, err)
	// A story that carries the item's first two sentences, padded.
	long := zhA[:strings.Index(zhA, "警方发言人")] + zhReport
	_, err = zh.Add("long", long)
	require.NoError(t, err)
	trimmed := zhA[:strings.Index(zhA, "警察")]
	s := zh.Hasher().Compare(long, trimmed)
	t.Logf("padded copy: %+v", s)
	assert.Less(t, s.Similarity, dedup.DefaultThreshold, "not joined by the threshold")
	r, err := zh.Check(trimmed)
	require.NoError(t, err)
	assert.Equal(t, "long", r.CopyOf, "joined by containment: %+v", r)
	zh, err = dedup.New(dedup.Config{Shingle: shingle.Config{Language: "chinese"}})
	require.NoError(t, err)
	_, err = zh.Add("a", zhA)
	require.NoError(t, err)
	spun := "星期一，在本市北部接连发生多起入户盗窃案之后，警方抓获了三名男性。警员在高速路旁边截停他们的车辆时，在嫌犯身上搜出了失窃的首饰和现金。警方发言人称，案件调查还在进行。这三名男性都来自外地，年纪在二十到三十五岁之间。"
	s = zh.Hasher().Compare(zhA, spun)
	t.Logf("spun copy: %+v", s)
	assert.Less(t, s.Containment, 0.5, "neither threshold nor containment")
	r, err = zh.Check(spun)
	require.NoError(t, err)
	require.Len(t, r.Matches, 1, "%+v", r)
	assert.Equal(t, "a", r.Matches[0].ID)
	assert.Greater(t, r.Matches[0].Coverage, 0.0, "a heavy rewrite")
}

// TestLanguageCodeConfigs checks that configs naming one language
// differently ("fr", "French") are one config after defaults: equal,
// with one fingerprint, signatures that compare, and indexes that each
// accepts.
func TestLanguageCodeConfigs(t *testing.T) {
	text := "Les insurgés ont pris l’aéroport de la ville après trois jours de combats, selon des responsables locaux."
	names := []string{"french", "French", "FRENCH", "fr", "FR"}
	var sigs []dedup.Signature
	for _, name := range names {
		cfg := dedup.Config{Shingle: shingle.Config{Language: name}}
		assert.Equal(t, dedup.Config{Shingle: shingle.Config{Language: "french"}}.WithDefaults(), cfg.WithDefaults(), name)
		h, err := dedup.NewHasher(cfg)
		require.NoError(t, err)
		sigs = append(sigs, h.Sign(text))
	}
	for i, s := range sigs {
		sim, err := sigs[0].Similarity(s)
		require.NoError(t, err, names[i])
		assert.Equal(t, 1.0, sim, names[i])
		assert.Equal(t, sigs[0].AppendValues(nil), s.AppendValues(nil), names[i])
	}

	ix, err := dedup.NewIndex(dedup.Config{Shingle: shingle.Config{Language: "fr"}})
	require.NoError(t, err)
	require.NoError(t, ix.Add("x", sigs[0]))
	d, err := dedup.NewWithIndex(dedup.Config{Shingle: shingle.Config{Language: "French"}}, ix)
	require.NoError(t, err)
	r, err := d.Check(text)
	require.NoError(t, err)
	assert.Equal(t, "x", r.CopyOf)

	path := filepath.Join(t.TempDir(), "fr.idx")
	require.NoError(t, ix.Save(path))
	back, err := dedup.LoadIndex(path, &dedup.LoadOptions{Config: &dedup.Config{Shingle: shingle.Config{Language: "FRENCH"}}})
	require.NoError(t, err)
	assert.Equal(t, "french", back.Config().Shingle.Language)
	_, err = dedup.LoadIndex(path, &dedup.LoadOptions{Config: &dedup.Config{Shingle: shingle.Config{Language: "es"}}})
	assert.ErrorIs(t, err, dedup.ErrConfigMismatch)

	// Character mode is part of what signatures depend on.
	chars, err := dedup.NewHasher(dedup.Config{Shingle: shingle.Config{Language: "french", Mode: shingle.ModeChars}})
	require.NoError(t, err)
	_, err = sigs[0].Similarity(chars.Sign(text))
	assert.ErrorIs(t, err, dedup.ErrConfigMismatch)
	_, err = dedup.NewWithIndex(dedup.Config{Shingle: shingle.Config{Language: "fr", Mode: shingle.ModeChars}}, ix)
	assert.ErrorIs(t, err, dedup.ErrConfigMismatch)

	// An unknown language is a config error that names it.
	_, err = dedup.NewHasher(dedup.Config{Shingle: shingle.Config{Language: "klingon"}})
	require.ErrorIs(t, err, dedup.ErrConfig)
	require.ErrorIs(t, err, shingle.ErrLanguage)
	assert.Contains(t, err.Error(), `"klingon"`)
	_, err = dedup.NewHasher(dedup.Config{Shingle: shingle.Config{Language: "de", StopWords: true}})
	assert.ErrorIs(t, err, shingle.ErrStopWords)
}
