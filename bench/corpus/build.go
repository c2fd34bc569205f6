package corpus

// Paragraph kinds.
const (
	pHeadline uint8 = iota
	pByline
	pPublished
	pLead
	pBody
	pAd
	pCredit
)

// Sentence kinds.
const (
	sBody uint8 = iota
	sDateline
)

type sent struct {
	start, end int32
	kind       uint8
}

type para struct {
	start, end int32 // range in sents
	kind       uint8
}

// doc is an article under construction: tokens grouped into sentences and
// paragraphs. Its slices are reused from article to article.
type doc struct {
	toks  []tok
	sents []sent
	paras []para
	open  bool
}

func (d *doc) reset() {
	d.toks = d.toks[:0]
	d.sents = d.sents[:0]
	d.paras = d.paras[:0]
	d.open = false
}

// para starts a new paragraph of the given kind.
func (d *doc) para(kind uint8) {
	d.close()
	n := int32(len(d.sents))
	d.paras = append(d.paras, para{start: n, end: n, kind: kind})
	d.open = true
}

func (d *doc) close() {
	if d.open {
		d.paras[len(d.paras)-1].end = int32(len(d.sents))
		d.open = false
	}
}

// endSent closes the sentence that began at token start and returns its
// number of words.
func (d *doc) endSent(start int, kind uint8) int {
	d.sents = append(d.sents, sent{start: int32(start), end: int32(len(d.toks)), kind: kind})
	return fields(d.toks[start:])
}

// copySent appends sentence s of doc b.
func (d *doc) copySent(b *doc, s sent) {
	start := len(d.toks)
	d.toks = append(d.toks, b.toks[s.start:s.end]...)
	d.sents = append(d.sents, sent{start: int32(start), end: int32(len(d.toks)), kind: s.kind})
}

// fields counts the whitespace-separated words the tokens render to.
func fields(ts []tok) int {
	n := 0
	for i := range ts {
		t := &ts[i]
		if i == 0 || (t.flags&fGlueL == 0 && ts[i-1].flags&fGlueR == 0) {
			n++
		}
		if t.kind == kPct || t.kind == kMoney {
			n++
		}
	}
	return n
}

// capFirst capitalizes the first word from token start on.
func (d *doc) capFirst(start int) {
	for i := start; i < len(d.toks); i++ {
		if d.toks[i].kind != kPunct {
			d.toks[i].flags = d.toks[i].flags&^fLower | fCap
			return
		}
	}
}

func (d *doc) appendSpan(src []tok, sp span) int {
	n := len(d.toks)
	d.toks = append(d.toks, src[sp.start:sp.end]...)
	return n
}

func pick(r *rng, sp []span) span { return sp[r.intn(len(sp))] }

// fresh picks a template from tpls (at most 64) that the current article
// has not used yet, when one can be found in a few tries.
func (g *Generator) fresh(r *rng, tpls []span, used *uint64) span {
	i := r.intn(len(tpls))
	for try := 0; try < 3 && *used&(1<<i) != 0; try++ {
		i = r.intn(len(tpls))
	}
	*used |= 1 << i
	return tpls[i]
}

// expand appends template tp with its slots filled.
func (g *Generator) expand(d *doc, r *rng, tp span) {
	src := g.src
	st := src.toks
	fr := &src.fr
	var gl *gloss
	skipComma := false
	for i := tp.start; i < tp.end; i++ {
		t := st[i]
		if t.kind != kSlot {
			if skipComma && t.s == "," {
				skipComma = false
				continue
			}
			skipComma = false
			d.toks = append(d.toks, t)
			continue
		}
		skipComma = false
		switch t.num {
		case slotSq:
			s := src.sents[r.intn(len(src.sents))]
			n := d.appendSpan(st, span{s.start, s.end - 1})
			d.toks[n].flags |= fCap
			if term := st[s.end-1]; term.s != "." {
				d.toks = append(d.toks, term)
				skipComma = true
			}
		case slotS:
			s := src.sents[src.dotSents[r.intn(len(src.dotSents))]]
			n := d.appendSpan(st, span{s.start, s.end - 1})
			d.toks[n].flags |= fCap
		case slotSl:
			s := src.sents[src.lowSents[r.intn(len(src.lowSents))]]
			n := d.appendSpan(st, span{s.start, s.end - 1})
			if s.lower == lowerFold {
				d.toks[n].flags = d.toks[n].flags&^fCap | fLower
			}
		case slotHs:
			s := src.sents[src.headSents[r.intn(len(src.headSents))]]
			n := d.appendSpan(st, span{s.start, s.end - 1})
			d.toks[n].flags |= fCap
		case slotName:
			d.appendSpan(st, pick(r, fr.first))
			d.appendSpan(st, pick(r, fr.last))
		case slotFirst:
			d.appendSpan(st, pick(r, fr.first))
		case slotPerson:
			d.appendSpan(st, pick(r, src.persons))
		case slotCity:
			d.appendSpan(st, pick(r, fr.cities))
		case slotCITY:
			n := d.appendSpan(st, fr.cities[g.city])
			for j := n; j < len(d.toks); j++ {
				d.toks[j].flags |= fUpper
			}
		case slotOrg:
			d.appendSpan(st, pick(r, fr.orgs))
		case slotTopic:
			d.appendSpan(st, pick(r, src.topics))
		case slotL, slotG:
			if gl == nil {
				gl = &src.glosses[r.intn(len(src.glosses))]
			}
			if t.num == slotL {
				d.appendSpan(st, gl.lemma)
			} else {
				d.appendSpan(st, gl.def)
			}
		case slotCard:
			v := r.between(2, 20)
			if r.chance(0.4) {
				v = r.between(21, 99)
			}
			d.num(kCard, v, v < 10)
		case slotBig:
			d.num(kCard, r.between(100, 60000), false)
		case slotAge:
			d.num(kCard, r.between(19, 88), false)
		case slotOrd:
			if r.chance(0.6) {
				d.num(kOrd, r.between(2, 9), true)
			} else {
				d.num(kOrd, r.between(10, 40), false)
			}
		case slotPct:
			d.num(kPct, r.between(1, 75), false)
		case slotMoney:
			d.num(kMoney, r.between(11, 9999), false)
		case slotYear:
			d.num(kPlain, r.between(1950, 2023), false)
		case slotDnum:
			d.num(kPlain, r.between(1, 28), false)
		case slotDay:
			d.appendSpan(st, pick(r, fr.weekdays))
		case slotMonth:
			d.appendSpan(st, pick(r, fr.months))
		case slotAg:
			d.appendSpan(st, fr.agShort[g.agency])
		case slotAgency:
			d.appendSpan(st, fr.agLong[g.agency])
		case slotOutlet:
			d.appendSpan(st, pick(r, fr.outlets))
		}
	}
}

func (d *doc) num(kind uint8, v int, words bool) {
	t := tok{kind: kind, num: int32(v), syn: -1}
	if words {
		t.flags = fWords
	}
	d.toks = append(d.toks, t)
}

// line appends a one-sentence paragraph from a template group.
func (g *Generator) line(d *doc, r *rng, kind uint8, tpls []span) int {
	d.para(kind)
	st := len(d.toks)
	g.expand(d, r, pick(r, tpls))
	d.capFirst(st)
	return d.endSent(st, sBody)
}

// sentence appends one body sentence and returns its word count. Most are
// WordNet example sentences as they are; the rest wrap them in quotes and
// attributions, explain a WordNet noun by its definition, or carry numbers.
func (g *Generator) sentence(d *doc, r *rng) int {
	st := len(d.toks)
	fr := &g.src.fr
	switch x := r.float(); {
	case x < 0.58:
		s := g.src.sents[r.intn(len(g.src.sents))]
		d.appendSpan(g.src.toks, s.span)
	case x < 0.71:
		g.expand(d, r, g.fresh(r, fr.quote, &g.used[0]))
	case x < 0.81:
		g.expand(d, r, g.fresh(r, fr.gloss, &g.used[1]))
	case x < 0.91:
		g.expand(d, r, g.fresh(r, fr.number, &g.used[2]))
	default:
		g.expand(d, r, g.fresh(r, fr.conj, &g.used[3]))
	}
	d.capFirst(st)
	return d.endSent(st, sBody)
}

// buildBase writes a base article: headline, optional byline, 8-20 body
// paragraphs (fewer for very short articles) with a dateline, and an
// optional contributor line. The length is roughly normal around
// MeanWords with a standard deviation of 30%.
func (g *Generator) buildBase(d *doc, r *rng) {
	d.reset()
	g.used = [4]uint64{}
	fr := &g.src.fr
	g.city = r.intn(len(fr.cities))
	g.agency = r.intn(len(fr.agShort))
	// Length: mean*(1 + 0.3*z) with z approximately standard normal (a sum
	// of four uniforms), in integer arithmetic so that it is the same on
	// every platform.
	mean := g.cfg.MeanWords
	u := r.intn(1001) + r.intn(1001) + r.intn(1001) + r.intn(1001) - 2000 // sd about 577
	target := max(mean+mean*u*3/5770, mean/3, 10)

	words := g.line(d, r, pHeadline, fr.headline)
	if r.chance(0.5) {
		words += g.line(d, r, pByline, fr.byline)
	}
	remaining := target - words
	paras := min(max(remaining/45+r.between(-2, 2), 8), 20)
	if remaining < 8*30 {
		paras = max(1, remaining/30)
	}
	for p := 0; p < paras; p++ {
		d.para(pBody)
		if p == 0 {
			st := len(d.toks)
			g.expand(d, r, pick(r, fr.dateline))
			remaining -= d.endSent(st, sDateline)
		}
		quota := remaining / (paras - p)
		w := 0
		for {
			w += g.sentence(d, r)
			if w >= quota {
				break
			}
		}
		remaining -= w
	}
	if r.chance(0.25) {
		g.line(d, r, pCredit, fr.baseCredit)
	}
	d.close()
}

// buildCopy renders the copy at pos of the base at basePos into buf. The
// base is rebuilt from its seed, then rewritten like a content farm
// re-running wire copy: a new or prefixed headline, a different byline, an
// added lead, a changed or dropped dateline, the bottom truncated, sentences
// dropped and reordered, paragraphs merged, ads and credit lines inserted,
// and, when rendering, content words swapped for WordNet synonyms and
// numbers rewritten ("12th" / "twelfth", "12 percent" / "12%").
func (g *Generator) buildCopy(buf []byte, pos, basePos int) []byte {
	rb := seedFor(g.cfg.Seed, basePos, 0x62617365)
	b := &g.base
	g.buildBase(b, &rb)
	r := seedFor(g.cfg.Seed, pos, 0x636f7079)
	fr := &g.src.fr
	o := &g.out
	o.reset()

	// Headline.
	o.para(pHeadline)
	st := len(o.toks)
	if r.chance(0.15) {
		g.expand(o, &r, pick(&r, fr.headline))
	} else {
		if r.chance(0.2) {
			o.appendSpan(g.src.toks, pick(&r, fr.headPrefix))
		}
		for si := b.paras[0].start; si < b.paras[0].end; si++ {
			s := b.sents[si]
			o.toks = append(o.toks, b.toks[s.start:s.end]...)
		}
		if r.chance(0.15) {
			o.toks = append(o.toks, tok{s: "|", kind: kPunct, syn: -1})
			o.appendSpan(g.src.toks, pick(&r, fr.outlets))
		}
	}
	o.capFirst(st)
	o.endSent(st, sBody)

	// Byline, date line and an added lead.
	byline := -1
	var bodies, credits []int32
	bodies = g.scratch[:0]
	for i, p := range b.paras {
		switch p.kind {
		case pByline:
			byline = i
		case pBody:
			bodies = append(bodies, int32(i))
		case pCredit:
			credits = append(credits, int32(i))
		}
	}
	switch x := r.float(); {
	case byline >= 0 && x < 0.45:
		o.para(pByline)
		for si := b.paras[byline].start; si < b.paras[byline].end; si++ {
			o.copySent(b, b.sents[si])
		}
	case x < 0.75:
		g.line(o, &r, pByline, fr.copyByline)
	}
	if r.chance(0.3) {
		g.line(o, &r, pPublished, fr.published)
	}
	if r.chance(0.3) {
		g.line(o, &r, pLead, fr.lead)
		if r.chance(0.5) {
			g.sentence(o, &r)
		}
	}

	// Body: truncate, reorder, drop, merge, insert ads.
	keep := len(bodies)
	if r.chance(0.65) {
		keep = max(1, (keep*r.between(450, 950)+999)/1000) // keep 45-95%
	}
	bodies = bodies[:keep]
	for i := 1; i+1 < len(bodies); i++ {
		if r.chance(0.06) {
			bodies[i], bodies[i+1] = bodies[i+1], bodies[i]
		}
	}
	dropP := 0.12 * r.float()
	swapP := 0.0
	if r.chance(0.5) {
		swapP = 0.1
	}
	adP := 0.0
	if r.chance(0.25) {
		adP = 0.12
	}
	dateline := r.intn(4) // 0, 1 keep; 2 drop; 3 rewrite
	newPara := true
	for k, bi := range bodies {
		if newPara || !r.chance(0.08) {
			o.para(pBody)
		}
		newPara = false
		p := b.paras[bi]
		chosen := g.sel[:0]
		for si := p.start; si < p.end; si++ {
			s := b.sents[si]
			if s.kind == sDateline {
				switch dateline {
				case 0, 1:
					o.copySent(b, s)
				case 3:
					g.agency = r.intn(len(fr.agShort))
					st := len(o.toks)
					g.expand(o, &r, pick(&r, fr.dateline))
					o.endSent(st, sDateline)
				}
				continue
			}
			if !r.chance(dropP) {
				chosen = append(chosen, s)
			}
		}
		if len(chosen) == 0 {
			for si := p.start; si < p.end; si++ {
				if b.sents[si].kind != sDateline {
					chosen = append(chosen, b.sents[si])
					break
				}
			}
		}
		for i := 0; i+1 < len(chosen); i++ {
			if r.chance(swapP) {
				chosen[i], chosen[i+1] = chosen[i+1], chosen[i]
			}
		}
		for _, s := range chosen {
			o.copySent(b, s)
		}
		g.sel = chosen[:0]
		if adP > 0 && k+1 < len(bodies) && r.chance(adP) {
			g.line(o, &r, pAd, fr.ad)
			newPara = true
		}
	}
	g.scratch = bodies[:0]

	// Credits.
	for _, ci := range credits {
		if r.chance(0.5) {
			o.para(pCredit)
			for si := b.paras[ci].start; si < b.paras[ci].end; si++ {
				o.copySent(b, b.sents[si])
			}
		}
	}
	for n := r.intn(3); n > 0; n-- {
		g.line(o, &r, pCredit, fr.copyCredit)
	}
	o.close()

	swap := g.cfg.SwapMin + (g.cfg.SwapMax-g.cfg.SwapMin)*r.float()
	flip := [...]float64{0, 0.5, 0.9}[r.intn(3)]
	return g.render(buf, o, &r, swap, flip)
}
