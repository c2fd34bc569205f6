package corpus

import "strconv"

// render appends the text of d to buf. With r non-nil it rewords: each
// content word that has synonyms is swapped with the probability that makes
// the swapped share of all content words equal swap, and each rewritable
// number flips between digits and words with probability flip.
func (g *Generator) render(buf []byte, d *doc, r *rng, swap, flip float64) []byte {
	src := g.src
	p := 0.0
	if r != nil && swap > 0 {
		content, swappable := 0, 0
		for i := range d.toks {
			if d.toks[i].flags&fContent != 0 {
				content++
				if d.toks[i].syn >= 0 {
					swappable++
				}
			}
		}
		if swappable > 0 {
			p = min(1, swap*float64(content)/float64(swappable))
		}
	}
	if r == nil {
		flip = 0
	}
	for pi := range d.paras {
		pa := d.paras[pi]
		if pi > 0 {
			buf = append(buf, '\n', '\n')
		}
		title := pa.kind == pHeadline
		first, glueR := true, false
		article := -1 // position of a just-written "a" or "an"
		anArticle := false
		for si := pa.start; si < pa.end; si++ {
			s := d.sents[si]
			for ti := s.start; ti < s.end; ti++ {
				t := &d.toks[ti]
				if !first && t.flags&fGlueL == 0 && !glueR {
					buf = append(buf, ' ')
				}
				glueR = t.flags&fGlueR != 0
				at := len(buf)
				switch t.kind {
				case kWord, kPunct, kSlot:
					if t.syn >= 0 && p > 0 && r.float() < p {
						e := src.synEntries[t.syn]
						buf = append(buf, src.synWords[e.start+int32(r.intn(int(e.end-e.start)))]...)
						if t.flags&fPlural != 0 {
							buf = append(buf, 's')
						}
					} else {
						buf = append(buf, t.s...)
					}
				default:
					words := t.flags&fWords != 0
					if flip > 0 && t.kind != kPlain && r.float() < flip {
						words = !words
					}
					buf = appendNumber(buf, t, words)
				}
				if at < len(buf) {
					switch c := buf[at]; {
					case t.flags&fUpper != 0:
						for j := at; j < len(buf); j++ {
							if c := buf[j]; c >= 'a' && c <= 'z' {
								buf[j] = c - 'a' + 'A'
							}
						}
					case t.flags&fCap != 0 || (title && (first || !smallWord(t.s))):
						if c >= 'a' && c <= 'z' {
							buf[at] = c - 'a' + 'A'
						}
					case t.flags&fLower != 0:
						if c >= 'A' && c <= 'Z' {
							buf[at] = c - 'A' + 'a'
						}
					}
				}
				first = false
				// Keep "a"/"an" agreeing with the word after it, which a
				// synonym swap or a slot may have changed.
				if article >= 0 && t.kind == kWord && at < len(buf) {
					if v := vowelStart(buf[at:]); v && !anArticle {
						buf = append(buf, 0)
						copy(buf[article+2:], buf[article+1:])
						buf[article+1] = 'n'
					} else if !v && anArticle && consonantStart(buf[at:]) {
						copy(buf[article+1:], buf[article+2:])
						buf = buf[:len(buf)-1]
					}
				}
				article = -1
				if t.kind == kWord && len(t.s) <= 2 {
					switch t.s {
					case "a", "A":
						article, anArticle = at, false
					case "an", "An":
						article, anArticle = at, true
					}
				}
			}
		}
	}
	return buf
}

// smallWord reports words left lower-case in title-cased headlines.
func smallWord(w string) bool {
	switch w {
	case "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to", "for",
		"by", "with", "from", "as", "into", "than", "via":
		return true
	}
	return false
}

var (
	cardWords = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven",
		"eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
		"sixteen", "seventeen", "eighteen", "nineteen"}
	tensWords = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
		"eighty", "ninety"}
	ordWords = [...]string{"zeroth", "first", "second", "third", "fourth", "fifth", "sixth",
		"seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth",
		"fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"}
	ordTensWords = [...]string{"", "", "twentieth", "thirtieth", "fortieth", "fiftieth",
		"sixtieth", "seventieth", "eightieth", "ninetieth"}
)

// appendNumber writes a number token in digit or word form.
func appendNumber(b []byte, t *tok, words bool) []byte {
	v := int(t.num)
	switch t.kind {
	case kCard:
		if words && v >= 0 && v < 100 {
			if v < 20 {
				return append(b, cardWords[v]...)
			}
			b = append(b, tensWords[v/10]...)
			if v%10 != 0 {
				b = append(b, '-')
				b = append(b, cardWords[v%10]...)
			}
			return b
		}
		return appendCommas(b, v)
	case kOrd:
		if words && v >= 0 && v < 100 {
			switch {
			case v < 20:
				return append(b, ordWords[v]...)
			case v%10 == 0:
				return append(b, ordTensWords[v/10]...)
			}
			b = append(b, tensWords[v/10]...)
			b = append(b, '-')
			return append(b, ordWords[v%10]...)
		}
		b = strconv.AppendInt(b, int64(v), 10)
		switch {
		case v%100 >= 11 && v%100 <= 13:
			return append(b, "th"...)
		case v%10 == 1:
			return append(b, "st"...)
		case v%10 == 2:
			return append(b, "nd"...)
		case v%10 == 3:
			return append(b, "rd"...)
		}
		return append(b, "th"...)
	case kPct:
		b = strconv.AppendInt(b, int64(v), 10)
		if words { // the rewritten form
			return append(b, '%')
		}
		return append(b, " percent"...)
	case kMoney:
		if !words {
			b = append(b, '$')
		}
		b = strconv.AppendInt(b, int64(v/10), 10)
		if v%10 != 0 {
			b = append(b, '.', byte('0'+v%10))
		}
		if words {
			return append(b, " million dollars"...)
		}
		return append(b, " million"...)
	}
	return strconv.AppendInt(b, int64(v), 10)
}

// appendCommas writes v with thousands separators: 12,345.
func appendCommas(b []byte, v int) []byte {
	if v < 1000 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	b = appendCommas(b, v/1000)
	r := v % 1000
	return append(b, ',', byte('0'+r/100), byte('0'+r/10%10), byte('0'+r%10))
}

// vowelStart reports a word that takes "an": it starts with a, e, i or o
// (u and h are ambiguous and left alone).
func vowelStart(w []byte) bool {
	switch w[0] {
	case 'a', 'e', 'i', 'A', 'E', 'I':
		return !(len(w) >= 2 && (w[1] == 'u' || w[1] == 'w') && (w[0] == 'e' || w[0] == 'E')) // "a eulogy", "a ewe"
	case 'o', 'O':
		return !(len(w) >= 3 && w[1] == 'n' && w[2] == 'e') // "a one-time"
	}
	return false
}

// consonantStart reports a word that certainly takes "a".
func consonantStart(w []byte) bool {
	c := w[0] | 0x20
	return c >= 'a' && c <= 'z' && !vowelStart(w) && c != 'u' && c != 'h'
}
