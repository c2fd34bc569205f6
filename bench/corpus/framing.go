package corpus

import (
	"fmt"
	"strings"
)

// The news framing: names, places, organizations and sentence templates.
// The body text comes from WordNet; these small lists only dress it up as
// wire copy (datelines, attributions, bylines, credits) and give copies the
// boilerplate that content farms add.

var firstNames = strings.Fields(`James Mary Robert Patricia John Jennifer Michael Linda David
Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa
Matthew Nancy Anthony Sandra Mark Ashley Steven Emily Paul Michelle Andrew Amanda Joshua Melissa
Kevin Deborah Brian Rebecca George Laura Timothy Sharon Carlos Maria Ahmed Fatima Wei Mei Raj
Priya Kenji Yuki Olga Ivan Sofia Luca Ingrid Lars Amara Kwame Diego Lucia Omar Leila Hannah Noah`)

var lastNames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez
Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Chen Wang Patel Kim Singh Okafor Mensah Kowalski Novak Schmidt Rossi Dubois Tanaka Sato Ivanova
Haddad Cohen Murphy O'Brien Fischer Larsen Silva Costa Mwangi`)

var cities = []string{"Washington", "New York", "London", "Chicago", "Los Angeles", "Paris",
	"Berlin", "Tokyo", "Sydney", "Toronto", "Houston", "Atlanta", "Boston", "Denver", "Seattle",
	"Miami", "Phoenix", "Dallas", "Brussels", "Geneva", "Nairobi", "Mumbai", "Singapore",
	"Mexico City", "Rome", "Madrid", "Ottawa", "Dublin", "Johannesburg", "San Francisco",
	"Philadelphia", "Detroit", "Minneapolis", "Sacramento", "Albany", "Austin", "Nashville",
	"Portland", "Cairo", "Seoul", "Jakarta", "Manila", "Lagos", "Lima", "Bogota", "Stockholm",
	"Warsaw", "Vienna", "Athens", "Lisbon"}

// agencies pairs the dateline short form with the full name.
var agencies = [][2]string{{"AP", "The Associated Press"}, {"Reuters", "Reuters"},
	{"AFP", "Agence France-Presse"}, {"Bloomberg", "Bloomberg News"},
	{"UPI", "United Press International"}}

var orgs = []string{"the Federal Reserve", "the World Health Organization", "the city council",
	"the state legislature", "the National Weather Service", "the Census Bureau", "police",
	"the company", "the ministry", "the United Nations", "the European Commission",
	"the Labor Department", "the Commerce Department", "the school board", "the county sheriff",
	"the Justice Department", "the central bank", "the governor's office", "the union",
	"the transportation authority", "the health department", "the Supreme Court",
	"the International Monetary Fund", "the mayor's office", "prosecutors", "researchers",
	"the agency", "the board of directors", "the fire department", "the university"}

var outlets = []string{"Daily Courier", "The Morning Ledger", "Metro Wire", "Global News Hub",
	"Tribune Online", "The Evening Post", "NewsNow 24", "The Herald Digest", "Channel 9 News",
	"World Report Daily", "Breaking Newsline", "The Valley Gazette", "Capital Dispatch",
	"Headline Central", "The Northern Star"}

var weekdays = strings.Fields("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")

var months = strings.Fields("January February March April May June July August September October November December")

// Template slots. A slot is written {name} in a template.
const (
	slotSq     = iota // quoted sentence: "Sentence," (terminal punctuation dropped)
	slotS             // sentence without terminal, capitalized
	slotSl            // sentence without terminal, lower-cased start
	slotHs            // short sentence for headlines
	slotName          // First Last
	slotFirst         // First
	slotPerson        // person noun
	slotCity          // City
	slotCITY          // CITY (dateline)
	slotOrg           // organization
	slotTopic         // topic noun
	slotL             // gloss lemma
	slotG             // gloss definition
	slotCard          // small cardinal
	slotBig           // large cardinal
	slotAge           // age
	slotOrd           // ordinal
	slotPct           // percentage
	slotMoney         // money
	slotYear          // year
	slotDay           // weekday
	slotMonth         // month name
	slotDnum          // day of month
	slotAg            // agency short name
	slotAgency        // agency full name
	slotOutlet        // content farm outlet
	numSlots
)

var slotNames = map[string]int32{"sq": slotSq, "s": slotS, "sl": slotSl, "hs": slotHs,
	"name": slotName, "first": slotFirst, "person": slotPerson, "City": slotCity,
	"CITY": slotCITY, "org": slotOrg, "topic": slotTopic, "L": slotL, "G": slotG,
	"card": slotCard, "big": slotBig, "age": slotAge, "ord": slotOrd, "pct": slotPct,
	"money": slotMoney, "year": slotYear, "day": slotDay, "month": slotMonth, "dnum": slotDnum,
	"ag": slotAg, "agency": slotAgency, "outlet": slotOutlet}

// Template groups.
var (
	tplQuote = []string{
		`"{sq}," said {name}, a {person} from {City}.`,
		`"{sq}," {name} told reporters.`,
		`"{sq}," {name}, {age}, said in an interview.`,
		`"{sq}," said {name}, who has worked as a {person} for {card} years.`,
		`{name} said {sl}.`,
		`According to {org}, {sl}.`,
		`In a statement, {org} said {sl}.`,
		`{s}, {name} said.`,
		`{s}, according to {org}.`,
		`{name}, a {person} in {City}, said {sl}.`,
		`"{sq}," {name} wrote in a post on social media.`,
		`"{sq}," said {name}, a spokesperson for {org}.`,
		`{name}, who spoke on condition of anonymity, said {sl}.`,
		`{org} said in a filing on {day} that {sl}.`,
		`"{sq}," {name} said at a news conference in {City}.`,
		`Asked about the {topic}, {name} said {sl}.`,
	}
	tplConj = []string{
		`{s}, and {sl}.`,
		`{s}, but {sl}.`,
		`{s}, while {sl}.`,
		`{s}; {sl}.`,
	}
	tplGloss = []string{
		`The dispute centers on the {L}, {G}.`,
		`Officials described the {L} as {G}.`,
		`At issue is the {L}, {G}.`,
		`The {L}, {G}, has drawn scrutiny in recent weeks.`,
		`Critics say the {L}, {G}, is poorly understood.`,
		`{name} has spent {card} years studying the {L}, {G}.`,
		`The report focused on the {L}, {G}.`,
		`Supporters of the plan point to the {L}, {G}.`,
		`The proposal would change the rules for the {L}, {G}.`,
		`Investigators are still examining the {L}, {G}.`,
		`Few residents had heard of the {L}, {G}, until this year.`,
		`The new law also covers the {L}, {G}.`,
	}
	tplNumber = []string{
		`At least {card} people attended the {ord} annual {topic} festival in {City} on {day}.`,
		`The project is expected to cost about {money}, according to {org}.`,
		`The figure rose {pct} from a year earlier, {org} said.`,
		`{name}, {age}, said the {topic} had been closed for {card} days.`,
		`It was the {ord} time this year that {org} had raised concerns about the {topic}.`,
		`The measure passed by a vote of {card} to {card} on {day}.`,
		`About {pct} of the {big} residents surveyed said they supported the plan.`,
		`The {topic} dates back to {year}, when it was built for {money}.`,
		`{org} has scheduled a hearing for {day}, the {ord} since {month}.`,
		`Sales of the {topic} fell {pct} in {month}, the {ord} decline in {card} months.`,
		`More than {big} people have signed a petition about the {topic}.`,
		`The company employs about {big} workers and reported revenue of {money} last year.`,
		`Officials counted {card} incidents involving the {topic} in the past {card} months.`,
		`The {ord} round of talks is set for {month} {dnum}.`,
		`Turnout was {pct}, down from {pct} in {year}.`,
		`Shares of the company closed down {pct} on {day}.`,
		`The agency received {big} complaints about the {topic} in {year}.`,
		`The {topic} will reopen on {day} after being closed for {card} weeks.`,
		`A survey of {big} households found that {pct} had no {topic} at all.`,
		`The fund has raised {money} since it was founded in {year}.`,
	}
	tplHeadline = []string{
		`{hs}`,
		`{hs}`,
		`{hs}`,
		`{City} officials weigh new rules on {topic}`,
		`{org} warns of rising {topic} costs`,
		`{topic} prices climb for {ord} straight month`,
		`what to know about the {topic} dispute`,
		`{name} named head of {org}`,
	}
	tplDateline = []string{
		`{CITY} ({ag}) —`,
		`{CITY} ({ag}) —`,
		`{CITY} —`,
		`{CITY}, {month} {dnum} ({ag}) -`,
		`{CITY} ({ag}) -`,
	}
	tplByline = []string{
		`By {name}`,
		`By {name}, {agency}`,
		`By {name} and {name}`,
	}
	tplBaseCredit = []string{
		`Staff writer {name} in {City} contributed to this report.`,
		`Reporting by {name} in {City}; editing by {name}.`,
		`{name} contributed reporting from {City}.`,
	}
	tplCopyByline = []string{
		`By {name}`,
		`By {outlet} Staff`,
		`{name} | {outlet}`,
		`Posted by {first}`,
		`By {name}, {outlet}`,
	}
	tplPublished = []string{
		`Published {day}, {month} {dnum}, {year}`,
		`Updated {month} {dnum}, {year}`,
		`Last updated: {day}`,
	}
	tplLead = []string{
		`Here's what you need to know.`,
		`{org} is facing new questions this week.`,
		`This is a developing story and will be updated.`,
		`Our coverage of the {topic} story continues below.`,
		`{s}.`,
		`In case you missed it: {sl}.`,
	}
	tplAd = []string{
		`Advertisement`,
		`Story continues below advertisement`,
		`RELATED: {hs}`,
		`Sign up for our newsletter to get the latest {topic} news.`,
		`Read more: {hs}`,
		`ADVERTISEMENT`,
	}
	tplCopyCredit = []string{
		`Copyright {year} {agency}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.`,
		`Additional reporting by {name}; editing by {name}.`,
		`This story was originally published by {agency}.`,
		`Follow {outlet} for more {topic} news.`,
		`The views expressed are the author's own.`,
		`{outlet} may earn a commission from links on this page.`,
		`Source: {agency}`,
	}
	headPrefixes = []string{"UPDATE 1-", "UPDATE 2-", "UPDATE 3-", "BREAKING:", "WATCH:", "EXCLUSIVE-"}
)

// framing is the tokenized form of the lists and templates above.
type framing struct {
	first, last, cities, orgs, outlets []span
	agShort, agLong                    []span
	weekdays, months                   []span
	headPrefix                         []span

	quote, conj, gloss, number, headline, dateline, byline, baseCredit []span
	copyByline, published, lead, ad, copyCredit                        []span
}

func (b *loader) spans(words []string, lookup bool) []span {
	out := make([]span, len(words))
	for i, w := range words {
		out[i] = b.tokenize(w, lookup)
	}
	return out
}

func (b *loader) templates(src []string) ([]span, error) {
	out := b.spans(src, true)
	for i, sp := range out {
		for j := sp.start; j < sp.end; j++ {
			t := &b.src.toks[j]
			if t.kind != kSlot {
				continue
			}
			id, ok := slotNames[t.s[1:len(t.s)-1]]
			if !ok {
				return nil, fmt.Errorf("corpus: template %q: unknown slot %s", src[i], t.s)
			}
			t.num = id
		}
	}
	return out, nil
}

func (b *loader) buildFraming() error {
	f := &b.src.fr
	f.first = b.spans(firstNames, false)
	f.last = b.spans(lastNames, false)
	f.cities = b.spans(cities, false)
	f.orgs = b.spans(orgs, false)
	f.outlets = b.spans(outlets, false)
	for _, a := range agencies {
		f.agShort = append(f.agShort, b.tokenize(a[0], false))
		f.agLong = append(f.agLong, b.tokenize(a[1], false))
	}
	f.weekdays = b.spans(weekdays, false)
	f.months = b.spans(months, false)
	f.headPrefix = b.spans(headPrefixes, false)
	for _, sp := range f.headPrefix { // "UPDATE 1-Officials ...": glue the dash to the headline
		if t := &b.src.toks[sp.end-1]; strings.HasSuffix(t.s, "-") {
			t.flags |= fGlueR
		}
	}
	groups := []struct {
		dst *[]span
		src []string
	}{
		{&f.quote, tplQuote}, {&f.conj, tplConj}, {&f.gloss, tplGloss}, {&f.number, tplNumber},
		{&f.headline, tplHeadline}, {&f.dateline, tplDateline}, {&f.byline, tplByline},
		{&f.baseCredit, tplBaseCredit}, {&f.copyByline, tplCopyByline},
		{&f.published, tplPublished}, {&f.lead, tplLead}, {&f.ad, tplAd},
		{&f.copyCredit, tplCopyCredit},
	}
	for _, g := range groups {
		sp, err := b.templates(g.src)
		if err != nil {
			return err
		}
		*g.dst = sp
	}
	if len(b.src.persons) == 0 {
		b.src.persons = b.spans([]string{"resident"}, false)
	}
	if len(b.src.topics) == 0 {
		b.src.topics = b.spans([]string{"project"}, false)
	}
	if len(b.src.glosses) == 0 {
		b.src.glosses = []gloss{{lemma: b.tokenize("plan", false), def: b.tokenize("a series of steps to be carried out", false)}}
	}
	return nil
}
