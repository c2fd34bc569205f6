package shingle_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neardup/neardup/shingle"
)

// languageText is a short news item in one language (a), the same item
// reworded sentence by sentence (b), an unrelated item (other), and
// pairs of inflected forms (most of them in those texts) that the
// language's stemmer must give one stem.
type languageText struct {
	lang        string
	a, b, other string
	forms       [][2]string
}

// languageTexts has one entry for every language with a stemmer. The
// texts were written for these tests.
var languageTexts = []languageText{
	{
		lang:  "english",
		a:     "Police arrested three men on Monday after a series of burglaries in the northern suburbs of the city. The suspects were carrying stolen jewellery and cash when officers stopped their car near the motorway.",
		b:     "Three men were arrested by police on Monday after a series of burglaries in the northern suburbs of the city. Officers stopped the car of one suspect near the motorway and found stolen jewellery and cash.",
		other: "The national orchestra will open its summer season with a programme of Baroque music. Tickets for the concerts in the cathedral go on sale next week.",
		forms: [][2]string{{"suspects", "suspect"}, {"burglaries", "burglary"}},
	},
	{
		lang:  "french",
		a:     "La police a arrêté lundi trois hommes après une série de cambriolages dans les quartiers nord de la ville. Les suspects transportaient des bijoux volés et de l'argent liquide lorsque les agents ont contrôlé leur voiture près de l'autoroute.",
		b:     "Trois hommes ont été arrêtés lundi par la police après une série de cambriolages dans les quartiers nord de la ville. Les agents ont contrôlé la voiture du suspect près de l'autoroute et ont trouvé des bijoux volés et de l'argent liquide.",
		other: "L'orchestre national ouvrira sa saison d'été avec un programme de musique baroque. Les billets pour les concerts de la cathédrale seront vendus la semaine prochaine.",
		forms: [][2]string{{"arrêté", "arrêtés"}, {"suspects", "suspect"}},
	},
	{
		lang:  "spanish",
		a:     "La policía ha detenido a tres hombres el lunes tras una serie de robos en los barrios del norte de la ciudad. Los sospechosos llevaban joyas robadas y dinero en efectivo cuando los agentes pararon su coche cerca de la autopista.",
		b:     "Tres hombres fueron detenidos el lunes por la policía tras una serie de robos en los barrios del norte de la ciudad. Los agentes pararon el coche del sospechoso cerca de la autopista y encontraron joyas robadas y dinero en efectivo.",
		other: "La orquesta nacional abrirá su temporada de verano con un programa de música barroca. Las entradas para los conciertos de la catedral saldrán a la venta la próxima semana.",
		forms: [][2]string{{"detenido", "detenidos"}, {"sospechosos", "sospechoso"}},
	},
	{
		lang:  "russian",
		a:     "Полиция в понедельник задержала трёх мужчин после серии краж в северных районах города. У подозреваемых были украденные украшения и наличные деньги, когда полицейские остановили их машину возле шоссе.",
		b:     "Трое мужчин были задержаны в понедельник полицией после серии краж в северных районах города. Полицейские остановили машину подозреваемого возле шоссе и нашли украденные украшения и наличные деньги.",
		other: "Национальный оркестр откроет летний сезон программой старинной музыки. Билеты на концерты в соборе поступят в продажу на следующей неделе.",
		forms: [][2]string{{"полиция", "полицией"}, {"подозреваемых", "подозреваемого"}},
	},
	{
		lang:  "swedish",
		a:     "Polisen grep på måndagen tre män efter en serie inbrott i stadens norra delar. De misstänkta hade stulna smycken och kontanter med sig när poliserna stoppade deras bil nära motorvägen.",
		b:     "Tre män greps på måndagen av polisen efter en serie inbrott i stadens norra delar. Poliserna stoppade bilen nära motorvägen och hittade stulna smycken och kontanter hos de misstänkta.",
		other: "Den nationella orkestern inleder sin sommarsäsong med ett program av barockmusik. Biljetterna till konserterna i domkyrkan börjar säljas nästa vecka.",
		forms: [][2]string{{"bil", "bilen"}, {"polisen", "poliserna"}},
	},
	{
		lang:  "norwegian",
		a:     "Politiet pågrep mandag tre menn etter en rekke innbrudd i byens nordlige bydeler. De mistenkte hadde stjålne smykker og kontanter med seg da betjentene stanset bil deres nær motorveien.",
		b:     "Tre menn ble mandag pågrepet av politiet etter en rekke innbrudd i byens nordlige bydeler. Betjentene stanset bilen nær motorveien og fant stjålne smykker og kontanter hos de mistenkte.",
		other: "Det nasjonale orkesteret åpner sommersesongen med et program av barokkmusikk. Billettene til konsertene i domkirken legges ut for salg neste uke.",
		forms: [][2]string{{"pågrep", "pågrepet"}, {"bil", "bilen"}},
	},
	{
		lang:  "hungarian",
		a:     "A rendőrség hétfőn őrizetbe vett három férfit, miután a város északi kerületeiben betörések sorozata történt. A gyanúsítottaknál lopott ékszereket és készpénzt találtak, amikor a rendőrök megállították az autójukat az autópálya közelében.",
		b:     "Három férfit vett őrizetbe hétfőn a rendőrség, miután a város északi kerületeiben betörések sorozata történt. A rendőrök az autópálya közelében állították meg az autót, és lopott ékszereket meg készpénzt találtak a gyanúsítottnál.",
		other: "A nemzeti zenekar barokk zenei műsorral nyitja meg nyári évadát. A székesegyházban tartandó koncertekre a jövő héten kezdődik a jegyárusítás.",
		forms: [][2]string{{"gyanúsítottaknál", "gyanúsítottnál"}, {"autót", "autó"}},
	},
	{
		lang:  "german",
		a:     "Die Polizei hat am Montag drei Männer festgenommen, nachdem es im Norden der Stadt eine Reihe von Einbrüchen gegeben hatte. Die Verdächtigen hatten gestohlenen Schmuck und Bargeld bei sich, als die Beamten ihr Auto in der Nähe der Autobahn anhielten.",
		b:     "Drei Männer wurden am Montag von der Polizei festgenommen, nachdem es im Norden der Stadt eine Reihe von Einbrüchen gegeben hatte. Die Beamten hielten das Auto des Verdächtigen in der Nähe der Autobahn an und fanden gestohlener Schmuck und Bargeld.",
		other: "Das Nationalorchester eröffnet seine Sommersaison mit einem Programm barocker Musik. Karten für die Konzerte im Dom gibt es ab nächster Woche.",
		forms: [][2]string{{"gestohlenen", "gestohlener"}, {"beamten", "beamte"}},
	},
	{
		lang:  "dutch",
		a:     "De politie heeft maandag drie mannen aangehouden na een reeks inbraken in de noordelijke wijken van de stad. De verdachten hadden gestolen sieraden en contant geld bij zich toen agenten hun auto bij de snelweg stopten.",
		b:     "Drie mannen zijn maandag door de politie aangehouden na een reeks inbraken in de noordelijke wijken van de stad. Agenten stopten de auto van de verdachte bij de snelweg en vonden gestolen sieraden en contant geld.",
		other: "Het nationale orkest opent het zomerseizoen met een programma van barokmuziek. Kaarten voor de concerten in de kathedraal gaan volgende week in de verkoop.",
		forms: [][2]string{{"verdachten", "verdachte"}},
	},
	{
		lang:  "danish",
		a:     "Politiet anholdt mandag tre mænd efter en række indbrud i byens nordlige kvarterer. De mistænkte havde stjålne smykker og kontanter med sig, da betjentene standsede deres bil nær motorvejen.",
		b:     "Tre mænd blev mandag anholdt af politiet efter en række indbrud i byens nordlige kvarterer. Betjentene standsede bilen nær motorvejen og fandt stjålne smykker og kontanter hos de mistænkte.",
		other: "Det nationale orkester åbner sommersæsonen med et program med barokmusik. Billetterne til koncerterne i domkirken kommer til salg i næste uge.",
		forms: [][2]string{{"bil", "bilen"}, {"betjentene", "betjent"}},
	},
	{
		lang:  "finnish",
		a:     "Poliisi pidätti maanantaina kolme miestä kaupungin pohjoisosissa tehtyjen murtojen jälkeen. Epäillyillä oli mukanaan varastettuja koruja ja käteistä rahaa, kun poliisit pysäyttivät heidän autonsa moottoritien lähellä.",
		b:     "Kolme miestä pidätettiin maanantaina kaupungin pohjoisosissa tehtyjen murtojen jälkeen. Poliisit pysäyttivät epäiltyjen auton moottoritien lähellä ja löysivät varastettuja koruja ja käteistä rahaa.",
		other: "Kansallinen orkesteri avaa kesäkautensa barokkimusiikin ohjelmalla. Liput tuomiokirkon konsertteihin tulevat myyntiin ensi viikolla.",
		forms: [][2]string{{"autonsa", "auton"}, {"koruja", "korut"}, {"miestä", "mies"}},
	},
	{
		lang:  "italian",
		a:     "La polizia ha arrestato lunedì tre uomini dopo una serie di furti nei quartieri settentrionali della città. I sospettati trasportavano gioielli rubati e denaro contante quando gli agenti hanno fermato la loro auto vicino all'autostrada.",
		b:     "Tre uomini sono stati arrestati lunedì dalla polizia dopo una serie di furti nei quartieri settentrionali della città. Gli agenti hanno fermato l'auto del sospettato vicino all'autostrada e hanno trovato gioielli rubati e denaro contante.",
		other: "L'orchestra nazionale aprirà la stagione estiva con un programma di musica barocca. I biglietti per i concerti nella cattedrale saranno in vendita dalla prossima settimana.",
		forms: [][2]string{{"arrestato", "arrestati"}, {"sospettati", "sospettato"}},
	},
	{
		lang:  "portuguese",
		a:     "A polícia prendeu na segunda-feira três homens depois de uma série de assaltos nos bairros do norte da cidade. Os suspeitos levavam joias roubadas e dinheiro vivo quando os agentes pararam o carro perto da autoestrada.",
		b:     "Três homens foram presos na segunda-feira pela polícia depois de uma série de assaltos nos bairros do norte da cidade. Os agentes pararam o carro do suspeito perto da autoestrada e encontraram joias roubadas e dinheiro vivo.",
		other: "A orquestra nacional abrirá a temporada de verão com um programa de música barroca. Os bilhetes para os concertos na catedral serão vendidos na próxima semana.",
		forms: [][2]string{{"suspeitos", "suspeito"}, {"roubadas", "roubado"}},
	},
	{
		lang:  "romanian",
		a:     "Poliția a arestat luni trei bărbați după o serie de spargeri în cartierele din nordul orașului. Suspecții aveau asupra lor bijuterii furate și bani lichizi când agenții le-au oprit mașina lângă autostradă.",
		b:     "Trei bărbați au fost arestați luni de poliție după o serie de spargeri în cartierele din nordul orașului. Agenții au oprit mașina suspectului lângă autostradă și au găsit bijuterii furate și bani lichizi.",
		other: "Orchestra națională își deschide stagiunea de vară cu un program de muzică barocă. Biletele pentru concertele din catedrală vor fi puse în vânzare săptămâna viitoare.",
		forms: [][2]string{{"arestat", "arestați"}, {"poliția", "poliție"}, {"poliția", "poli\u0163ia"}},
	},
	{
		lang:  "turkish",
		a:     "Polis pazartesi günü İstanbul'un kuzey mahallelerinde meydana gelen bir dizi hırsızlığın ardından üç adamı gözaltına aldı. Polisler otoyol yakınında araçlarını durdurduğunda şüphelilerin üzerinde çalıntı mücevherler ve nakit para vardı.",
		b:     "istanbul'un kuzey mahallelerinde meydana gelen bir dizi hırsızlığın ardından üç adam pazartesi günü polis tarafından gözaltına alındı. Polisler otoyol yakınında aracı durdurdu ve şüphelinin üzerinde çalıntı mücevherler ile nakit para buldu.",
		other: "Ulusal orkestra yaz sezonunu barok müzik programıyla açacak. Katedraldeki konserlerin biletleri gelecek hafta satışa çıkacak.",
		forms: [][2]string{{"polis", "polisler"}, {"İstanbul", "istanbul"}, {"şüphelilerin", "şüphelinin"}},
	},
	{
		lang:  "irish",
		a:     "Ghabh na gardaí triúr fear Dé Luain tar éis sraith buirgléireachtaí i gceantair thuaidh na cathrach. Bhí seodra goidte agus airgead tirim ag na daoine a bhí faoi amhras nuair a stop na gardaí a gcarr in aice leis an mótarbhealach.",
		b:     "Gabhadh triúr fear Dé Luain tar éis sraith buirgléireachtaí i gceantair thuaidh na cathrach. Stop na gardaí an carr in aice leis an mótarbhealach agus fuair siad seodra goidte agus airgead tirim.",
		other: "Osclóidh an cheolfhoireann náisiúnta a séasúr samhraidh le clár ceoil Bharócaigh. Beidh na ticéid do na ceolchoirmeacha san ardeaglais ar díol an tseachtain seo chugainn.",
		forms: [][2]string{{"gcarr", "carr"}, {"ghabh", "gabh"}},
	},
	{
		lang:  "arabic",
		a:     "اعتقلت الشرطة يوم الاثنين ثلاثة رجال بعد سلسلة من السرقات في الأحياء الشمالية من المدينة. وكان المشتبه بهم يحملون مجوهرات مسروقة وأموالا نقدية عندما أوقف الضباط سيارتهم قرب الطريق السريع.",
		b:     "اعتقلت الشرطة ثلاثة رجال يوم الاثنين بعد سلسلة من السرقات في الأحياء الشمالية من المدينة. وأوقف الضباط السيارة قرب الطريق السريع وعثروا على مجوهرات مسروقة وأموال نقدية مع المشتبه بهم.",
		other: "تفتتح الفرقة الوطنية موسمها الصيفي ببرنامج من الموسيقى الكلاسيكية. وتطرح تذاكر الحفلات في الكاتدرائية للبيع الأسبوع المقبل.",
		forms: [][2]string{{"سيارتهم", "السيارة"}, {"وأموالا", "وأموال"}},
	},
	{
		lang:  "tamil",
		a:     "நகரின் வடக்குப் பகுதிகளில் தொடர் திருட்டுகள் நடந்ததையடுத்து காவல்துறையினர் திங்கள்கிழமை மூன்று ஆண்களைக் கைது செய்தனர். நெடுஞ்சாலை அருகே அவர்களின் காரை காவலர்கள் நிறுத்தியபோது சந்தேக நபர்களிடம் திருடப்பட்ட நகைகளும் பணமும் இருந்தன.",
		b:     "நகரின் வடக்குப் பகுதிகளில் தொடர் திருட்டுகள் நடந்ததையடுத்து மூன்று ஆண்கள் திங்கள்கிழமை காவல்துறையினரால் கைது செய்யப்பட்டனர். காவலர்கள் நெடுஞ்சாலை அருகே காரை நிறுத்தி திருடப்பட்ட நகைகளையும் பணத்தையும் கண்டெடுத்தனர்.",
		other: "தேசிய இசைக்குழு தனது கோடைக் காலத்தைப் பழைய இசை நிகழ்ச்சியுடன் தொடங்குகிறது. தேவாலயத்தில் நடைபெறும் கச்சேரிகளுக்கான நுழைவுச்சீட்டுகள் அடுத்த வாரம் விற்பனைக்கு வரும்.",
		forms: [][2]string{{"நகைகளும்", "நகைகளையும்"}, {"ஆண்களைக்", "ஆண்கள்"}},
	},
}

// jaccard returns the Jaccard similarity of the shingle sets of a and b.
func jaccard(sh *shingle.Shingler, a, b string) float64 {
	x, y := sh.AppendHashes(nil, a), sh.AppendHashes(nil, b)
	inter := 0
	for _, v := range x {
		if _, ok := slices.BinarySearch(y, v); ok {
			inter++
		}
	}
	if len(x)+len(y) == 0 {
		return 0
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}

// TestLanguages checks every language with a stemmer on a reworded news
// item: the pair scores above an unrelated item in the same language,
// the stemmer gives inflected forms of one word one stem (so it is not a
// no-op), and with stemming the pair shares more words than without.
func TestLanguages(t *testing.T) {
	covered := map[string]bool{}
	for _, lt := range languageTexts {
		t.Run(lt.lang, func(t *testing.T) {
			covered[lt.lang] = true
			sh, err := shingle.New(shingle.Config{Language: lt.lang})
			require.NoError(t, err)
			pair, other := jaccard(sh, lt.a, lt.b), jaccard(sh, lt.a, lt.other)
			t.Logf("%s: pair %.3f, unrelated %.3f", lt.lang, pair, other)
			assert.Greater(t, pair, other, "the reworded pair scores above the unrelated item")
			assert.Greater(t, pair, 0.05)

			tokens := sh.AppendTokens(nil, lt.a+" "+lt.b)
			for _, f := range lt.forms {
				x, y := sh.AppendTokens(nil, f[0]), sh.AppendTokens(nil, f[1])
				require.Len(t, x, 1, f[0])
				require.Len(t, y, 1, f[1])
				assert.NotEqual(t, x[0], y[0])
				assert.Equal(t, sh.Stem(f[0]), sh.Stem(f[1]), "%q and %q stem alike", f[0], f[1])
			}
			changed := 0
			for _, w := range tokens {
				if sh.Stem(w) != w {
					changed++
				}
			}
			assert.Greater(t, changed, len(tokens)/10, "the stemmer changes %d of %d words", changed, len(tokens))

			// Words, not shingles: stemming makes the pair share more.
			stem1, err := shingle.New(shingle.Config{Language: lt.lang, Size: 1})
			require.NoError(t, err)
			raw1, err := shingle.New(shingle.Config{Language: lt.lang, Size: 1, NoStem: true})
			require.NoError(t, err)
			ws, wr := jaccard(stem1, lt.a, lt.b), jaccard(raw1, lt.a, lt.b)
			t.Logf("%s: word Jaccard %.3f stemmed, %.3f not", lt.lang, ws, wr)
			assert.Greater(t, ws, wr, "stemming raises the pair's word overlap")
		})
	}
	for _, lang := range shingle.Languages() {
		switch lang {
		case "chinese", "japanese", "thai": // no stemmer: TestCharMode*
		default:
			assert.True(t, covered[lang], "no test text for %s", lang)
		}
	}
}
