package corpus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultDir is where Debian's wordnet-base package installs the WordNet 3.0
// database files (data.noun, index.noun, ...).
const DefaultDir = "/usr/share/wordnet"

// DirEnv names the environment variable that, when set, overrides the
// directory searched for the WordNet database by Load("").
const DirEnv = "NEARDUP_WORDNET_DIR"

// InstallCommand is the command that installs the source text on Debian
// (run as root, or prefix it with sudo).
const InstallCommand = "apt-get install -y --no-install-recommends wordnet-base"

// ErrNotInstalled is returned (wrapped) by Load when the WordNet database
// cannot be found. Test with errors.Is.
var ErrNotInstalled = errors.New("corpus: WordNet source text not installed; install it with: " + InstallCommand)

// posFiles are the WordNet parts of speech, in the order they are read. The
// order matters for determinism and for tie-breaking synonym choice.
var posFiles = [...]string{"noun", "verb", "adj", "adv"}

// WordNet lexicographer file numbers used to pick slot words.
const (
	lexNounAct           = 4
	lexNounArtifact      = 6
	lexNounCommunication = 10
	lexNounPerson        = 18
	lexNounPossession    = 21
	lexNounProcess       = 22
)

// Token kinds.
const (
	kWord uint8 = iota
	kPunct
	kSlot
	kCard  // cardinal number: 12 / twelve
	kOrd   // ordinal number: 12th / twelfth
	kPct   // percentage: 12 percent / 12%
	kMoney // money in tenths of a million: $4.5 million / 4.5 million dollars
	kPlain // number written as digits, never rewritten (years, days of month)
)

// Token flags.
const (
	fGlueL   uint8 = 1 << iota // no space before
	fGlueR                     // no space after
	fCap                       // capitalize the first letter
	fLower                     // lower-case the first letter
	fUpper                     // upper-case the whole token
	fContent                   // content word (not a stop word)
	fPlural                    // synonym replacement takes a plural "s"
	fWords                     // number spelled out in words
)

// tok is one token of text: a word, a punctuation mark, a number or a
// template slot. Word and punctuation strings are substrings of the loaded
// database, so tokens cost no allocation when articles are built.
type tok struct {
	s     string
	num   int32 // number value or slot id
	syn   int32 // synonym entry index, -1 for none
	kind  uint8
	flags uint8
}

// span is a half-open range of indexes.
type span struct{ start, end int32 }

// Sentence capitalization classes for use in the middle of a sentence.
const (
	lowerAsIs  uint8 = iota // first word is already lower-case (or "I")
	lowerFold               // first word is a capitalized function word: lower it
	lowerNever              // first word is a proper noun: cannot be embedded
)

// sentence is an example sentence from the source: tokens[start:end] with
// the terminal punctuation as the last token.
type sentence struct {
	span
	lower uint8
}

// gloss is a noun with its WordNet definition, used in appositive sentences
// such as "At issue is the ballot, a document listing the alternatives ...".
type gloss struct {
	lemma, def span
}

// Source is the loaded real text: example sentences and definitions from
// the WordNet database, a synonym table, and the news framing templates
// tokenized against it. A Source is immutable after Load and may be shared
// by any number of generators, also concurrently.
type Source struct {
	dir string

	toks []tok

	sents     []sentence
	dotSents  []int32 // sentences ending in "."
	lowSents  []int32 // sentences ending in "." that can follow "said"
	headSents []int32 // short sentences fit for a headline
	glosses   []gloss
	persons   []span // person nouns: "farmer", "spokeswoman"
	topics    []span // topic nouns: "ballot", "pipeline"

	synWords   []string // flat synonym lists
	synEntries []span   // per entry, range in synWords
	synKeys    int      // distinct words that have synonyms

	fr framing
}

// Dir returns the directory the source was loaded from.
func (s *Source) Dir() string { return s.dir }

// Sentences returns the number of distinct example sentences loaded.
func (s *Source) Sentences() int { return len(s.sents) }

// Glosses returns the number of noun definitions loaded.
func (s *Source) Glosses() int { return len(s.glosses) }

// SynonymWords returns the number of distinct words that have at least one
// synonym available for rewording.
func (s *Source) SynonymWords() int { return s.synKeys }

// FindDir returns the WordNet directory Load would use for dir: dir itself
// when non-empty, else $NEARDUP_WORDNET_DIR, $WNSEARCHDIR, DefaultDir and
// DefaultDir/dict, the first that holds data.noun. The error wraps
// ErrNotInstalled.
func FindDir(dir string) (string, error) {
	var cands []string
	if dir != "" {
		cands = []string{dir}
	} else {
		for _, env := range []string{DirEnv, "WNSEARCHDIR"} {
			if v := os.Getenv(env); v != "" {
				cands = append(cands, v)
			}
		}
		cands = append(cands, DefaultDir, filepath.Join(DefaultDir, "dict"))
	}
	for _, c := range cands {
		if st, err := os.Stat(filepath.Join(c, "data.noun")); err == nil && st.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w (no data.noun in %s)", ErrNotInstalled, strings.Join(cands, ", "))
}

// Load reads the WordNet database from dir (see FindDir for how an empty
// dir is resolved): the example sentences quoted in the glosses of every
// synset, noun definitions, person and topic nouns, and a synonym table
// taken from each word's most frequent sense. Loading takes about a second.
func Load(dir string) (*Source, error) {
	dir, err := FindDir(dir)
	if err != nil {
		return nil, err
	}
	b := &loader{
		src:        &Source{dir: dir},
		synsets:    make(map[uint64]span, 120000),
		best:       make(map[string]senseRef, 150000),
		synCache:   make(map[string]int32, 20000),
		plurCache:  make(map[string]int32, 5000),
		seenSent:   make(map[string]struct{}, 50000),
		seenPerson: make(map[string]struct{}, 5000),
		seenTopic:  make(map[string]struct{}, 20000),
		verbs:      make(map[string]bool, 12000),
		nominals:   make(map[string]bool, 140000),
		verbExc:    make(map[string]bool, 6000),
	}
	files := make([]string, len(posFiles))
	for i, pos := range posFiles {
		data, err := os.ReadFile(filepath.Join(dir, "data."+pos))
		if err != nil {
			return nil, fmt.Errorf("corpus: reading WordNet data: %w", err)
		}
		files[i] = string(data)
		if err := b.indexSynsets(uint8(i), files[i]); err != nil {
			return nil, err
		}
		idx, err := os.ReadFile(filepath.Join(dir, "index."+pos))
		if err != nil {
			return nil, fmt.Errorf("corpus: reading WordNet index: %w", err)
		}
		if err := b.readIndex(uint8(i), string(idx)); err != nil {
			return nil, err
		}
	}
	// Irregular verb forms ("sat", "blew") help tell sentences from
	// fragments; the file is optional.
	if exc, err := os.ReadFile(filepath.Join(dir, "verb.exc")); err == nil {
		for line := range strings.Lines(string(exc)) {
			if f := strings.Fields(line); len(f) >= 2 {
				b.verbExc[f[0]] = true
			}
		}
	}
	for i := range files {
		if err := b.readText(uint8(i), files[i]); err != nil {
			return nil, err
		}
	}
	s := b.src
	if len(s.sents) == 0 {
		return nil, fmt.Errorf("corpus: no example sentences found in WordNet database %s", dir)
	}
	for i, st := range s.sents {
		last := s.toks[st.end-1]
		if last.s != "." {
			continue
		}
		s.dotSents = append(s.dotSents, int32(i))
		if st.lower != lowerNever {
			s.lowSents = append(s.lowSents, int32(i))
		}
		if n := st.end - st.start; n >= 5 && n <= 10 {
			s.headSents = append(s.headSents, int32(i))
		}
	}
	if len(s.dotSents) == 0 || len(s.lowSents) == 0 || len(s.headSents) == 0 {
		return nil, fmt.Errorf("corpus: too few usable example sentences in WordNet database %s", dir)
	}
	s.synKeys = len(s.synEntries)
	if err := b.buildFraming(); err != nil {
		return nil, err
	}
	return s, nil
}

// senseRef points at a word's most frequent synset.
type senseRef struct {
	off  uint32
	tags int32
	pos  uint8
}

type loader struct {
	src        *Source
	synsets    map[uint64]span // pos<<32|offset -> range in words
	words      []string        // synset member words, as in the file
	best       map[string]senseRef
	synCache   map[string]int32
	plurCache  map[string]int32
	seenSent   map[string]struct{}
	seenPerson map[string]struct{}
	seenTopic  map[string]struct{}
	verbs      map[string]bool // verb lemmas
	nominals   map[string]bool // noun and adjective lemmas
	verbExc    map[string]bool // irregular inflected verb forms
}

// synsetLine splits one data-file line into its offset, lexicographer file,
// member words and gloss. ok is false for license and malformed lines.
func synsetLine(line string) (off uint64, lex int, words []string, glossText string, ok bool) {
	if len(line) < 20 || line[0] == ' ' {
		return 0, 0, nil, "", false
	}
	bar := strings.Index(line, " | ")
	if bar < 0 {
		return 0, 0, nil, "", false
	}
	glossText = strings.TrimSpace(line[bar+3:])
	f := strings.Fields(line[:bar])
	if len(f) < 6 {
		return 0, 0, nil, "", false
	}
	off, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil {
		return 0, 0, nil, "", false
	}
	lex, err = strconv.Atoi(f[1])
	if err != nil {
		return 0, 0, nil, "", false
	}
	n, err := strconv.ParseUint(f[3], 16, 16)
	if err != nil || len(f) < 4+2*int(n) {
		return 0, 0, nil, "", false
	}
	words = make([]string, 0, n)
	for i := 0; i < int(n); i++ {
		w := f[4+2*i]
		if p := strings.IndexByte(w, '('); p > 0 { // adjective markers: foo(a)
			w = w[:p]
		}
		words = append(words, w)
	}
	return off, lex, words, glossText, true
}

func (b *loader) indexSynsets(pos uint8, data string) error {
	for line := range strings.Lines(data) {
		off, _, words, _, ok := synsetLine(line)
		if !ok {
			continue
		}
		start := int32(len(b.words))
		b.words = append(b.words, words...)
		b.synsets[uint64(pos)<<32|off] = span{start, int32(len(b.words))}
	}
	return nil
}

// readIndex records, for every lemma, the first (most frequent) sense of the
// part of speech with the most sense-tagged occurrences.
func (b *loader) readIndex(pos uint8, data string) error {
	for line := range strings.Lines(data) {
		if len(line) == 0 || line[0] == ' ' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		pc, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 4+pc+3 {
			continue
		}
		tags, err := strconv.Atoi(f[4+pc+1])
		if err != nil {
			continue
		}
		off, err := strconv.ParseUint(f[4+pc+2], 10, 32)
		if err != nil {
			continue
		}
		if posFiles[pos] == "verb" {
			b.verbs[f[0]] = true
		} else if posFiles[pos] != "adv" {
			b.nominals[f[0]] = true
		}
		if old, ok := b.best[f[0]]; ok && int(old.tags) >= tags {
			continue
		}
		b.best[f[0]] = senseRef{off: uint32(off), tags: int32(tags), pos: pos}
	}
	return nil
}

// readText extracts example sentences, noun definitions and slot nouns.
func (b *loader) readText(pos uint8, data string) error {
	s := b.src
	for line := range strings.Lines(data) {
		_, lex, words, g, ok := synsetLine(line)
		if !ok {
			continue
		}
		def, rest := g, ""
		if q := strings.IndexByte(g, '"'); q >= 0 {
			def, rest = g[:q], g[q:]
		}
		if sc := strings.IndexByte(def, ';'); sc >= 0 {
			def = def[:sc]
		}
		def = strings.TrimSpace(def)
		for {
			q1 := strings.IndexByte(rest, '"')
			if q1 < 0 {
				break
			}
			q2 := strings.IndexByte(rest[q1+1:], '"')
			if q2 < 0 {
				break
			}
			b.addSentence(strings.TrimSpace(rest[q1+1 : q1+1+q2]))
			rest = rest[q1+1+q2+1:]
		}
		if posFiles[pos] != "noun" || len(words) == 0 {
			continue
		}
		lemma := words[0]
		if !isLowerWord(strings.ReplaceAll(lemma, "_", "")) {
			continue
		}
		switch lex {
		case lexNounPerson:
			b.addSlotNoun(lemma, &s.persons, b.seenPerson)
		case lexNounAct, lexNounArtifact, lexNounCommunication, lexNounPossession, lexNounProcess:
			b.addSlotNoun(lemma, &s.topics, b.seenTopic)
		}
		b.addGloss(lemma, def)
	}
	return nil
}

func (b *loader) addSlotNoun(lemma string, dst *[]span, seen map[string]struct{}) {
	if len(lemma) < 4 || len(lemma) > 14 || strings.ContainsAny(lemma, "_-") {
		return
	}
	if _, dup := seen[lemma]; dup {
		return
	}
	seen[lemma] = struct{}{}
	*dst = append(*dst, b.tokenize(lemma, true))
}

func (b *loader) addGloss(lemma, def string) {
	n := strings.Count(def, " ") + 1
	if n < 4 || n > 25 || strings.ContainsAny(def, "()[]\"") {
		return
	}
	switch strings.SplitN(def, " ", 2)[0] {
	case "a", "an", "the", "any":
	default:
		return
	}
	def = strings.TrimRight(def, " .,;:")
	l := b.tokenize(strings.ReplaceAll(lemma, "_", " "), true)
	d := b.tokenize(def, true)
	b.src.glosses = append(b.src.glosses, gloss{lemma: l, def: d})
}

func (b *loader) addSentence(text string) {
	n := strings.Count(text, " ") + 1
	if n < 5 || n > 40 || strings.ContainsAny(text, "()[]{}_") {
		return
	}
	if _, dup := b.seenSent[text]; dup {
		return
	}
	b.seenSent[text] = struct{}{}
	st := b.tokenize(text, true)
	if st.end-st.start < 5 {
		return
	}
	last := b.src.toks[st.end-1]
	if last.kind != kPunct || (last.s != "." && last.s != "?" && last.s != "!") {
		b.src.toks = append(b.src.toks, tok{s: ".", kind: kPunct, flags: fGlueL, syn: -1})
		st.end++
	} else if st.end-st.start >= 2 && b.src.toks[st.end-2].kind == kPunct {
		return // "..." or ".)" endings: skip
	}
	first := b.src.toks[st.start]
	if first.kind != kWord || !b.isClause(b.src.toks[st.start:st.end]) {
		return
	}
	var lower uint8
	switch {
	case first.s == "I" || strings.HasPrefix(first.s, "I'") || isLowerWord(first.s[:1]):
		lower = lowerAsIs
	case foldable[first.s]:
		lower = lowerFold
	default:
		lower = lowerNever
	}
	if lw := strings.ToLower(first.s); b.verbs[lw] && !contracted[lw] {
		lower = lowerNever // imperative: cannot follow "said"
	}
	b.src.sents = append(b.src.sents, sentence{span: st, lower: lower})
}

var (
	auxiliaries = wordSet(`is was are were be been has have had will would can could shall
	should may might must do does did am isn't wasn't aren't weren't don't doesn't didn't won't
	can't couldn't wouldn't shouldn't hasn't haven't hadn't`)
	subjects   = wordSet(`i we you they he she it who people that which there`)
	modifiers  = wordSet(`the a an of his her their its our my your this that these those some many several to very more most`)
	contracted = wordSet(`he she it they we i you that there what who`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// isVerbForm reports whether lower-case w can be an inflected (finite) verb.
func (b *loader) isVerbForm(w string) bool {
	if auxiliaries[w] || b.verbExc[w] {
		return true
	}
	for _, r := range [...][2]string{{"ed", ""}, {"ed", "e"}, {"d", ""}, {"s", ""}, {"es", ""}, {"ies", "y"}, {"ied", "y"}} {
		if len(w) > len(r[0])+1 && strings.HasSuffix(w, r[0]) && b.verbs[w[:len(w)-len(r[0])]+r[1]] {
			return true
		}
	}
	// doubled consonant: "stopped"
	n := len(w)
	return n > 4 && strings.HasSuffix(w, "ed") && w[n-3] == w[n-4] && b.verbs[w[:n-3]]
}

// isClause tells a sentence from the noun phrases and subjectless
// fragments that make up many WordNet examples ("a dying fire",
// "caught the general drift of the conversation"): the first word must not
// be a verb, and a later word must be a finite verb.
func (b *loader) isClause(ts []tok) bool {
	words := make([]string, 0, len(ts))
	for _, t := range ts {
		if t.kind == kWord {
			words = append(words, strings.ToLower(t.s))
		}
	}
	if len(words) < 2 {
		return false
	}
	f := words[0]
	if !contracted[f] {
		if auxiliaries[f] || b.isVerbForm(f) || (b.verbs[f] && !b.nominals[f]) {
			return false
		}
		if strings.HasSuffix(f, "ing") && b.verbs[strings.TrimSuffix(f, "ing")] {
			return false
		}
	}
	for i := 1; i < len(words); i++ {
		w, prev := words[i], words[i-1]
		if a, c, ok := strings.Cut(w, "'"); ok && contracted[a] {
			switch c {
			case "s", "re", "ve", "d", "ll", "m":
				return true
			}
		}
		if modifiers[prev] {
			continue
		}
		if b.isVerbForm(w) || (subjects[prev] && b.verbs[w]) {
			return true
		}
	}
	return false
}

// foldable lists sentence-initial capitalized words that may be lower-cased
// when the sentence is embedded after "said" or "According to X,".
var foldable = map[string]bool{
	"The": true, "A": true, "An": true, "This": true, "That": true, "These": true,
	"Those": true, "It": true, "He": true, "She": true, "We": true, "They": true,
	"His": true, "Her": true, "Its": true, "Our": true, "Their": true, "My": true,
	"Your": true, "You": true, "There": true, "Some": true, "Many": true, "Most": true,
	"All": true, "No": true, "Every": true, "Each": true, "After": true, "Before": true,
	"When": true, "If": true, "In": true, "On": true, "At": true, "As": true,
	"For": true, "With": true, "Nobody": true, "Everyone": true, "People": true,
}

func isLowerWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// tokenize appends the tokens of text to the source and returns their
// range. With lookup, content words get their synonym entries.
func (b *loader) tokenize(text string, lookup bool) span {
	s := b.src
	start := int32(len(s.toks))
	for len(text) > 0 {
		i := 0
		for i < len(text) && text[i] == ' ' {
			i++
		}
		text = text[i:]
		j := strings.IndexByte(text, ' ')
		if j < 0 {
			j = len(text)
		}
		if j == 0 {
			break
		}
		b.field(text[:j], lookup)
		text = text[j:]
	}
	return span{start, int32(len(s.toks))}
}

const trailingPunct = ",.;:!?)]\""

func (b *loader) field(f string, lookup bool) {
	s := b.src
	for len(f) > 0 && (f[0] == '(' || f[0] == '"' || f[0] == '[') {
		s.toks = append(s.toks, tok{s: f[:1], kind: kPunct, flags: fGlueR, syn: -1})
		f = f[1:]
	}
	j := len(f)
	for j > 0 && strings.IndexByte(trailingPunct, f[j-1]) >= 0 {
		j--
	}
	// Keep the final period of abbreviations such as "U.S." on the word.
	if j < len(f) && f[j] == '.' && strings.IndexByte(f[:j], '.') >= 0 {
		j++
	}
	if core := f[:j]; core != "" {
		t := tok{s: core, kind: kWord, syn: -1}
		if len(core) > 2 && core[0] == '{' && core[len(core)-1] == '}' {
			t.kind = kSlot
			t.num = -1
		} else if core == "—" || core == "-" || core == "--" || core == "|" {
			t.kind = kPunct
		} else if lookup && isLowerWord(core) && len(core) >= 3 && !stopWords[core] {
			t.flags |= fContent
			t.syn = b.synEntry(core)
			if t.syn < 0 {
				if t.syn = b.pluralEntry(core); t.syn >= 0 {
					t.flags |= fPlural
				}
			}
		}
		s.toks = append(s.toks, t)
	}
	for k := j; k < len(f); k++ {
		s.toks = append(s.toks, tok{s: f[k : k+1], kind: kPunct, flags: fGlueL, syn: -1})
	}
}

// synonyms returns the other lower-case members of w's most frequent
// synset, with underscores turned into spaces.
func (b *loader) synonyms(w string, singleOnly bool) []string {
	ref, ok := b.best[w]
	if !ok {
		return nil
	}
	if singleOnly && posFiles[ref.pos] != "noun" {
		return nil
	}
	sp, ok := b.synsets[uint64(ref.pos)<<32|uint64(ref.off)]
	if !ok {
		return nil
	}
	var out []string
	for _, m := range b.words[sp.start:sp.end] {
		if m == w || strings.EqualFold(m, w) {
			continue
		}
		plain := strings.ReplaceAll(m, "_", "")
		plain = strings.ReplaceAll(plain, "-", "")
		if !isLowerWord(plain) {
			continue
		}
		if singleOnly {
			if len(m) != len(plain) || strings.HasSuffix(m, "s") || strings.HasSuffix(m, "x") ||
				strings.HasSuffix(m, "z") || strings.HasSuffix(m, "ch") || strings.HasSuffix(m, "sh") || strings.HasSuffix(m, "y") {
				continue
			}
		}
		out = append(out, strings.ReplaceAll(m, "_", " "))
	}
	return out
}

func (b *loader) addEntry(syns []string) int32 {
	s := b.src
	start := int32(len(s.synWords))
	s.synWords = append(s.synWords, syns...)
	s.synEntries = append(s.synEntries, span{start, int32(len(s.synWords))})
	return int32(len(s.synEntries) - 1)
}

func (b *loader) synEntry(w string) int32 {
	if e, ok := b.synCache[w]; ok {
		return e
	}
	e := int32(-1)
	if syns := b.synonyms(w, false); len(syns) > 0 {
		e = b.addEntry(syns)
	}
	b.synCache[w] = e
	return e
}

// pluralEntry handles regular noun plurals ("ballots"): the entry holds
// single-word synonyms of the singular, to which the renderer adds "s".
func (b *loader) pluralEntry(w string) int32 {
	if len(w) < 4 || w[len(w)-1] != 's' || strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "es") {
		return -1
	}
	if e, ok := b.plurCache[w]; ok {
		return e
	}
	e := int32(-1)
	if syns := b.synonyms(w[:len(w)-1], true); len(syns) > 0 {
		e = b.addEntry(syns)
	}
	b.plurCache[w] = e
	return e
}

// stopWords are never swapped and do not count as content words. WordNet
// has entries for many of them ("a" is a vitamin, "in" an inch), so they
// must be excluded explicitly.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above across after again against all almost
	along already also although always am among an and another any anyone anything are around
	as at away back be became because become been before being below between both but by came
	can cannot come could did do does doing done down during each either else enough even ever
	every few for from further get gets getting give given go goes going gone got had has have
	having he her here hers herself him himself his how however i if in into is it its itself
	just least less let like made make many may me might more most much must my myself near
	need never no nor not now of off often on once one only onto or other others otherwise our
	ours ourselves out over own per quite rather really said same say says see seem seemed seems
	she should since so some something sometimes still such take than that the their theirs them
	themselves then there therefore these they thing things this those though through thus to
	together too took toward towards under until up upon us use used very was way we well went
	were what whatever when where whether which while who whole whom whose why will with within
	without would yet you your yours yourself yourselves two three four five six seven eight
	nine ten first second third last next new old`) {
		m[w] = true
	}
	return m
}()
