package shingle

import (
	"cmp"
	"github.com/neardup/neardup/internal/hashmix"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// Shingler turns texts into shingle sets under one Config. The zero value
// is not usable; call New.
//
// A Shingler keeps reusable buffers and a cache of stems, so it is not safe
// for concurrent use: use one per goroutine. Slices returned by its Append
// methods are the caller's (they are dst, grown).
type Shingler struct {
	cfg            Config
	lang           language
	keepApostrophe bool
	chars          bool // ModeChars

	norm  normalizer
	buf   []byte   // normalized text, words compacted in place (tokenize)
	spans []span   // one per word, into buf
	terms []uint64 // term hashes of the words that survive filtering
	sents []int    // sentence of each term (AppendSentenceShingles)
	sortb []uint64 // scratch of appendShingleHashes
	count []uint32 // bucket counts of appendShingleHashes
	cache stemCache
}

// span locates a word inside Shingler.buf.
type span struct {
	start, end int
	sentence   int // index of the sentence the word is in
}

// New returns a Shingler for cfg, or an error wrapping ErrLanguage or
// ErrSize if cfg is not valid.
func New(cfg Config) (*Shingler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	return &Shingler{
		cfg:            cfg,
		lang:           snowballLanguages[cfg.Language],
		keepApostrophe: cfg.Language == "english",
		chars:          cfg.Mode == ModeChars,
	}, nil
}

// Config returns the Shingler's configuration, with defaults filled in.
func (s *Shingler) Config() Config { return s.cfg }

// isWordRune reports whether r can start or continue a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isCharRune reports whether r is a word by itself in ModeChars: a letter
// of a script written without spaces between words, or the Katakana
// prolonged sound mark (of the Common script).
func isCharRune(r rune) bool {
	if r < 0x0E00 { // below Thai
		return false
	}
	if r == '\u30FC' {
		return true
	}
	return unicode.IsLetter(r) && (unicode.Is(unicode.Han, r) ||
		unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar))
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

// Byte classes of asciiClass.
const (
	asciiNone  = iota // not ASCII
	asciiWord         // ASCII letter or digit
	asciiJoin         // '\'', '.' or ',': may join the parts of a word
	asciiOther        // any other ASCII byte
)

// asciiClass classifies the bytes of normalized text for tokenize.
var asciiClass = func() (t [256]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case isWordRune(rune(c)):
			t[c] = asciiWord
		case c == '\'' || c == '.' || c == ',':
			t[c] = asciiJoin
		default:
			t[c] = asciiOther
		}
	}
	return t
}()

// asciiWordEnd returns the end of the run of ASCII letters and digits
// that starts at b[i] (cap(b) >= len(b)+wordPad), eight bytes at a time.
func asciiWordEnd(b []byte, i int) int {
	for k := i; k < len(b); k += 8 {
		x := loadWord(b, k)
		// With the high bits cleared no sum carries into the next
		// byte; a byte's high bit in (y + 0x80-lo) &^ (y + 0x80-hi-1)
		// is set when lo <= byte <= hi.
		y := x &^ highs
		lower := (y + (0x80-'a')*ones) &^ (y + (0x80-'z'-1)*ones)
		upper := (y + (0x80-'A')*ones) &^ (y + (0x80-'Z'-1)*ones)
		digit := (y + (0x80-'0')*ones) &^ (y + (0x80-'9'-1)*ones)
		if other := (^(lower | upper | digit) | x) & highs; other != 0 {
			return min(k+bits.TrailingZeros64(other)/8, len(b))
		}
	}
	return len(b)
}

// runeAt decodes the rune at b[i:], or returns -1 past the end.
func runeAt(b []byte, i int) (rune, int) {
	if i >= len(b) {
		return -1, 0
	}
	if b[i] < utf8.RuneSelf {
		return rune(b[i]), 1
	}
	return utf8.DecodeRune(b[i:])
}

// tokenize normalizes text into s.buf and splits it into words
// (s.spans). Words are compacted in place: a word that drops a character
// (the comma of "1,000", the dots of "u.s.") moves its later bytes back,
// which only ever writes bytes the loop has read. s.buf keeps wordPad
// bytes of capacity past its end for loadWord.
func (s *Shingler) tokenize(text string) {
	s.buf = s.norm.append(s.buf[:0], text)
	s.buf = slices.Grow(s.buf, wordPad)
	s.spans = s.spans[:0]
	b := s.buf
	start := -1     // start of the current word in b, or -1
	w := 0          // end of the current word's bytes written so far
	var prev rune   // last rune appended to the current word
	letters := 0    // letters since the word began or since a joined dot
	sentence := 0   // sentence of the current word
	brk := false    // a sentence end was seen since the last word
	dotted := false // the current word is a dotted acronym
	begin := func(i int) {
		start = i
		w = i
		letters = 0
		dotted = false
		if brk && len(s.spans) > 0 {
			sentence++
		}
		brk = false
	}
	end := func() {
		if start >= 0 {
			s.spans = append(s.spans, span{start, w, sentence})
			start = -1
		}
	}
	// add appends b[i:k] to the current word.
	add := func(i, k int) {
		if w != i {
			copy(b[w:], b[i:k])
		}
		w += k - i
	}
	for i := 0; i < len(b); {
		c := b[i]
		if asciiClass[c] == asciiOther {
			// ASCII that is neither part of a word nor a joiner
			// ('.', ',', '\''): it ends the word, as in the
			// general case below.
			end()
			if c == '!' || c == '?' || c == '\n' {
				brk = true
			}
			i++
			continue
		}
		if asciiClass[c] == asciiWord {
			// A run of ASCII letters and digits, appended at once;
			// the same as the general case below byte by byte.
			if start < 0 {
				begin(i)
			}
			k := asciiWordEnd(b, i)
			// Byte by byte, letters would count up and digits set
			// it to 2; only letters == 1 is ever tested, so any
			// count above 1 is as good as 2.
			if k-i == 1 && c > '9' {
				letters++
			} else {
				letters = 2
			}
			add(i, k)
			prev = rune(b[k-1])
			i = k
			continue
		}
		r, size := runeAt(b, i)
		if s.chars && isCharRune(r) {
			// ModeChars: the character, with the marks that
			// follow it, is a word of its own.
			end()
			begin(i)
			k := i + size
			for {
				m, msize := runeAt(b, k)
				if m < utf8.RuneSelf || !unicode.IsMark(m) {
					break
				}
				k += msize
			}
			add(i, k)
			end()
			i = k
			continue
		}
		switch {
		case isWordRune(r) || (start >= 0 && r >= utf8.RuneSelf && unicode.IsMark(r)):
			if start < 0 {
				begin(i)
			}
			add(i, i+size)
			if isLetter(r) {
				letters++
			} else {
				letters = 2 // digits end an acronym run
			}
			prev = r
		case start >= 0 && (r == '\'' || r == '.' || r == ','):
			next, nsize := runeAt(b, i+size)
			switch {
			case r == '\'' && s.keepApostrophe && isLetter(prev) && isLetter(next):
				add(i, i+1)
			case r == '.' && isDigit(prev) && isDigit(next):
				add(i, i+1)
			case r == ',' && isDigit(prev) && isDigit(next):
				// Thousands separator: dropped, the number goes on.
			case r == '.' && letters == 1 && isLetter(next) && !isWordRune(func() rune { r, _ := runeAt(b, i+size+nsize); return r }()):
				// An acronym written with dots: "u.s." joins to "us".
				letters = 0
				dotted = true
			default:
				end()
				// The dot closing "u.s." does not end a sentence.
				brk = brk || (r == '.' && !dotted)
			}
		default:
			end()
			brk = brk || r == '.' || r == '\u3002' || r == '\uff61'
		}
		i += size
	}
	end()
}

// lookup returns the term of the word b[i:i+n], stemming the word on a
// miss; cap(b) must be at least i+n+wordPad (see tokenize).
func (s *Shingler) lookup(b []byte, i, n int) term {
	if t, ok := s.cache.get(b, i, n); ok {
		return t
	}
	word := string(b[i : i+n])
	form := word
	if s.lang.fold != nil {
		form = s.lang.fold(word)
	}
	stop := s.cfg.StopWords && s.lang.isStop != nil && s.lang.isStop(form)
	stem := form
	if !s.cfg.NoStem && s.lang.stem != nil {
		stem = s.lang.stem(form, false)
	}
	if strings.IndexByte(stem, '\'') >= 0 {
		stem = strings.ReplaceAll(stem, "'", "")
	}
	var d xxhash.Digest
	d.ResetWithSeed(s.cfg.Seed)
	d.WriteString(stem)
	if s.cache.len() >= maxCachedTerms {
		s.cache.reset()
	}
	return s.cache.put(b, i, n, cacheEntry{word: word, stem: stem}, d.Sum64(), stop)
}

// appendTermHashes sets s.terms to the term hashes of the words in
// s.spans that are not stop words (and s.sents to their sentences, if
// sents), as lookup gives them, with the cache's short table probed
// inline first.
func (s *Shingler) appendTermHashes(sents bool) {
	s.terms = s.terms[:0]
	s.sents = s.sents[:0]
	b := s.buf
	for _, sp := range s.spans {
		n := sp.end - sp.start
		h, ok := uint64(0), false
		if n <= 8 {
			h, ok = s.cache.shortTerm(wordHead(b, sp.start, n))
		}
		if !ok {
			t := s.lookup(b, sp.start, n)
			if t.stop {
				continue
			}
			h = t.hash
		}
		s.terms = append(s.terms, h)
		if sents {
			s.sents = append(s.sents, sp.sentence)
		}
	}
}

// stemOf returns the stem of a term that lookup returned.
func (s *Shingler) stemOf(t term) string { return s.cache.cold[t.idx].stem }

// Stem returns the stem of one word as the pipeline makes it: normalized,
// stemmed with the Snowball stemmer of the Config's language (unless
// NoStem), apostrophes removed. The word is not tokenized: pass one word.
func (s *Shingler) Stem(word string) string {
	s.buf = s.norm.append(s.buf[:0], word)
	s.buf = slices.Grow(s.buf, wordPad)
	return s.stemOf(s.lookup(s.buf, 0, len(s.buf)))
}

// AppendTokens appends the words of text, after normalization and
// tokenization but before stop-word removal and stemming, to dst.
func (s *Shingler) AppendTokens(dst []string, text string) []string {
	s.tokenize(text)
	for _, sp := range s.spans {
		dst = append(dst, string(s.buf[sp.start:sp.end]))
	}
	return dst
}

// AppendTerms appends the terms of text (normalized, tokenized, stop words
// removed if configured, stemmed) to dst, in text order. Shingles are made
// of these terms.
func (s *Shingler) AppendTerms(dst []string, text string) []string {
	s.tokenize(text)
	for _, sp := range s.spans {
		if t := s.lookup(s.buf, sp.start, sp.end-sp.start); !t.stop {
			dst = append(dst, s.stemOf(t))
		}
	}
	return dst
}

// AppendShingles appends the distinct shingles of text to dst as strings
// (the terms of each shingle joined by one space), in order of first
// appearance. It shows what AppendHashes hashes; use AppendHashes for
// signatures.
func (s *Shingler) AppendShingles(dst []string, text string) []string {
	terms := s.AppendTerms(nil, text)
	n := s.cfg.Size
	if len(terms) == 0 {
		return dst
	}
	if len(terms) < n {
		n = len(terms)
	}
	seen := make(map[string]bool)
	for i := 0; i+n <= len(terms); i++ {
		sh := strings.Join(terms[i:i+n], " ")
		if !seen[sh] {
			seen[sh] = true
			dst = append(dst, sh)
		}
	}
	return dst
}

// AppendHashes appends the shingle set of text to dst: one 64-bit hash per
// distinct shingle, sorted ascending. The elements already in dst are left
// as they are. A text with no words appends nothing; a text with fewer
// words than Config.Size appends one shingle of all its words.
func (s *Shingler) AppendHashes(dst []uint64, text string) []uint64 {
	s.tokenize(text)
	s.appendTermHashes(false)
	return s.appendShingleHashes(dst, s.terms)
}

// appendShingleHashes appends the sorted, distinct n-gram hashes of terms.
func (s *Shingler) appendShingleHashes(dst []uint64, terms []uint64) []uint64 {
	if len(terms) == 0 {
		return dst
	}
	n := min(s.cfg.Size, len(terms))
	m := len(terms) - n + 1 // shingles, repeats included
	base := len(dst)
	dst = slices.Grow(dst, m)[:base+m]
	set := dst[base:]
	if n == 3 {
		// combine of three terms, unrolled (the default size).
		h0 := bits.RotateLeft64(s.cfg.Seed^uint64(n)*0x9e3779b97f4a7c15, 29)
		terms = terms[:len(set)+2]
		for i := range set {
			h := mix64(h0 ^ terms[i])
			h = mix64(bits.RotateLeft64(h, 29) ^ terms[i+1])
			set[i] = mix64(bits.RotateLeft64(h, 29) ^ terms[i+2])
		}
	} else {
		for i := range set {
			set[i] = combine(s.cfg.Seed, terms[i:i+n])
		}
	}
	return dst[:base+s.sortDistinct(set)]
}

// sortDistinct sorts set ascending, moves its distinct values to the front
// and returns their number.
//
// Shingle hashes are uniform: one counting-sort pass on their top bits
// (about two buckets per hash) leaves them nearly sorted, and an insertion
// pass, which only moves hashes that share a bucket, finishes the job. A
// set whose values crowd into a few buckets is sorted by slices.Sort.
func (s *Shingler) sortDistinct(set []uint64) int {
	m := len(set)
	if m < 64 {
		slices.Sort(set)
		return len(slices.Compact(set))
	}
	nb := bits.Len(uint(m)) + 1
	shift := 64 - nb
	if cap(s.count) < 1<<nb {
		s.count = make([]uint32, 1<<nb)
	}
	count := s.count[:1<<nb]
	clear(count)
	for _, v := range set {
		count[v>>shift]++
	}
	sum, most := uint32(0), uint32(0)
	for b, c := range count {
		count[b] = sum
		sum += c
		most = max(most, c)
	}
	s.sortb = slices.Grow(s.sortb[:0], m)[:m]
	out := s.sortb
	for _, v := range set {
		b := v >> shift
		out[count[b]] = v
		count[b]++
	}
	if most > 32 {
		// Insertion could take quadratic time.
		slices.Sort(out)
	} else {
		for i := 1; i < len(out); i++ {
			for j := i; j > 0 && out[j] < out[j-1]; j-- {
				out[j], out[j-1] = out[j-1], out[j]
			}
		}
	}
	// Copy back without repeats.
	set[0] = out[0]
	k := 1
	for _, v := range out[1:] {
		set[k] = v
		if v != set[k-1] {
			k++
		}
	}
	return k
}

// combine hashes a sequence of term hashes into one shingle hash; the
// result depends on the order of the terms.
func combine(seed uint64, terms []uint64) uint64 {
	h := seed ^ uint64(len(terms))*0x9e3779b97f4a7c15
	for _, t := range terms {
		h = mix64(bits.RotateLeft64(h, 29) ^ t)
	}
	return h
}

// mix64 is the SplitMix64 finalizer (hashmix.Mix64), inlined.
func mix64(x uint64) uint64 { return hashmix.Mix64(x) }

// SentenceShingle is one shingle of a sentence, as AppendSentenceShingles
// returns it.
type SentenceShingle struct {
	// Hash is the shingle's hash, as AppendHashes makes it.
	Hash uint64
	// Sentence is the index of the sentence, counting from 0.
	Sentence int
}

// AppendSentenceShingles appends to dst the shingles that lie wholly
// inside one sentence of text, each with its sentence, in sentence order
// and without repeats within a sentence. A sentence ends at '.', '!' or '?'
// outside a number or a dotted acronym, and at a line feed ('\n'; other
// line separators, such as a lone '\r' or U+2028, are spaces). Sentences
// with fewer terms than Config.Size give no shingle: they are too short to
// be evidence. Hashes are comparable with those of AppendHashes; use them
// to find which sentences of two texts share wording.
func (s *Shingler) AppendSentenceShingles(dst []SentenceShingle, text string) []SentenceShingle {
	s.tokenize(text)
	s.appendTermHashes(true)
	n := s.cfg.Size
	for i := 0; i < len(s.terms); {
		j := i
		for j < len(s.terms) && s.sents[j] == s.sents[i] {
			j++
		}
		base := len(dst)
		for k := i; k+n <= j; k++ {
			dst = append(dst, SentenceShingle{combine(s.cfg.Seed, s.terms[k:k+n]), s.sents[i]})
		}
		part := dst[base:]
		slices.SortFunc(part, func(a, b SentenceShingle) int { return cmp.Compare(a.Hash, b.Hash) })
		dst = dst[:base+len(slices.CompactFunc(part, func(a, b SentenceShingle) bool { return a.Hash == b.Hash }))]
		i = j
	}
	return dst
}
