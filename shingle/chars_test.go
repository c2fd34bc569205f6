package shingle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/shingle"
)

// charTexts are news items in the languages written without spaces: a
// paragraph (a), a near-identical copy of it (a few words replaced or
// moved, as an editor would), and an unrelated paragraph. Written for
// these tests.
var charTexts = []struct {
	lang, a, b, other string
}{
	{
		lang:  "chinese",
		a:     "周一，警方在城市北部的一系列入室盗窃案发生后逮捕了三名男子。警察在高速公路附近拦下他们的汽车时，发现嫌疑人携带着被盗的珠宝和现金。警方发言人表示，调查仍在进行中。",
		b:     "周一，警方在城市北部发生一系列入室盗窃案后逮捕了三名男子。警察在高速公路附近拦截他们的汽车时，在嫌疑人身上发现了被盗的珠宝和现金。警方发言人说，调查仍在继续。",
		other: "国家交响乐团将以一场巴洛克音乐会拉开夏季演出季的序幕。大教堂音乐会的门票将于下周开始发售，学生可以半价购买。",
	},
	{
		lang:  "japanese",
		a:     "警察は月曜日、市の北部で相次いだ空き巣事件を受けて、男3人を逮捕した。警官が高速道路の近くで車を止めたところ、容疑者らは盗まれた宝石と現金を持っていた。",
		b:     "市の北部で相次いだ空き巣事件を受け、警察は月曜日に男3人を逮捕した。警官が高速道路の近くで車を停止させたところ、容疑者らが盗まれた宝石と現金を所持していた。",
		other: "国立管弦楽団は夏のシーズンをバロック音楽のプログラムで開幕する。大聖堂で行われるコンサートのチケットは来週から販売される。",
	},
	{
		lang:  "thai",
		a:     "ตำรวจจับกุมชายสามคนเมื่อวันจันทร์ หลังเกิดเหตุลักทรัพย์หลายครั้งในย่านทางเหนือของเมือง เจ้าหน้าที่พบเครื่องประดับที่ถูกขโมยและเงินสดในรถของผู้ต้องสงสัยใกล้ทางด่วน",
		b:     "เมื่อวันจันทร์ ตำรวจได้จับกุมชายสามคน หลังเกิดเหตุลักทรัพย์หลายครั้งในย่านทางเหนือของเมือง เจ้าหน้าที่ตรวจพบเครื่องประดับที่ถูกขโมยและเงินสดในรถของผู้ต้องสงสัยบริเวณใกล้ทางด่วน",
		other: "วงออร์เคสตราแห่งชาติจะเปิดฤดูกาลฤดูร้อนด้วยการแสดงดนตรีบาโรก บัตรเข้าชมคอนเสิร์ตที่มหาวิหารจะเริ่มจำหน่ายในสัปดาห์หน้า",
	},
}

// TestCharMode checks that near-identical paragraphs in Chinese, Japanese
// and Thai share most of their character shingles, far more than an
// unrelated paragraph, and (the defect character mode fixes) almost none
// in word mode, where a clause is one word.
func TestCharMode(t *testing.T) {
	for _, ct := range charTexts {
		t.Run(ct.lang, func(t *testing.T) {
			chars, err := shingle.New(shingle.Config{Language: ct.lang})
			require.NoError(t, err)
			require.Equal(t, shingle.ModeChars, chars.Config().Mode, "the language implies ModeChars")
			words, err := shingle.New(shingle.Config{})
			require.NoError(t, err)
			pair, other := jaccard(chars, ct.a, ct.b), jaccard(chars, ct.a, ct.other)
			wordPair := jaccard(words, ct.a, ct.b)
			t.Logf("%s: chars: pair %.3f, unrelated %.3f; words: pair %.3f", ct.lang, pair, other, wordPair)
			assert.Greater(t, pair, 0.4, "near-identical paragraphs")
			assert.Less(t, other, 0.05, "unrelated paragraphs")
			assert.Less(t, wordPair, 0.1, "word mode: a clause is one word")

		})
	}
}

// TestCharModeTokens pins what a word is in ModeChars: each character of
// the scripts written without spaces (with its combining marks), and
// whole words and numbers elsewhere.
func TestCharModeTokens(t *testing.T) {
	zh, err := shingle.New(shingle.Config{Language: "zh"})
	require.NoError(t, err)
	en, err := shingle.New(shingle.Config{Mode: shingle.ModeChars})
	require.NoError(t, err)
	for _, c := range []struct {
		sh   *shingle.Shingler
		text string
		want []string
	}{
		{zh, "苹果公司发布了iPhone 15，售价999美元。", []string{"苹", "果", "公", "司", "发", "布", "了", "iphone", "15", "售", "价", "999", "美", "元"}},
		{zh, "２０２４年ＧＤＰ增长5.2%", []string{"2024", "年", "gdp", "增", "长", "5.2"}},
		{zh, "北京Beijing上海", []string{"北", "京", "beijing", "上", "海"}},
		// Katakana with the prolonged sound mark; half-width forms
		// are folded to full width by NFKC first.
		{zh, "コーヒーｺｰﾋｰ", []string{"コ", "ー", "ヒ", "ー", "コ", "ー", "ヒ", "ー"}},
		// Thai vowel and tone marks stay with their consonant; Korean
		// (written with spaces) keeps its words.
		{zh, "น้ำ 서울 시장", []string{"น\u0e49\u0e4d", "\u0e32", "서울", "시장"}},
		// Under English, Latin words are stemmed, characters are not.
		{en, "Markets rallied 股市上涨", []string{"market", "ralli", "股", "市", "上", "涨"}},
	} {
		got := c.sh.AppendTerms(nil, c.text)
		assert.Equal(t, c.want, got, "%q", c.text)
	}
	// Sentences end at the ideographic full stop, as in word mode.
	ss := zh.AppendSentenceShingles(nil, "警方逮捕了三名男子。调查仍在进行中。")
	require.NotEmpty(t, ss)
	assert.Equal(t, 1, ss[len(ss)-1].Sentence)
}

// TestCharModeWordModeUnchanged checks that ModeChars changes nothing for
// a text without characters of those scripts, and that word mode keeps a
// Chinese clause as one word.
func TestCharModeWordModeUnchanged(t *testing.T) {
	words, err := shingle.New(shingle.Config{})
	require.NoError(t, err)
	chars, err := shingle.New(shingle.Config{Mode: shingle.ModeChars})
	require.NoError(t, err)
	text := "The Taliban’s fighters captured two-thirds of the U.S.-trained army’s posts; Россия, Köln, 1,000.5!"
	assert.Equal(t, words.AppendTerms(nil, text), chars.AppendTerms(nil, text))
	assert.Equal(t, words.AppendHashes(nil, text), chars.AppendHashes(nil, text))
	assert.Equal(t, []string{"警方逮捕了三名男子"}, words.AppendTokens(nil, "警方逮捕了三名男子。"))
}
